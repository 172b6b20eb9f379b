#!/usr/bin/env python3
"""Fake EC2 for the lab: a moto server on 127.0.0.1 holding one instance per lab container.

    moto_lab.py start --port 5555 --state-dir .cache/lab    # background server, waits until it answers
    moto_lab.py register --hosts-file lab-hosts.yml --state-dir .cache/lab
    moto_lab.py stop --state-dir .cache/lab

The hosts file (YAML or JSON) is a list, or a mapping with a `hosts` list, of entries like

    - container: lowlat-md-1     # podman container name (required)
      role: md                   # lowlat:role (required)
      env: lab                   # lowlat:env, default "lab"
      cluster: lab               # lowlat:cluster, default "lab"
      instance_type: c5n.18xlarge
      zone: us-east-1a
      private_ip: 10.88.0.5      # optional: the container's address becomes the instance's

Each becomes a running instance in us-east-1 tagged with the lowlat tag contract plus
`lowlat:lab_container`, so inventories/aws/lab.lowlat_ec2.yml.example finds it and maps it to the
container. register is idempotent: containers that already have an instance are skipped. Only
fake credentials are used and only 127.0.0.1 is contacted.

The server is the one the integration tests and benchmarks use (tools/lowlat_testbed/moto_server.py:
moto plus its /_lowlat/ counters and speed fixes), run detached with its pid in the state dir.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REGION = "us-east-1"
LAB_TAG = "lowlat:lab_container"
DEFAULT_TYPE = "c5n.18xlarge"
START_TIMEOUT = 30.0
MOTO_SERVER = Path(__file__).resolve().parent / "lowlat_testbed" / "moto_server.py"
STOP_TIMEOUT = 10.0


def fake_aws_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="lab",
        AWS_SECRET_ACCESS_KEY="lab",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def paths(state_dir: Path) -> dict[str, Path]:
    return {"pid": state_dir / "moto.pid", "port": state_dir / "moto.port", "log": state_dir / "moto.log"}


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=2):
            return True
    except (urllib.error.URLError, OSError):
        return False


def running_pid(state_dir: Path) -> int | None:
    """The recorded server pid, if that process is still a moto server."""
    pid_file = paths(state_dir)["pid"]
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip())
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return None
    return pid if MOTO_SERVER.name.encode() in cmdline else None


def start(port: int, state_dir: Path) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    files = paths(state_dir)
    pid = running_pid(state_dir)
    if pid:
        old_port = int(files["port"].read_text())
        if old_port != port:
            print(f"moto already running (pid {pid}) on port {old_port}; stop it first", file=sys.stderr)
            return 1
        print(f"moto already running on http://127.0.0.1:{port} (pid {pid})")
        return 0
    if answers(port):
        print(f"port {port} already answers on 127.0.0.1 but is not our moto server", file=sys.stderr)
        return 1
    env = fake_aws_env()
    env["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"  # faster launches; the lab needs no AMI catalogue
    with files["log"].open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, str(MOTO_SERVER), "--port", str(port)],  # listens on 127.0.0.1 only
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # keeps running after this command exits
        )
    files["pid"].write_text(f"{proc.pid}\n")
    files["port"].write_text(f"{port}\n")
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            print(f"moto exited with {proc.returncode}; see {files['log']}", file=sys.stderr)
            files["pid"].unlink(missing_ok=True)
            return 1
        if answers(port):
            print(f"moto running on http://127.0.0.1:{port} (pid {proc.pid})")
            return 0
        time.sleep(0.2)
    print(f"moto did not answer within {START_TIMEOUT:.0f} s; stopping it", file=sys.stderr)
    stop(state_dir)
    return 1


def stop(state_dir: Path) -> int:
    files = paths(state_dir)
    pid = running_pid(state_dir)
    if pid:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and running_pid(state_dir):
            time.sleep(0.1)
        if running_pid(state_dir):
            os.kill(pid, signal.SIGKILL)
        print(f"moto stopped (pid {pid})")
    else:
        print("moto was not running")
    files["pid"].unlink(missing_ok=True)
    files["port"].unlink(missing_ok=True)
    return 0


def load_hosts(path: Path) -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load(path.read_text())  # JSON is YAML too
    hosts = data.get("hosts") if isinstance(data, dict) else data
    if not isinstance(hosts, list) or not hosts:
        raise SystemExit(f"{path}: expected a non-empty list of hosts (or a mapping with 'hosts')")
    for entry in hosts:
        if not isinstance(entry, dict) or not entry.get("container") or not entry.get("role"):
            raise SystemExit(f"{path}: every host needs 'container' and 'role': {entry!r}")
    return hosts


def lab_subnet(ec2: Any, cidr: str, zone: str) -> str:
    """The lab's subnet for container addresses (created once): instances get the container's IP."""
    found = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": [f"lowlat-lab-{cidr}-{zone}"]}])
    if found["Subnets"]:
        return found["Subnets"][0]["SubnetId"]
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=zone)["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=[subnet], Tags=[{"Key": "Name", "Value": f"lowlat-lab-{cidr}-{zone}"}])
    return subnet


def lab_instances(ec2: Any) -> dict[str, dict[str, Any]]:
    """Running lab instances by container name."""
    found = {}
    for page in ec2.get_paginator("describe_instances").paginate(
        Filters=[
            {"Name": "tag-key", "Values": [LAB_TAG]},
            {"Name": "instance-state-name", "Values": ["running"]},
        ]
    ):
        for reservation in page["Reservations"]:
            for instance in reservation["Instances"]:
                tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
                found[tags[LAB_TAG]] = instance
    return found


def register(hosts_file: Path, port: int, subnet_cidr: str) -> int:
    import boto3

    os.environ.clear()
    os.environ.update(fake_aws_env())
    if not answers(port):
        print(f"no moto server on 127.0.0.1:{port}; run 'start' first", file=sys.stderr)
        return 1
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=f"http://127.0.0.1:{port}")
    existing = lab_instances(ec2)
    result = {}
    for host in load_hosts(hosts_file):
        name = host["container"]
        zone = host.get("zone", f"{REGION}a")
        private_ip = host.get("private_ip")
        current = existing.get(name)
        if current and private_ip and current.get("PrivateIpAddress") != private_ip:
            # The container was recreated with another address: replace its instance.
            ec2.terminate_instances(InstanceIds=[current["InstanceId"]])
            current = None
        if current:
            result[name] = current["InstanceId"]
            continue
        tags = {
            "lowlat:role": str(host["role"]),
            "lowlat:env": str(host.get("env", "lab")),
            "lowlat:cluster": str(host.get("cluster", "lab")),
            "lowlat:managed": "true",
            LAB_TAG: name,
            "Name": name,
        }
        placement: dict[str, Any] = {}
        if private_ip:
            placement = {"SubnetId": lab_subnet(ec2, subnet_cidr, zone), "PrivateIpAddress": private_ip}
        response = ec2.run_instances(
            ImageId="ami-12345678",
            MinCount=1,
            MaxCount=1,
            InstanceType=host.get("instance_type", DEFAULT_TYPE),
            Placement={"AvailabilityZone": zone},
            TagSpecifications=[
                {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            ],
            **placement,
        )
        result[name] = response["Instances"][0]["InstanceId"]
    print(json.dumps(result, indent=2, sort_keys=True))
    return 0


def port_of(args: argparse.Namespace) -> int:
    if args.port:
        return args.port
    port_file = paths(args.state_dir)["port"]
    if not port_file.exists():
        raise SystemExit(f"no --port given and {port_file} does not exist; run 'start' first")
    return int(port_file.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("start", "register", "stop"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--state-dir", type=Path, default=Path(".cache/lab"))
        if name != "stop":
            cmd.add_argument("--port", type=int, required=name == "start")
        if name == "register":
            cmd.add_argument("--hosts-file", type=Path, required=True)
            cmd.add_argument(
                "--subnet-cidr",
                default="10.88.0.0/16",
                help="subnet holding hosts that give private_ip (podman's default network)",
            )
    args = parser.parse_args(argv)
    if args.command == "start":
        return start(args.port, args.state_dir)
    if args.command == "register":
        return register(args.hosts_file, port_of(args), args.subnet_cidr)
    return stop(args.state_dir)


if __name__ == "__main__":
    sys.exit(main())
