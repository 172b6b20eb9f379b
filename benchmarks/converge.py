#!/usr/bin/env python3
"""What a converge of the lab costs: first converge, no-op re-run, --check run and audit-only run.

For each repeat the lab's hosts are made anew (`tools/lab.sh down` then `tools/lab.sh hosts`:
fresh podman containers registered in moto, the engine artifact built; none of it timed) and the
fact cache is emptied, then four playbook runs are timed in this order:

- first:  playbooks/site.yml on the fresh hosts (tune, reboot gate, deploy, audit)
- noop:   playbooks/site.yml again; it must change nothing (the benchmark stops if it does)
- check:  playbooks/site.yml --check
- audit:  playbooks/audit.yml

Each run is measured by wall time and controller CPU (user+sys of ansible-playbook and every
process it started on this machine, podman exec clients included; getrusage of the children).
Tasks per host are read from the PLAY RECAP (ok + failed + skipped + unreachable). Prints medians
over the repeats, min and max, the ratio noop / first, and a Markdown table; --json writes it all.

Variants compare the ecosystem's accelerators on the same hosts (each variant runs its own
repeats; name several with --variant to compare them in one sitting):

- default:  ansible.cfg as it is
- free:     ANSIBLE_STRATEGY=free
- mitogen:  Mitogen for Ansible (PyPI `mitogen`, installed into .cache/bench-converge/mitogen,
            not into the venv), strategy mitogen_linear with the podman connection it redirects

Defaults to the lab's engine hosts and the two simulator hosts they trade against (an engine is not
ready until its feed and venue answer): `--limit role_engine:role_feed:role_venue`. The tuning and
the goal are on the engine hosts; tasks per host are printed for those. Not a test: it asserts nothing about speed. Needs the lab's prerequisites (podman,
the base image: `make lab` once, or it builds them).

    .venv/bin/python benchmarks/converge.py [--repeats 3] [--variant default --variant mitogen]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".cache" / "bench-converge"
LAB_STATE = REPO / ".cache" / "lab"
INVENTORY = "inventories/lab"
MITOGEN_REQUIREMENT = "mitogen==0.3.54"
# What tools/lab.sh sets: moto on 127.0.0.1 accepts any credentials, these keep boto3 off real ones.
LAB_ENV = {
    "AWS_ACCESS_KEY_ID": "lowlat-lab",
    "AWS_SECRET_ACCESS_KEY": "lowlat-lab",
    "AWS_DEFAULT_REGION": "us-east-1",
    "CONTAINERS_CONF": str(REPO / "molecule" / "containers.conf"),
}
DEFAULT_LIMIT = "role_engine:role_feed:role_venue"
ENGINE_HOST = "engine"  # tasks per host are averaged over the hosts whose name has this
RUNS = ("first", "noop", "check", "audit")
RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)"
)


@dataclass
class Run:
    """One timed playbook run."""

    name: str
    wall: float
    cpu: float
    tasks: dict[str, int]
    changed: dict[str, int]
    log: str


@dataclass
class Variant:
    """A way of running Ansible: the environment added to every run and the inventory it uses."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    inventory: str = INVENTORY


def mitogen_variant() -> Variant:
    target = WORK / "mitogen"
    if not (target / "ansible_mitogen").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--target", str(target), MITOGEN_REQUIREMENT],
            check=True,
        )
    return Variant(
        "mitogen",
        env={
            "ANSIBLE_STRATEGY_PLUGINS": str(target / "ansible_mitogen" / "plugins" / "strategy"),
            "ANSIBLE_STRATEGY": "mitogen_linear",
            "PYTHONPATH": str(target),
            # Mitogen's interpreter discovery fails on ansible-core 2.19 ("EOF on stream"); the lab
            # image's Python is named instead.
            "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
        },
        inventory=mitogen_inventory(),
    )


def mitogen_inventory() -> str:
    """The lab inventory with the podman connection by its short name, which Mitogen redirects
    (the lab's config names it by its FQCN, which Mitogen does not know)."""
    inventory = WORK / "inventory-mitogen"
    inventory.mkdir(parents=True, exist_ok=True)
    lab = (REPO / INVENTORY / "lab.lowlat_ec2.yml").read_text()
    fqcn = "ansible_connection: \"'containers.podman.podman'\""
    if fqcn not in lab:
        raise SystemExit(f"{INVENTORY}/lab.lowlat_ec2.yml no longer sets {fqcn}: update the mitogen variant")
    (inventory / "lab.lowlat_ec2.yml").write_text(lab.replace(fqcn, "ansible_connection: \"'podman'\""))
    link = inventory / "group_vars"
    if not link.is_symlink():
        link.symlink_to(REPO / INVENTORY / "group_vars")
    return str(inventory)


def variant(name: str) -> Variant:
    if name == "default":
        return Variant("default")
    if name == "free":
        return Variant("free", env={"ANSIBLE_STRATEGY": "free"})
    if name == "mitogen":
        return mitogen_variant()
    raise SystemExit(f"unknown variant {name!r}: choose default, free or mitogen")


def parse_recap(text: str) -> tuple[dict[str, int], dict[str, int]]:
    tasks: dict[str, int] = {}
    changed: dict[str, int] = {}
    in_recap = False
    for line in text.splitlines():
        if line.startswith("PLAY RECAP"):
            in_recap, tasks, changed = True, {}, {}
            continue
        match = RECAP.match(line) if in_recap else None
        if match:
            counts = {k: int(v) for k, v in match.groupdict().items() if k != "host"}
            host = match["host"]
            tasks[host] = counts["ok"] + counts["failed"] + counts["skipped"] + counts["unreachable"]
            changed[host] = counts["changed"]
            if counts["failed"] or counts["unreachable"]:
                raise SystemExit(f"{host} failed or was unreachable; see the log")
    if not tasks:
        raise SystemExit("no PLAY RECAP in the output")
    return tasks, changed


