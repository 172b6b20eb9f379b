#!/usr/bin/env python3
"""Wall time of the Ansible CLIs on lowlat.trading.lowlat_ec2 vs amazon.aws.aws_ec2.

5,000 instances (default) over two regions in moto, the same filters and the same groups (role,
env, cluster, AZ, instance type) for both plugins; the run fails if their hosts or groups differ.
moto's answers are recorded once per plugin and then replayed from 127.0.0.1 (see
inventory_replay.py), so each run pays only for its plugin. Timed, alternating between the
plugins, --runs times each:

- cold --list:          `ansible-inventory --list`, no cache
- cached --list:        the same with a warm jsonfile cache
- cached --list-hosts:  `ansible all --list-hosts` with the warm cache: loading the inventory,
                        which is what every playbook run pays before its first task

Cached modes also time two floors that show what the Ansible CLI itself costs at this size:
"static", an inventory script that prints lowlat's finished --list output (inventory data that
costs nothing to get), and "bare", lowlat's cache with the same hosts and groups but no hostvars
other than ansible_host (the least any dynamic inventory of these hosts can hand the CLI).
Prints medians, ratios and a Markdown table. Not a test: it asserts nothing about speed.

    .venv/bin/python benchmarks/inventory_speed.py [--instances 5000] [--runs 3] [--reuse-recording]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.inventory_replay import RecordingProxy, ReplayServer  # noqa: E402
from tools.lowlat_testbed.moto_server import MotoServer, run_instances, safe_aws_env  # noqa: E402

REGIONS = ("us-east-1", "eu-west-1")
ROLES = ("md", "oe", "gw", "risk")
ENVS = ("prod", "uat")
CLUSTERS = ("a", "b", "c")
TYPES = ("c5n.18xlarge", "c5n.9xlarge", "c5n.metal")
PER_RESERVATION = 25
GROUP_PREFIXES = ("role_", "env_", "cluster_", "az_", "type_")

LOWLAT_CFG = """\
plugin: lowlat.trading.lowlat_ec2
regions: {regions}
endpoint_url: {url}
filters:
  instance-state-name: running
  tag-key: "lowlat:role"
hostnames: [instance-id]
"""
AWS_CFG = """\
plugin: amazon.aws.aws_ec2
regions: {regions}
endpoint_url: {url}
filters:
  instance-state-name: running
  tag-key: "lowlat:role"
hostnames: [instance-id]
keyed_groups:
  - {{prefix: role, key: "tags['lowlat:role']"}}
  - {{prefix: env, key: "tags['lowlat:env']"}}
  - {{prefix: cluster, key: "tags['lowlat:cluster']"}}
  - {{prefix: az, key: placement.availability_zone}}
  - {{prefix: type, key: instance_type}}
"""
CACHE_CFG = """\
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {dir}
cache_timeout: 86400
"""


def populate(moto: MotoServer, instances: int) -> None:
    import boto3

    per_region = instances // len(REGIONS)
    combos = [(r, e, c, t) for r in ROLES for e in ENVS for c in CLUSTERS for t in TYPES]
    for region in REGIONS:
        ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto.url)
        zones = [f"{region}{z}" for z in "abc"]
        for n, start in enumerate(range(0, per_region, PER_RESERVATION)):
            role, env, cluster, itype = combos[n % len(combos)]
            count = min(PER_RESERVATION, per_region - start)
            tags = {
                "lowlat:role": role,
                "lowlat:env": env,
                "lowlat:cluster": cluster,
                "lowlat:managed": "true",
            }
            run_instances(ec2, count, tags, instance_type=itype, zone=zones[n % 3], per_reservation=count)


def write_configs(work: Path, url: str) -> dict[str, Path]:
    regions = json.dumps(list(REGIONS))
    configs = {}
    for name, template, suffix in (
        ("lowlat", LOWLAT_CFG, "lowlat_ec2.yml"),
        ("aws_ec2", AWS_CFG, "aws_ec2.yml"),
    ):
        text = template.format(regions=regions, url=url)
        cold = work / f"{name}-cold.{suffix}"
        cold.write_text(text)
        cached = work / f"{name}-cached.{suffix}"
        cached.write_text(text + CACHE_CFG.format(dir=work / f"cache-{name}"))
        configs[f"{name} cold"] = cold
        configs[f"{name} cached"] = cached
    return configs


STATIC_SCRIPT = """\
#!/bin/sh
# lowlat's finished --list output via the stock script plugin: inventory data that costs nothing to get.
if [ "$1" = "--list" ]; then cat '{json}'; else echo '{{}}'; fi
"""


def write_static_floor(work: Path) -> Path:
    """An inventory script replaying lowlat's listing (same hosts, vars and groups)."""
    data = work / "static-floor.json"
    shutil.copyfile(work / "out-lowlat cold.json", data)
    script = work / "static-floor.sh"
    script.write_text(STATIC_SCRIPT.format(json=data))
    script.chmod(0o755)
    return script


