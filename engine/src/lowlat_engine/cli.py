"""`lowlat-engine CONFIG [--check-config]`: run the engine, or validate its configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys

from lowlat_engine import __version__, cpu, jsonlog
from lowlat_engine.admin_auth import BearerAuth, check_token_file
from lowlat_engine.config import Config, ConfigError, load
from lowlat_engine.engine import Engine, StartupError
from lowlat_engine.engine_metrics import build_registry
from lowlat_engine.httpserver import JSON, PROMETHEUS, TEXT, AdminServer
from lowlat_engine.hugebuf import BufferArena, HugePageError
from lowlat_engine.risk import HaltReason

EXIT_CONFIG = 2
EXIT_STARTUP = 1  # also used when the running loop fails


def _check_environment(cfg: Config) -> None:
    """The checks --check-config can make without changing anything."""
    cpu.check_affinity(cfg.engine.cpu_affinity)
    if cfg.memory.hugetlbfs_path:
        BufferArena({"probe": 4096}, cfg.memory.hugetlbfs_path, cfg.memory.hugetlbfs_fallback).close()


def _admin_server(engine: Engine) -> AdminServer:
    registry = build_registry(engine)

    def status() -> tuple[int, str, str]:
        body = {
            "ready": engine.ready,
            "feed_state": engine.feed.sequencer.state.name.lower(),
            "venue_connected": engine.gateway.active,
            "kill_switch": engine.risk.kill_switch,
            "positions": {k.decode().strip(): v for k, v in engine.blotter.positions.items()},
            "open_orders": len(engine.blotter.open),
            "last_venue_seq": engine.blotter.last_venue_seq,
        }
        return 200, JSON, json.dumps(body) + "\n"

    def kill_switch(engage: bool):
        def handler() -> tuple[int, str, str]:
            command = (
                (lambda: engine.engage_kill_switch(HaltReason.MANUAL))
                if engage
                else engine.release_kill_switch
            )
            if not engine.submit(command):
                return 503, TEXT, "engine loop did not respond\n"
            return 200, JSON, json.dumps({"kill_switch": engine.risk.kill_switch}) + "\n"

        return handler

    host = engine.cfg.http.listen.host
    port = engine.cfg.http.listen.port
    return AdminServer(
        host,
        port,
        get={
            "/metrics": lambda: (200, PROMETHEUS, registry.render()),
            "/healthz": lambda: (200, TEXT, "ok\n") if engine.alive() else (503, TEXT, "loop stalled\n"),
            "/readyz": lambda: (200, TEXT, "ready\n") if engine.ready else (503, TEXT, "not ready\n"),
            "/status": status,
        },
        post={"/kill-switch/engage": kill_switch(True), "/kill-switch/release": kill_switch(False)},
        auth=BearerAuth(engine.cfg.http.admin_token_file),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lowlat-engine", description=__doc__)
    parser.add_argument("config", help="path to the engine configuration (.toml or .json)")
    parser.add_argument("--check-config", action="store_true", help="validate the configuration and exit")
    parser.add_argument("--version", action="version", version=f"lowlat-engine {__version__}")
    args = parser.parse_args(argv)

    try:
        cfg = load(args.config)
        check_token_file(cfg.http.admin_token_file)
    except ConfigError as exc:
        print(f"lowlat-engine: invalid configuration {args.config}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if args.check_config:
        try:
            _check_environment(cfg)
        except (cpu.PlacementError, HugePageError) as exc:
            print(f"lowlat-engine: configuration {args.config} cannot run here: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"lowlat-engine: configuration {args.config} is valid")
        return 0

    log = jsonlog.setup("lowlat-engine", cfg.engine.log_level, cfg.engine.name)
    try:
        # Placement first, so every thread started later inherits CPU set and policy.
        cpu.apply_affinity(cfg.engine.cpu_affinity)
        cpu.apply_sched_fifo(cfg.engine.sched_fifo_priority)
        engine = Engine(cfg)
    except (cpu.PlacementError, HugePageError, StartupError, OSError) as exc:
        log.error("engine failed to start", extra={"error": str(exc)})
        return EXIT_STARTUP
    try:
        admin = _admin_server(engine)
    except OSError as exc:
        log.error("engine failed to start", extra={"error": f"http.listen={cfg.http.listen}: {exc.strerror}"})
        engine.shutdown()
        return EXIT_STARTUP
    if engine.arena.fallback_reason:
        log.warning("hot-path buffers are not on huge pages", extra={"reason": engine.arena.fallback_reason})
    engine.install_signal_handlers()
    admin.start()
    log.info(
        "engine started",
        extra={
            "version": __version__,
            "feed_port": engine.feed.port,
            "http_port": admin.port,
            "venue": str(cfg.venue.address),
            "cpus": sorted(os.sched_getaffinity(0)),
            "hugepages": engine.arena.huge_pages,
            "fsync": cfg.journal.fsync.value,
        },
    )
    code = 0
    try:
        engine.run()
    except Exception:
        log.exception("engine loop failed; flushing the journal and stopping")
        code = EXIT_STARTUP
    finally:
        admin.stop()
        engine.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