def play(name: str, playbook: str, extra: list[str], chosen: Variant, limit: str, logdir: Path) -> Run:
    cmd = [
        "ansible-playbook",
        "-i",
        chosen.inventory,
        "-e",
        f"@{LAB_STATE / 'lab-vars.yml'}",
        "--limit",
        limit,
    ]
    cmd += [*extra, playbook]
    env = {**os.environ, **LAB_ENV, **chosen.env, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")}
    env["LOWLAT_AUDIT_DIR"] = str(WORK / "audit")
    for unwanted in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(unwanted, None)
    log = logdir / f"{name}.log"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    text = log.read_text()
    if proc.returncode:
        raise SystemExit(f"{name} ({chosen.name}) exited {proc.returncode}: {log}")
    tasks, changed = parse_recap(text)
    return Run(name, round(wall, 2), round(cpu, 2), tasks, changed, str(log.relative_to(REPO)))


def fresh_lab() -> None:
    subprocess.run(["tools/lab.sh", "down"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(REPO / ".cache" / "facts", ignore_errors=True)
    subprocess.run(["tools/lab.sh", "hosts"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)


def repeat(chosen: Variant, limit: str, index: int) -> list[Run]:
    fresh_lab()
    logdir = WORK / "logs" / chosen.name / str(index)
    logdir.mkdir(parents=True, exist_ok=True)
    runs = [
        play("first", "playbooks/site.yml", [], chosen, limit, logdir),
        play("noop", "playbooks/site.yml", [], chosen, limit, logdir),
        play("check", "playbooks/site.yml", ["--check"], chosen, limit, logdir),
        play("audit", "playbooks/audit.yml", [], chosen, limit, logdir),
    ]
    noop = runs[1]
    if any(noop.changed.values()):
        raise SystemExit(f"the no-op re-run changed {noop.changed} ({chosen.name}): see {noop.log}")
    for run in runs:
        print(
            f"  [{chosen.name} #{index + 1}] {run.name:<6} {run.wall:8.1f} s wall {run.cpu:8.1f} s CPU",
            flush=True,
        )
    return runs


def summarise(runs: list[list[Run]]) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for position, name in enumerate(RUNS):
        walls = [r[position].wall for r in runs]
        cpus = [r[position].cpu for r in runs]
        engines = [h for h in runs[0][position].tasks if ENGINE_HOST in h] or list(runs[0][position].tasks)
        tasks = {h: runs[0][position].tasks[h] for h in engines}
        changed = {h: runs[0][position].changed[h] for h in engines}
        table[name] = {
            "wall": round(statistics.median(walls), 1),
            "wall_min": round(min(walls), 1),
            "wall_max": round(max(walls), 1),
            "cpu": round(statistics.median(cpus), 1),
            "tasks_per_host": round(statistics.mean(tasks.values()), 1),
            "changed_per_host": round(statistics.mean(changed.values()), 1),
        }
    table["ratio"] = {"noop_over_first": round(table["noop"]["wall"] / table["first"]["wall"], 3)}
    return table


def markdown(results: dict[str, dict[str, dict[str, float]]], limit: str, repeats: int) -> str:
    lines = [
        f"hosts: --limit {limit}; medians of {repeats} (min-max); CPU = controller user+sys",
        "",
        "| variant | run | wall s | min-max | CPU s | tasks/engine host | changed/engine host |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, table in results.items():
        for run in RUNS:
            row = table[run]
            lines.append(
                f"| {name} | {run} | {row['wall']} | {row['wall_min']}-{row['wall_max']} | {row['cpu']} "
                f"| {row['tasks_per_host']} | {row['changed_per_host']} |"
            )
    lines.append("")
    for name, table in results.items():
        lines.append(f"{name}: no-op re-run / first converge = {table['ratio']['noop_over_first']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--limit", default=DEFAULT_LIMIT, help=f"hosts to converge (default: {DEFAULT_LIMIT})"
    )
    parser.add_argument("--variant", action="append", choices=("default", "free", "mitogen"))
    parser.add_argument("--json", type=Path, help="write every run and the summary here")
    parser.add_argument("--keep", action="store_true", help="leave the lab running at the end")
    args = parser.parse_args()
    os.environ["PATH"] = f"{REPO / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    WORK.mkdir(parents=True, exist_ok=True)
    chosen = [variant(name) for name in (args.variant or ["default"])]
    every: dict[str, list[list[Run]]] = {v.name: [] for v in chosen}
    try:
        # Variants alternate per repeat, so a slow spell of the machine hits them alike.
        for index in range(args.repeats):
            for v in chosen:
                every[v.name].append(repeat(v, args.limit, index))
    finally:
        if not args.keep:
            subprocess.run(["tools/lab.sh", "down"], cwd=REPO, check=False, stdout=subprocess.DEVNULL)
    results = {name: summarise(runs) for name, runs in every.items()}
    print()
    print(markdown(results, args.limit, args.repeats))
    if args.json:
        payload = {
            "limit": args.limit,
            "repeats": args.repeats,
            "summary": results,
            "runs": {name: [[asdict(r) for r in rep] for rep in runs] for name, runs in every.items()},
            "load_average": os.getloadavg(),
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