def ansible_env() -> dict[str, str]:
    env = safe_aws_env()
    env["ANSIBLE_CONFIG"] = str(REPO / "ansible.cfg")
    env["ANSIBLE_INVENTORY_ENABLED"] = "lowlat.trading.lowlat_ec2,amazon.aws.aws_ec2,ansible.builtin.script"
    env["PATH"] = f"{REPO / '.venv' / 'bin'}:{env.get('PATH', '')}"
    return env


# Timed commands: the full JSON listing, and what a playbook pays (load the inventory, match hosts).
COMMANDS = {
    "--list": lambda cfg: [str(REPO / ".venv/bin/ansible-inventory"), "-i", str(cfg), "--list"],
    "--list-hosts": lambda cfg: [str(REPO / ".venv/bin/ansible"), "all", "-i", str(cfg), "--list-hosts"],
}
PLUGINS = ("lowlat", "aws_ec2")
FLOORS = ("static", "bare")  # cached modes only
# (label, config mode, command); runs alternate between the plugins within each. Cached modes
# also time the floors (see write_static_floor and write_bare_floor).
MODES = (
    ("cold --list", "cold", "--list"),
    ("cached --list", "cached", "--list"),
    ("cached --list-hosts", "cached", "--list-hosts"),
)


def run_inventory(config: Path, out: Path, command: str = "--list") -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) for one command on one inventory config."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("wb") as stdout:
        proc = subprocess.run(
            COMMANDS[command](config),
            stdout=stdout,
            stderr=subprocess.PIPE,
            env=ansible_env(),
            cwd=REPO,
            timeout=1800,
            check=False,
        )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"{command} failed for {config.name}:\n{proc.stderr.decode()[-3000:]}")
    return wall, cpu


def groups_of(listing: dict[str, Any]) -> dict[str, set[str]]:
    return {
        name: set(body.get("hosts", []))
        for name, body in listing.items()
        if name != "_meta" and name.startswith(GROUP_PREFIXES)
    }


def check_same_result(work: Path, instances: int) -> None:
    """Both plugins must list the same hosts in the same role/env/cluster/AZ/type groups."""
    lowlat = json.loads((work / "out-lowlat cold.json").read_text())
    aws = json.loads((work / "out-aws_ec2 cold.json").read_text())
    hosts_l, hosts_a = set(lowlat["_meta"]["hostvars"]), set(aws["_meta"]["hostvars"])
    if not (len(hosts_l) == len(hosts_a) == instances and hosts_l == hosts_a):
        raise RuntimeError(f"host lists differ: lowlat {len(hosts_l)}, aws_ec2 {len(hosts_a)}")
    if groups_of(lowlat) != groups_of(aws):
        raise RuntimeError("group membership differs between the plugins")


def record(work: Path, instances: int, path: Path) -> None:
    print(f"recording: {instances} instances in moto over {', '.join(REGIONS)} ...", flush=True)
    with MotoServer(log_path=work / "moto.log") as moto:
        start = time.perf_counter()
        populate(moto, instances)
        print(f"  populated in {time.perf_counter() - start:.1f} s", flush=True)
        with RecordingProxy(moto.url) as proxy:
            configs = write_configs(work, proxy.url)
            for name in ("lowlat cold", "aws_ec2 cold"):
                wall, _ = run_inventory(configs[name], work / "record.json")
                print(f"  recorded {name} (moto answering live): {wall:.1f} s", flush=True)
            proxy.save(path)


