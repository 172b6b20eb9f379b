"""tools/dr_drill.py: the DR drill, run against a small DR deployment in moto.

The deployment is built with boto3 on a moto server on 127.0.0.1 (tools/lowlat_testbed): the
primary EKS node group in eu-west-2 (m5.xlarge 2/3/10), the DR cluster in eu-west-1 with its pilot
group (t3.small 1/1/2), two stopped DR hosts, the health alarm in us-east-1, the Route 53 health
check and failover pair, an RDS cross-region read replica, S3 replication, a backup plan copying to
the DR vault and the sync-cluster-sizes function (its environment only: moto cannot run Lambda code
without Docker, so the drill runs lambda/sync_cluster_sizes/handler.py in-process, --invoke local).
DynamoDB replicas are not deployed: moto has no global-table replicas.

Nothing reaches AWS: fake credentials, no profile or config file, every client on the local server.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env, use_safe_aws_env

REPO = Path(__file__).resolve().parents[2]
TOOL_PATH = REPO / "tools" / "dr_drill.py"

_spec = importlib.util.spec_from_file_location("dr_drill", TOOL_PATH)
drill = importlib.util.module_from_spec(_spec)
sys.modules["dr_drill"] = drill
_spec.loader.exec_module(drill)

PRIMARY, DR, ALARM_REGION = "eu-west-2", "eu-west-1", "us-east-1"
PRIMARY_CLUSTER, DR_CLUSTER = "lowlat-prod", "lowlat-prod-dr"
PRIMARY_GROUP, DR_GROUP = "lowlat-prod-general", "lowlat-prod-dr-general"
PILOT = {"min_size": 1, "desired_size": 1, "max_size": 2}
RECORDED = {"instance_types": ["m5.xlarge"], "min_size": 2, "desired_size": 3, "max_size": 10}
NODE_GROUPS = {"general": {"primary": PRIMARY_GROUP, "dr": DR_GROUP, "pilot": PILOT, "recorded": RECORDED}}
ALARM = "lowlat-prod-primary-health"
FUNCTION = "lowlat-prod-dr-sync-cluster-sizes"
RECORD = "trading.lowlat.example.com"
PRIMARY_IP, SECONDARY_IP = "10.0.0.10", "10.1.0.10"
MISSING_HOST = "i-0123456789abcdef0"


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    tmp = tmp_path_factory.mktemp("moto")
    # moto runs Lambda code in Docker, pulling images from the internet: never here, Docker or not.
    no_docker = {"DOCKER_HOST": f"unix://{tmp}/no-docker.sock"}
    with MotoServer(log_path=tmp / "moto.log", settings=no_docker) as server:
        yield server


def _put_health_alarm(cloudwatch: Any) -> None:
    """The primary's health alarm as the failover module makes it, in state OK."""
    cloudwatch.put_metric_alarm(
        AlarmName=ALARM,
        Namespace="AWS/Route53",
        MetricName="HealthCheckStatus",
        Statistic="Minimum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="LessThanThreshold",
    )
    cloudwatch.set_alarm_state(AlarmName=ALARM, StateValue="OK", StateReason="primary healthy")


@pytest.fixture(autouse=True)
def _fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    use_safe_aws_env(monkeypatch)


# --- the deployment ----------------------------------------------------------------------------


@dataclass
class Deployment:
    server: MotoServer
    outputs_path: Path
    outputs: dict[str, Any]
    host_ids: list[str]
    check_id: str

    def client(self, service: str, region: str = ALARM_REGION) -> Any:
        return self.server.client(service, region)

    def run(self, *extra: str, timeout: str = "0") -> int:
        argv = ["--outputs", str(self.outputs_path), "--endpoint-url", self.server.url, "--timeout", timeout]
        return drill.main([*argv, *extra])

    def dr_group(self, name: str = DR_GROUP) -> dict[str, Any] | None:
        try:
            return self.client("eks", DR).describe_nodegroup(clusterName=DR_CLUSTER, nodegroupName=name)[
                "nodegroup"
            ]
        except ClientError:
            return None

    def host_states(self) -> set[str]:
        reservations = self.client("ec2", DR).describe_instances(InstanceIds=self.host_ids)["Reservations"]
        return {i["State"]["Name"] for r in reservations for i in r["Instances"]}

    def health(self) -> tuple[bool, str]:
        """(health check inverted, alarm state)."""
        config = self.client("route53").get_health_check(HealthCheckId=self.check_id)["HealthCheck"]
        alarms = self.client("cloudwatch").describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
        return bool(config["HealthCheckConfig"].get("Inverted")), alarms[0]["StateValue"]