def write_bare_floor(work: Path, lowlat_cached: Path) -> Path:
    """lowlat's cached config on its own cache, stripped to ansible_host: the CLI's cost without hostvars."""
    config = work / "bare-cached.lowlat_ec2.yml"
    cache_dir = work / "cache-bare"
    shutil.rmtree(cache_dir, ignore_errors=True)
    config.write_text(lowlat_cached.read_text().replace(str(work / "cache-lowlat"), str(cache_dir)))
    run_inventory(config, work / "out-bare fill.json")
    (entry,) = cache_dir.iterdir()
    wrapper = json.loads(entry.read_text())  # ansible.builtin.jsonfile keeps the value as a JSON string
    built = json.loads(wrapper["__payload__"])
    built["hosts"] = {name: {"ansible_host": hv["ansible_host"]} for name, hv in built["hosts"].items()}
    wrapper["__payload__"] = json.dumps(built)
    entry.write_text(json.dumps(wrapper))
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs per plugin and mode (0: record only)")
    parser.add_argument("--work-dir", type=Path, default=REPO / ".cache" / "bench-inventory")
    parser.add_argument("--reuse-recording", action="store_true", help="skip moto if a recording exists")
    args = parser.parse_args()
    # Fake credentials, no profile: nothing here may reach real AWS.
    safe = safe_aws_env()
    os.environ.clear()
    os.environ.update(safe)

    work = args.work_dir
    work.mkdir(parents=True, exist_ok=True)
    recording = work / f"recording-{args.instances}.json"
    if not (args.reuse_recording and recording.exists()):
        record(work, args.instances, recording)

    if args.runs == 0:
        return 0

    results: dict[str, list[tuple[float, float]]] = {}
    load_before = os.getloadavg()
    with ReplayServer.from_file(recording) as replay:
        configs = write_configs(work, replay.url)
        for plugin in PLUGINS:
            shutil.rmtree(work / f"cache-{plugin}", ignore_errors=True)
        # Untimed: fill both caches and check the plugins agree.
        for name, cfg in configs.items():
            run_inventory(cfg, work / f"out-{name}.json")
        check_same_result(work, args.instances)
        if replay.misses:
            raise RuntimeError(f"{len(replay.misses)} requests had no recording; re-record without --reuse")
        configs["static cached"] = write_static_floor(work)
        configs["bare cached"] = write_bare_floor(work, configs["lowlat cached"])
        for label, config_mode, command in MODES:
            for run in range(args.runs):
                for plugin in PLUGINS if config_mode == "cold" else (*PLUGINS, *FLOORS):
                    out = work / f"out-{plugin} {label}.json"
                    wall, cpu = run_inventory(configs[f"{plugin} {config_mode}"], out, command)
                    results.setdefault(f"{plugin} {label}", []).append((wall, cpu))
                    print(
                        f"  run {run + 1} {plugin:8} {label:20} {wall:6.2f} s wall {cpu:6.2f} s CPU",
                        flush=True,
                    )
        if replay.misses:
            raise RuntimeError(f"{len(replay.misses)} requests had no recording")
    load_after = os.getloadavg()

    med = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in results.items()
    }
    print()
    print(f"{args.instances} instances, {len(REGIONS)} regions, {args.runs} runs each, medians")
    print(
        f"load average (1/5/15 min) before {fmt_load(load_before)}, after {fmt_load(load_after)}; {os.cpu_count()} CPUs"
    )
    print()
    print("| command | plugin | wall s | CPU s | wall vs aws_ec2 |")
    print("|---|---|---:|---:|---:|")
    for label, _, _ in MODES:
        base = med[f"aws_ec2 {label}"][0]
        for plugin in (*PLUGINS, *FLOORS):
            if f"{plugin} {label}" not in med:
                continue
            wall, cpu = med[f"{plugin} {label}"]
            print(f"| {label} | {plugin} | {wall:.2f} | {cpu:.2f} | {wall / base:.3f}x |")
    return 0


def fmt_load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in load)


if __name__ == "__main__":
    sys.exit(main())