def _network(server: MotoServer, region: str) -> list[str]:
    ec2 = server.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"{region}{zone}")[
            "Subnet"
        ]["SubnetId"]
        for n, zone in ((1, "a"), (2, "b"))
    ]


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def deploy(
    server: MotoServer,
    tmp_path: Path,
    function_hosts: list[str] | None = None,
    rds_replica: bool = True,
    dr_types: tuple[str, ...] = ("t3.small",),
    primary_group: bool = True,
) -> Deployment:
    """The pilot-light DR deployment and its `terraform output -json`.

    function_hosts: DR_HOST_IDS of the function, when it should differ from the outputs' hosts;
    rds_replica: False leaves out the read replica the outputs name; dr_types: the pilot group's
    instance types; primary_group: False leaves out the primary node group (only recorded then).
    """
    server.reset()
    iam = server.client("iam")
    role = iam.create_role(RoleName="lowlat-prod-nodes", AssumeRolePolicyDocument="{}")["Role"]["Arn"]

    # EKS: the primary group as recorded, the DR group at pilot sizes.
    for region, cluster in ((PRIMARY, PRIMARY_CLUSTER), (DR, DR_CLUSTER)):
        subnets = _network(server, region)
        eks = server.client("eks", region)
        eks.create_cluster(name=cluster, roleArn=role, resourcesVpcConfig={"subnetIds": subnets})
        if region == PRIMARY and not primary_group:
            continue
        eks.create_nodegroup(
            clusterName=cluster,
            nodeRole=role,
            subnets=subnets,
            **(
                {
                    "nodegroupName": PRIMARY_GROUP,
                    "instanceTypes": ["m5.xlarge"],
                    "scalingConfig": {"minSize": 2, "desiredSize": 3, "maxSize": 10},
                }
                if region == PRIMARY
                else {
                    "nodegroupName": DR_GROUP,
                    "instanceTypes": list(dr_types),
                    "scalingConfig": {"minSize": 1, "desiredSize": 1, "maxSize": 2},
                }
            ),
        )

    ec2 = server.client("ec2", DR)
    reservation = ec2.run_instances(ImageId="ami-12345678", MinCount=2, MaxCount=2, InstanceType="c5n.large")
    host_ids = [i["InstanceId"] for i in reservation["Instances"]]
    ec2.stop_instances(InstanceIds=host_ids)

    cloudwatch = server.client("cloudwatch", ALARM_REGION)
    _put_health_alarm(cloudwatch)
    topic = server.client("sns", DR).create_topic(Name="lowlat-prod-dr-events")["TopicArn"]

    route53 = server.client("route53")
    check_id = route53.create_health_check(
        CallerReference="primary",
        HealthCheckConfig={
            "Type": "HTTPS",
            "FullyQualifiedDomainName": "primary.lowlat.example.com",
            "Port": 443,
            "ResourcePath": "/health",
            "RequestInterval": 30,
            "FailureThreshold": 3,
        },
    )["HealthCheck"]["Id"]
    zone_id = route53.create_hosted_zone(Name="lowlat.example.com", CallerReference="zone")["HostedZone"][
        "Id"
    ]
    route53.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": failover_changes(check_id)}
    )

    rds_primary = server.client("rds", PRIMARY)
    source_arn = rds_primary.create_db_instance(
        DBInstanceIdentifier="lowlat-prod-trades",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="lowlat",
        MasterUserPassword="not-a-secret-0",
        AllocatedStorage=20,
    )["DBInstance"]["DBInstanceArn"]
    if rds_replica:
        server.client("rds", DR).create_db_instance_read_replica(
            DBInstanceIdentifier="lowlat-prod-dr-trades",
            SourceDBInstanceIdentifier=source_arn,
            DBInstanceClass="db.t3.micro",
        )

    s3_primary, s3_dr = server.client("s3", PRIMARY), server.client("s3", DR)
    s3_primary.create_bucket(
        Bucket="lowlat-prod-archive", CreateBucketConfiguration={"LocationConstraint": PRIMARY}
    )
    s3_dr.create_bucket(Bucket="lowlat-prod-dr-archive", CreateBucketConfiguration={"LocationConstraint": DR})
    for client, bucket in ((s3_primary, "lowlat-prod-archive"), (s3_dr, "lowlat-prod-dr-archive")):
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3_primary.put_bucket_replication(
        Bucket="lowlat-prod-archive",
        ReplicationConfiguration={
            "Role": role,
            "Rules": [
                {
                    "ID": "to-dr",
                    "Status": "Enabled",
                    "Priority": 1,
                    "Filter": {"Prefix": ""},
                    "DeleteMarkerReplication": {"Status": "Disabled"},
                    "Destination": {"Bucket": "arn:aws:s3:::lowlat-prod-dr-archive"},
                }
            ],
        },
    )

    backup_primary = server.client("backup", PRIMARY)
    backup_primary.create_backup_vault(BackupVaultName="lowlat-prod")
    copy_vault = server.client("backup", DR).create_backup_vault(BackupVaultName="lowlat-prod-dr")[
        "BackupVaultArn"
    ]
    plan_id = backup_primary.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "lowlat-prod",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "lowlat-prod",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                    "CopyActions": [
                        {"DestinationBackupVaultArn": copy_vault, "Lifecycle": {"DeleteAfterDays": 35}}
                    ],
                }
            ],
        }
    )["BackupPlanId"]

    environment = {
        "PRIMARY_REGION": PRIMARY,
        "PRIMARY_CLUSTER": PRIMARY_CLUSTER,
        "DR_CLUSTER": DR_CLUSTER,
        "NODE_GROUPS": json.dumps(NODE_GROUPS),
        "DR_HOST_IDS": ",".join(host_ids if function_hosts is None else function_hosts),
        "HEALTH_ALARM_NAME": ALARM,
        "HEALTH_ALARM_REGION": ALARM_REGION,
        "TOPIC_ARN": topic,
        "AUTO_FAILBACK": "false",
    }
    server.client("lambda", DR).create_function(
        FunctionName=FUNCTION,
        Runtime="python3.12",
        Role=role,
        Handler="handler.handler",
        Code={"ZipFile": _function_zip()},
        Timeout=120,
        Environment={"Variables": environment},
    )

    dr_value = {
        "primary_region": PRIMARY,
        "dr_region": DR,
        "health": {"check_id": check_id, "alarm_name": ALARM, "alarm_region": ALARM_REGION},
        "dns": {
            "zone_id": zone_id.rsplit("/", 1)[-1],
            "record_name": RECORD,
            "record_type": "A",
            "primary_set_id": "primary",
            "secondary_set_id": "secondary",
        },
        "function": {"name": FUNCTION, "region": DR},
        "clusters": {"primary": PRIMARY_CLUSTER, "dr": DR_CLUSTER},
        "node_groups": NODE_GROUPS,
        "dr_host_ids": host_ids,
        "replicas": {
            "rds": {"source_arn": source_arn, "replica_identifier": "lowlat-prod-dr-trades"},
            "dynamodb_tables": [],
            "s3": [{"source_bucket": "lowlat-prod-archive", "destination_bucket": "lowlat-prod-dr-archive"}],
            "backup": {"plan_id": plan_id, "copy_vault_arn": copy_vault},
        },
    }
    outputs = {
        "dr": {"sensitive": False, "type": ["object", {}], "value": dr_value},
        "stack": {"sensitive": False, "type": "string", "value": "elided"},
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return Deployment(server, path, outputs, host_ids, check_id)


def failover_changes(check_id: str) -> list[dict[str, Any]]:
    def record(set_id: str, role: str, ip: str, **extra: Any) -> dict[str, Any]:
        return {
            "Action": "CREATE",
            "ResourceRecordSet": {
                "Name": RECORD,
                "Type": "A",
                "SetIdentifier": set_id,
                "Failover": role,
                "TTL": 60,
                "ResourceRecords": [{"Value": ip}],
                **extra,
            },
        }

    return [
        record("primary", "PRIMARY", PRIMARY_IP, HealthCheckId=check_id),
        record("secondary", "SECONDARY", SECONDARY_IP),
    ]


@pytest.fixture
def deployment(moto_server: MotoServer, tmp_path: Path) -> Deployment:
    return deploy(moto_server, tmp_path)


def report_of(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def results(report: dict[str, Any]) -> list[str]:
    return [step["result"] for step in report["steps"]]


def checks_of(report: dict[str, Any], step: int) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["steps"][step]["checks"]}


# --- the whole drill ---------------------------------------------------------------------------


@dataclass
class Passed:
    rc: int
    out: str
    report: dict[str, Any]
    deployment: Deployment
    after: dict[str, Any]  # the deployment right after the drill


@pytest.fixture(scope="module")
def passed(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Passed]:
    """One full drill (--invoke local) on a fresh deployment, its stdout and JSON report."""
    tmp = tmp_path_factory.mktemp("passed")
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_safe_aws_env(monkeypatch)
        deployment = deploy(moto_server, tmp)
        out = io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        rc = deployment.run("--invoke", "local", "--json", str(tmp / "report.json"))
        # Read now: the tests after this fixture reset the server.
        group = deployment.dr_group()
        after = {
            "sizes": None if group is None else group["scalingConfig"],
            "companion": deployment.dr_group(f"{DR_GROUP}-failover"),
            "hosts": deployment.host_states(),
            "health": deployment.health(),
        }
        monkeypatch.undo()
        yield Passed(rc, out.getvalue(), report_of(tmp / "report.json"), deployment, after)


def test_drill_passes_and_returns_to_pilot_light(passed: Passed) -> None:
    assert passed.rc == 0, passed.out
    report = passed.report
    assert report["passed"] is True and report["failed_step"] is None
    assert results(report) == ["pass"] * 8
    assert report["invoke"]["method"] == "local"
    assert "lambda/sync_cluster_sizes/handler.py" in report["invoke"]["detail"]
    assert report["dns_method"] == drill.DNS_EVALUATED

    before, dr = checks_of(report, 0), checks_of(report, 3)
    assert before["DNS answer"]["detail"].startswith(f"primary {PRIMARY_IP}")
    assert dr["DNS answer"]["detail"].startswith(f"secondary {SECONDARY_IP}")
    # The DR group has other instance types than the primary: the companion group carries the load.
    assert dr["node group general"]["detail"].startswith(f"{DR_GROUP}-failover m5.xlarge 2/3/10 ACTIVE")
    assert "primary read live" in dr["node group general"]["detail"]
    assert all(dr[f"host {host}"]["result"] == "ok" for host in passed.deployment.host_ids)
    assert dr["RDS replica"]["result"] == "ok"
    assert dr["S3 lowlat-prod-archive"]["result"] == "ok"
    assert dr["backup copy"]["detail"] == "rule daily copies to the DR vault"
    assert dr["DynamoDB replicas"]["result"] == "not deployed"
    refused = checks_of(report, 4)
    assert refused["failback refused"]["detail"].startswith("RefusedError: ")
    assert refused["nothing changed"]["result"] == "ok"

    # Back to the pilot light, the primary healthy.
    assert passed.after == {
        "sizes": {"minSize": 1, "desiredSize": 1, "maxSize": 2},
        "companion": None,
        "hosts": {"stopped"},
        "health": (False, "OK"),
    }


def test_report_table_and_times(passed: Passed) -> None:
    lines = passed.out.splitlines()
    assert lines[0] == f"DR drill: {PRIMARY_CLUSTER} ({PRIMARY}) -> {DR_CLUSTER} ({DR})"
    assert lines[1].startswith("invoked: local: in-process lambda/sync_cluster_sizes/handler.py")
    assert lines[2] == f"DNS answer: {drill.DNS_EVALUATED}"
    header = next(line for line in lines if line.startswith("step"))
    assert header.split() == ["step", "seconds", "result", "detail"]
    for number, title in enumerate(drill.STEP_TITLES):
        row = next(line for line in lines if line.startswith(f"{number} {title} "))
        seconds, result = row[len(f"{number} {title}") :].split()[:2]
        assert float(seconds) >= 0 and result == "pass"
    for label in ("total", "failover (steps 2+3)", "failback (steps 6+7)"):
        assert any(line.startswith(label) for line in lines), label

    steps = passed.report["steps"]
    assert passed.report["failover_seconds"] == pytest.approx(
        steps[2]["seconds"] + steps[3]["seconds"], abs=0.002
    )
    assert passed.report["failback_seconds"] == pytest.approx(
        steps[6]["seconds"] + steps[7]["seconds"], abs=0.002
    )
    assert passed.report["total_seconds"] >= sum(s["seconds"] for s in steps) - 0.01


def test_json_report_shape(passed: Passed) -> None:
    report = passed.report
    assert set(report) == {
        "passed",
        "failed_step",
        "primary",
        "dr",
        "invoke",
        "dns_method",
        "steps",
        "total_seconds",
        "failover_seconds",
        "failback_seconds",
    }
    assert report["primary"] == {"region": PRIMARY, "cluster": PRIMARY_CLUSTER}
    assert report["dr"] == {"region": DR, "cluster": DR_CLUSTER}
    assert set(report["invoke"]) == {"method", "detail"}
    assert [s["step"] for s in report["steps"]] == list(range(8))
    for step in report["steps"]:
        assert set(step) == {"step", "title", "seconds", "result", "detail", "checks"}
        assert isinstance(step["seconds"], float) and step["checks"]
        for item in step["checks"]:
            assert set(item) == {"name", "result", "detail"}
            assert item["result"] in ("ok", "not deployed")
    assert all(
        isinstance(report[k], float) for k in ("total_seconds", "failover_seconds", "failback_seconds")
    )


def test_dr_group_of_the_primary_types_is_scaled_itself(moto_server: MotoServer, tmp_path: Path) -> None:
    deployment = deploy(moto_server, tmp_path, dr_types=("m5.xlarge",))
    assert deployment.run("--invoke", "local", "--json", str(tmp_path / "r.json")) == 0
    report = report_of(tmp_path / "r.json")
    assert checks_of(report, 3)["node group general"]["detail"].startswith(
        f"{DR_GROUP} m5.xlarge 2/3/10 ACTIVE"
    )
    assert "1 node group scaled" in report["steps"][2]["detail"]
    assert "1 node group scaled" in report["steps"][6]["detail"]


def test_unreadable_primary_is_compared_with_the_recorded_shape(
    moto_server: MotoServer, tmp_path: Path
) -> None:
    deployment = deploy(moto_server, tmp_path, primary_group=False)
    assert deployment.run("--invoke", "local", "--json", str(tmp_path / "r.json")) == 0
    detail = checks_of(report_of(tmp_path / "r.json"), 3)["node group general"]["detail"]
    assert detail.startswith(f"{DR_GROUP}-failover m5.xlarge 2/3/10 ACTIVE; primary m5.xlarge 2/3/10")
    assert f"primary unreadable ({PRIMARY_GROUP} not found)" in detail
    assert detail.endswith("compared with the recorded shape)")


# --- drills that fail --------------------------------------------------------------------------


def _assert_stopped_at(report: dict[str, Any], step: int) -> None:
    assert report["passed"] is False and report["failed_step"] == step
    assert results(report)[:step] == ["pass"] * step
    assert results(report)[step] == "FAIL"
    assert results(report)[5] == "pass"  # the primary's health restored all the same
    assert all(r == "not run" for n, r in enumerate(results(report)) if n > step and n != 5)
    assert report["failover_seconds"] is None and report["failback_seconds"] is None


def test_failover_that_cannot_start_a_host_fails_at_step_2(
    moto_server: MotoServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deployment = deploy(moto_server, tmp_path, function_hosts=[MISSING_HOST])
    assert deployment.run("--invoke", "local", "--json", str(tmp_path / "r.json")) == 1
    report = report_of(tmp_path / "r.json")
    _assert_stopped_at(report, 2)
    assert report["steps"][2]["detail"].startswith("ActionFailedError: ")
    assert MISSING_HOST in report["steps"][2]["detail"]
    assert deployment.health() == (False, "OK")
    # The function's environment was only lent to the handler.
    assert not {"NODE_GROUPS", "DR_HOST_IDS", "AWS_ENDPOINT_URL"} & set(os.environ)
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    out = capsys.readouterr().out
    assert "\nfailed at step 2: the DR side is left as that step found it" in out


def test_missing_replica_fails_at_step_3_and_restores_health(
    moto_server: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deployment = deploy(moto_server, tmp_path, rds_replica=False)
    monkeypatch.setattr(drill, "POLL_SECONDS", 0.05)
    assert deployment.run("--invoke", "local", "--json", str(tmp_path / "r.json"), timeout="1") == 1
    report = report_of(tmp_path / "r.json")
    _assert_stopped_at(report, 3)
    rds = checks_of(report, 3)["RDS replica"]
    assert rds["result"] == "FAIL" and "DBInstanceNotFound" in rds["detail"]
    # Step 3 is checked again until --timeout: AWS takes minutes to bring the DR side up.
    assert re.search(r"\((\d+) attempts\), still failing after 1 s$", report["steps"][3]["detail"])
    assert report["steps"][3]["seconds"] >= 1
    assert checks_of(report, 3)["node group general"]["result"] == "ok"
    assert deployment.health() == (False, "OK")


def test_not_at_pilot_light_stops_before_touching_health(deployment: Deployment, tmp_path: Path) -> None:
    deployment.client("eks", DR).update_nodegroup_config(
        clusterName=DR_CLUSTER,
        nodegroupName=DR_GROUP,
        scalingConfig={"minSize": 2, "desiredSize": 3, "maxSize": 10},
    )
    assert deployment.run("--invoke", "local", "--json", str(tmp_path / "r.json")) == 1
    report = report_of(tmp_path / "r.json")
    assert report["failed_step"] == 0
    assert results(report) == [
        "FAIL",
        "not run",
        "not run",
        "not run",
        "not run",
        "skipped",
        "not run",
        "not run",
    ]
    assert "2/3/10" in checks_of(report, 0)["node group general"]["detail"]
    assert deployment.health() == (False, "OK")


def test_lambda_invoke_on_moto_fails_at_step_2_with_the_function_error(
    deployment: Deployment, tmp_path: Path
) -> None:
    """moto cannot run the function without Docker: FunctionError, reported as the step's failure."""
    assert deployment.run("--json", str(tmp_path / "r.json")) == 1
    report = report_of(tmp_path / "r.json")
    _assert_stopped_at(report, 2)
    assert report["invoke"]["method"] == "lambda"
    assert report["invoke"]["detail"] == f"lambda.invoke of {FUNCTION} in {DR} (RequestResponse)"
    assert report["steps"][2]["detail"].startswith("FunctionError Handled: error running docker")
    assert deployment.health() == (False, "OK")


def test_failback_that_is_not_refused_fails_step_4(deployment: Deployment) -> None:
    cfg = drill.read_config(deployment.outputs_path)
    aws = drill.Aws(deployment.server.url)
    local = drill.LocalInvoker(aws, cfg)

    def invoker(action: str) -> Any:
        if action == "failback" and deployment.health()[1] == "ALARM":
            return drill.Outcome(result={"action": "failback", "changed": False, "message": "did nothing"})
        return local(action)

    run = drill.Drill(cfg, aws, invoker, timeout=0)
    assert run.run() is False
    assert [s.result for s in run.steps] == ["pass"] * 4 + ["FAIL", "pass", "not run", "not run"]
    refused = {c.name: c for c in run.steps[4].checks}
    assert refused["failback refused"].detail.startswith(
        "failback ran while the primary is unhealthy: did nothing"
    )
    assert refused["nothing changed"].result == "ok"
    assert deployment.health() == (False, "OK")


def test_hints_say_what_a_failed_drill_left_behind() -> None:
    def report(failed: int | None, restore: str = "pass") -> dict[str, Any]:
        results = ["pass"] * 8
        if failed is not None:
            results[failed] = "FAIL"
        results[5] = restore
        return {"failed_step": failed, "steps": [{"result": r} for r in results]}

    assert drill._hints(report(None)) == []
    assert drill._hints(report(0, "skipped")) == [
        "failed at step 0: not in pilot light before the drill; nothing was changed"
    ]
    (restore,) = drill._hints(report(5, "FAIL"))
    assert "health was NOT restored" in restore
    assert len(drill._hints(report(3, "FAIL"))) == 2


# --- invocation ------------------------------------------------------------------------------------


class _FakeLambda:
    def __init__(self, payload: bytes, function_error: str | None = None) -> None:
        self.response: dict[str, Any] = {"StatusCode": 200, "Payload": io.BytesIO(payload)}
        if function_error:
            self.response["FunctionError"] = function_error
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return self.response


def _lambda_invoker(fake: _FakeLambda) -> Any:
    cfg = drill.config_of(_outputs_example())
    return drill.LambdaInvoker(lambda service, region: fake, cfg)


def test_lambda_invoker_reads_result_and_refusal() -> None:
    fake = _FakeLambda(json.dumps({"action": "failover", "changed": True, "message": "ok"}).encode())
    outcome = _lambda_invoker(fake)("failover")
    assert outcome.result["changed"] is True and outcome.error_type is None
    assert fake.calls == [
        {
            "FunctionName": FUNCTION,
            "InvocationType": "RequestResponse",
            "Payload": json.dumps({"action": "failover", "reason": "DR drill (tools/dr_drill.py)"}).encode(),
        }
    ]
    refusal = json.dumps({"errorType": "RefusedError", "errorMessage": "health alarm is ALARM"}).encode()
    outcome = _lambda_invoker(_FakeLambda(refusal, "Unhandled"))("failback")
    assert (outcome.error_type, outcome.error) == ("RefusedError", "health alarm is ALARM")


# --- DNS -------------------------------------------------------------------------------------------

P_RECORD = {
    "Name": f"{RECORD}.",
    "Type": "A",
    "SetIdentifier": "primary",
    "Failover": "PRIMARY",
    "HealthCheckId": "hc",
    "ResourceRecords": [{"Value": PRIMARY_IP}],
}
S_RECORD = {
    "Name": f"{RECORD}.",
    "Type": "A",
    "SetIdentifier": "secondary",
    "Failover": "SECONDARY",
    "ResourceRecords": [{"Value": SECONDARY_IP}],
}


@pytest.mark.parametrize(("primary_healthy", "answer"), [(True, "primary"), (False, "secondary")])
def test_failover_evaluation(primary_healthy: bool, answer: str) -> None:
    chosen = drill.evaluate_failover(P_RECORD, S_RECORD, lambda r: primary_healthy or r is S_RECORD)
    assert chosen["SetIdentifier"] == answer


def test_failover_evaluation_both_unhealthy_answers_primary() -> None:
    assert drill.evaluate_failover(P_RECORD, S_RECORD, lambda r: False) is P_RECORD


def test_failover_pair_needs_both_records() -> None:
    other = {**S_RECORD, "Name": "other.lowlat.example.com."}
    assert drill.failover_pair([S_RECORD, P_RECORD], RECORD, "A", "primary", "secondary") == (
        P_RECORD,
        S_RECORD,
    )
    with pytest.raises(LookupError, match=r"no SECONDARY \(secondary\) failover record"):
        drill.failover_pair([P_RECORD, other], RECORD, "A", "primary", "secondary")


@pytest.fixture
def mocked_dns() -> Iterator[tuple[Any, Any]]:
    """The failover pair in moto's in-process mock; (Dns, route53 client)."""
    with mock_aws():
        route53 = boto3.client("route53", region_name=ALARM_REGION)
        check_id = route53.create_health_check(
            CallerReference="hc",
            HealthCheckConfig={"Type": "TCP", "IPAddress": PRIMARY_IP, "Port": 443},
        )["HealthCheck"]["Id"]
        zone = route53.create_hosted_zone(Name="lowlat.example.com", CallerReference="z")["HostedZone"]["Id"]
        route53.change_resource_record_sets(
            HostedZoneId=zone, ChangeBatch={"Changes": failover_changes(check_id)}
        )
        cloudwatch = boto3.client("cloudwatch", region_name=ALARM_REGION)
        _put_health_alarm(cloudwatch)
        outputs = _outputs_example()
        outputs["dr"]["value"]["health"]["check_id"] = check_id
        outputs["dr"]["value"]["dns"]["zone_id"] = zone
        cfg = drill.config_of(outputs)
        yield drill.Dns(drill.Aws(), cfg), route53


def test_dns_primary_while_healthy(mocked_dns: tuple[Any, Any]) -> None:
    dns, _ = mocked_dns
    answer = dns.answer()
    assert (answer.set_id, answer.values, answer.method) == ("primary", (PRIMARY_IP,), drill.DNS_EVALUATED)


def test_dns_secondary_when_health_check_inverted(mocked_dns: tuple[Any, Any]) -> None:
    dns, route53 = mocked_dns
    route53.update_health_check(HealthCheckId=dns.cfg.check_id, Inverted=True)
    assert dns.answer().set_id == "secondary"


def test_dns_secondary_when_alarm_in_alarm(mocked_dns: tuple[Any, Any]) -> None:
    dns, _ = mocked_dns
    boto3.client("cloudwatch", region_name=ALARM_REGION).set_alarm_state(
        AlarmName=ALARM, StateValue="ALARM", StateReason="down"
    )
    answer = dns.answer()
    assert (answer.set_id, answer.values) == ("secondary", (SECONDARY_IP,))


def test_moto_lacks_test_dns_answer(mocked_dns: tuple[Any, Any]) -> None:
    """What moto 5 answers to TestDNSAnswer (in-process and server alike): HTTP 404, Code "404"."""
    dns, route53 = mocked_dns
    with pytest.raises(ClientError) as caught:
        route53.test_dns_answer(HostedZoneId=dns.cfg.zone_id, RecordName=RECORD, RecordType="A")
    assert caught.value.response["Error"]["Code"] == "404"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert drill.lacks_operation(caught.value)


def test_dns_uses_route53_test_dns_answer_when_available(mocked_dns: tuple[Any, Any]) -> None:
    dns, _ = mocked_dns
    route53 = dns.route53
    real_list = route53.list_resource_record_sets(HostedZoneId=dns.cfg.zone_id)
    with Stubber(route53) as stub:
        stub.add_response("list_resource_record_sets", real_list)
        stub.add_response(
            "test_dns_answer",
            {
                "Nameserver": "ns-1.awsdns-01.org",
                "RecordName": RECORD,
                "RecordType": "A",
                "RecordData": [SECONDARY_IP],
                "ResponseCode": "NOERROR",
                "Protocol": "UDP",
            },
        )
        answer = dns.answer()
    assert (answer.set_id, answer.method) == ("secondary", drill.DNS_TEST_ANSWER)


def test_route53_errors_are_not_taken_for_a_missing_operation() -> None:
    error = ClientError(
        {"Error": {"Code": "NoSuchHostedZone"}, "ResponseMetadata": {"HTTPStatusCode": 404}}, "x"
    )
    assert not drill.lacks_operation(error)


# --- input -----------------------------------------------------------------------------------------


def _outputs_example() -> dict[str, Any]:
    return {
        "dr": {
            "sensitive": False,
            "value": {
                "primary_region": PRIMARY,
                "dr_region": DR,
                "health": {"check_id": "hc", "alarm_name": ALARM, "alarm_region": ALARM_REGION},
                "dns": {
                    "zone_id": "Z123",
                    "record_name": RECORD,
                    "record_type": "A",
                    "primary_set_id": "primary",
                    "secondary_set_id": "secondary",
                },
                "function": {"name": FUNCTION, "region": DR},
                "clusters": {"primary": PRIMARY_CLUSTER, "dr": DR_CLUSTER},
                "node_groups": NODE_GROUPS,
                "dr_host_ids": ["i-0aaaaaaaaaaaaaaaa"],
                "replicas": {"rds": None, "dynamodb_tables": [], "s3": [], "backup": None},
            },
        }
    }


def test_outputs_parsed() -> None:
    cfg = drill.config_of(_outputs_example())
    (group,) = cfg.node_groups
    assert group.companion == f"{DR_GROUP}-failover"
    assert group.pilot == drill.Sizes(1, 1, 2)
    assert group.recorded == drill.Shape(("m5.xlarge",), drill.Sizes(2, 3, 10))
    assert (cfg.rds, cfg.backup, cfg.s3, cfg.dynamodb_tables) == (None, None, (), ())


def test_outputs_without_dr_output_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps({"stack": {"sensitive": False, "value": {}}}))
    done = subprocess.run(
        [str(TOOL_PATH), "--outputs", str(path)],
        capture_output=True,
        text=True,
        env=safe_aws_env(),
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert 'no output "dr" in the outputs (it has: stack)' in done.stderr
    assert "terraform/environments/prod-with-dr" in done.stderr


def test_outputs_missing_a_key_names_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = _outputs_example()
    del outputs["dr"]["value"]["health"]["check_id"]
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    assert drill.main(["--outputs", str(path)]) == 2
    assert "dr.health.check_id: missing" in capsys.readouterr().err


def test_outputs_file_unreadable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert drill.main(["--outputs", str(tmp_path / "absent.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert drill.main(["--outputs", str(tmp_path / "bad.json")]) == 2
    assert "is not JSON" in capsys.readouterr().err
