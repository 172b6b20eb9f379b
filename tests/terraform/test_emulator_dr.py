"""prod-with-dr against a moto server on 127.0.0.1: plan, checkov, apply, read back what pairs the
two regions, run the DR drill (tools/dr_drill.py) through failover and failback, destroy.

The environment is applied as committed, with its terraform.tfvars.example values, plus what the
emulator needs (tests/terraform/emulator.py; the single-region gaps of test_emulator_apply.py
apply to both stacks). The pairing's own gaps, each named in dr_emulator_gaps and covered by a
mock-provider test instead:

- DynamoDB global-table replicas: moto has no replica API (UpdateTable ReplicaUpdates), so the
  primary's tables stay single-region here; terraform/modules/data/tests/disaster_recovery.tftest.hcl
  proves the replica blocks, their keys and streams.
- DNSSEC signing of the zone: moto has no key-signing-key API; terraform/modules/failover/tests
  proves the ECC_NIST_P256 key, the key-signing key and the zone's signing. The checkov plan is
  made with both gaps closed, so the checks see what AWS gets.
- Route 53 query logging: moto finds the log group only when its ARN is given with a ":*" suffix,
  the form AWS documents has none; dr_emulator_gaps.query_logging leaves the query log out and
  the failover module's mock tests prove it (the log group, its policy, the query log config).
- A cross-region read replica with a DB subnet group: moto looks the replica's subnet group up in
  the source's region. The test makes a stand-in group of that name in the source region (its own
  VPC, removed again after destroy); the replica itself is created where the configuration says.
- Invoking Lambda code: moto runs functions only in Docker, so the drill runs the deployed
  function's handler in-process (--invoke local) with the environment the deployed function has;
  the EventBridge path from the alarm to the function is read back, not fired.
- Route 53 health checks do not probe anything in moto (GetHealthCheckStatus always answers
  Success) and TestDNSAnswer is missing: the drill evaluates the failover pair from the records,
  the health check's inversion and the alarm state, and says so in its report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.terraform.conftest import REPO, TF_ROOT, Terraform, record_report
from tests.terraform.emulator import (
    ACCOUNT,
    CHECKOV,
    EMULATOR_SETTINGS,
    REGION,
    Deployment,
    checkov_plan_failures,
    destroy,
    emulator_vars,
    import_certificate,
    plan_and_apply,
    register_ami,
)
from tests.terraform.test_emulator_apply import PLAN_SKIPS
from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

ENV = "prod-with-dr"
DR_REGION = "eu-west-1"
GLOBAL_REGION = "us-east-1"
DR_GAPS = {"dynamodb_replicas": True, "dnssec": True, "query_logging": True}
REPLICA_SUBNET_GROUP = "lowlat-prod-dr-trades"  # the standby data module's rds_identifier
STAND_IN_CIDR = "10.99.0.0/16"
# Beyond the single-region skips: what the standby leaves off on purpose.
DR_PLAN_SKIPS = {
    # The standby's stores are the replication destinations; replicating them again would send the
    # copies back (the primary's buckets replicate, read back below).
    "CKV_AWS_144": PLAN_SKIPS["CKV_AWS_144"],
    "CKV2_AWS_23": "the failover records are aliases of the two stacks' load balancers, whose DNS names are unknown "
    "in a plan; test_failover_records_follow_the_primary_health_check reads both targets back",
    "CKV_AWS_7": "the DNSSEC signing key is an asymmetric ECC_NIST_P256 key, which KMS cannot rotate "
    "(terraform/modules/failover/dns.tf skip)",
}


@dataclass
class Pair(Deployment):
    dr_host_groups: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def dr(self) -> dict[str, Any]:
        return self.outputs["dr"]["value"]

    @property
    def standby(self) -> dict[str, Any]:
        return self.outputs["standby_stack"]["value"]


# Under the test command's load this large apply (three regions, Terraform's parallel requests on a moto
# that serves one at a time) meets emulator faults that are not the configuration's: moto answering 500
# (an exception inside moto; seen on ReplaceNetworkAclAssociation), and creates that took effect while
# the provider had already given up on the answer, whose retry then meets "already exists" (seen on
# CreateInstanceProfile and CreateSecurityGroup). The whole environment is then applied once more on a
# fresh server. A configuration error fails the same way twice, so it still fails the test.
EMULATOR_FAULTS = ("StatusCode: 500", "already exists")


def _apply(tmp_path_factory: pytest.TempPathFactory, env_dir) -> tuple[Pair, str]:
    """A fresh moto server with what the emulator needs, and prod-with-dr planned and applied on it;
    with the stand-in VPC to remove after the destroy."""
    tmp = tmp_path_factory.mktemp("tf-prod-with-dr")
    server = MotoServer(log_path=tmp / "moto.log", settings=EMULATOR_SETTINGS)
    server.start()
    stand_in_vpc = ""
    try:
        tf = Terraform(endpoint=server.url, workdir=tmp / "work")
        # The Route 53 health checkers' managed prefix list, which moto does not have built in.
        prefix_list = server.client("ec2", REGION).create_managed_prefix_list(
            PrefixListName=f"com.amazonaws.{REGION}.route53-healthchecks",
            AddressFamily="IPv4",
            MaxEntries=4,
            Entries=[{"Cidr": "15.177.0.0/18"}],
        )["PrefixList"]["PrefixListId"]
        stand_in_vpc = _replica_subnet_group_stand_in(server)
        body, host_groups, dr_groups = emulator_vars(
            env_dir,
            {
                "ami_id": register_ami(server),
                "certificate_arn": import_certificate(server, tmp),
                "dr_region": DR_REGION,
                "dr_ami_id": register_ami(server, DR_REGION),
                "dr_certificate_arn": import_certificate(server, tmp, DR_REGION),
                "route53_health_check_prefix_list_id": prefix_list,
                "dr_emulator_gaps": DR_GAPS,
            },
            dr_host_groups=True,
        )
        var_file = tmp / "emulator.tfvars"
        var_file.write_text(body)
        # checkov reads the plan with the pairing's gaps closed (DNSSEC, query logs, table replicas).
        plan_json, outputs = plan_and_apply(tf, env_dir, var_file, tmp, ("-var=dr_emulator_gaps={}",))
    except BaseException:
        server.stop()
        raise
    (tmp / "outputs.json").write_text(json.dumps(outputs))
    deploy = Pair(
        ENV,
        env_dir,
        tf,
        server,
        var_file,
        plan_json,
        outputs,
        host_groups,
        tmp,
        regions=(REGION, DR_REGION, GLOBAL_REGION),
        dr_host_groups=dr_groups,
    )
    return deploy, stand_in_vpc


def _apply_once_more_on_an_emulator_fault(
    tmp_path_factory: pytest.TempPathFactory, env_dir
) -> tuple[Pair, str]:
    try:
        return _apply(tmp_path_factory, env_dir)
    except AssertionError as err:
        if not any(fault in str(err) for fault in EMULATOR_FAULTS):
            raise
        # In the session's summary too, so a passing run still says that (and why) it applied twice.
        # Terraform's error lines and the resource each names ("with module...").
        faults = [
            line.strip(" │╷╵")
            for line in str(err).splitlines()
            if any(f in line for f in EMULATOR_FAULTS) or line.strip(" │").startswith("with ")
        ]
        record_report(
            "prod-with-dr: an emulator fault on the first apply, applied once more", "\n".join(faults[:20])
        )
    return _apply(tmp_path_factory, env_dir)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    env_dir = TF_ROOT / "environments" / ENV
    deploy, stand_in_vpc = _apply_once_more_on_an_emulator_fault(tmp_path_factory, env_dir)
    try:
        yield deploy
    finally:
        try:
            if not deploy.destroyed:
                destroy(deploy)
        finally:
            try:
                if stand_in_vpc:
                    _remove_replica_subnet_group_stand_in(deploy.server, stand_in_vpc)
            finally:
                deploy.server.stop()


def _replica_subnet_group_stand_in(server: MotoServer) -> str:
    """A DB subnet group named like the standby's, in the source region (see the module docstring)."""
    ec2 = server.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock=STAND_IN_CIDR)["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.99.{i}.0/24", AvailabilityZone=f"{REGION}{zone}")[
            "Subnet"
        ]["SubnetId"]
        for i, zone in enumerate("ab")
    ]
    server.client("rds", REGION).create_db_subnet_group(
        DBSubnetGroupName=REPLICA_SUBNET_GROUP,
        DBSubnetGroupDescription="moto stand-in: the replica's group, looked up in the source region",
        SubnetIds=subnets,
    )
    return vpc


def _remove_replica_subnet_group_stand_in(server: MotoServer, vpc: str) -> None:
    server.client("rds", REGION).delete_db_subnet_group(DBSubnetGroupName=REPLICA_SUBNET_GROUP)
    ec2 = server.client("ec2", REGION)
    for subnet in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_vpc(VpcId=vpc)


def _planned(pair: Pair, resource_type: str) -> list[dict[str, Any]]:
    return [r for r in pair.plan_json["resource_changes"] if r["type"] == resource_type]


# --- the plan ----------------------------------------------------------------------------------


def test_plan_builds_both_regions_and_stops_the_standby_hosts(pair: Pair) -> None:
    instances = _planned(pair, "aws_instance")
    primary = [i for i in instances if i["address"].startswith("module.stack.")]
    standby = [i for i in instances if i["address"].startswith("module.standby.")]
    assert len(primary) == sum(g["instances"] for g in pair.host_groups.values())
    assert len(standby) == sum(g["instances"] for g in pair.dr_host_groups.values())
    for change in instances:
        assert change["change"]["after"]["tenancy"] == "dedicated", change["address"]
    states = _planned(pair, "aws_ec2_instance_state")
    assert len(states) == len(standby) and all(s["address"].startswith("module.standby.") for s in states)
    assert {s["change"]["after"]["state"] for s in states} == {"stopped"}
    # One pipeline, the primary's: it deploys both regions (this configuration).
    pipelines = [r["address"] for r in _planned(pair, "aws_codepipeline")]
    assert len(pipelines) == 1 and pipelines[0].startswith("module.stack."), pipelines


@pytest.mark.skipif(not CHECKOV.exists(), reason=f"checkov venv missing: {CHECKOV}")
def test_checkov_passes_on_the_plan(pair: Pair) -> None:
    failed, summary = checkov_plan_failures(pair.workdir / "plan.json", {**PLAN_SKIPS, **DR_PLAN_SKIPS})
    assert summary["failed"] == 0, "checkov on the plan:\n" + "\n".join(failed)
    assert summary["passed"] > 400, summary


# --- what pairs the regions, read back ---------------------------------------------------------


def test_standby_database_is_a_replica_under_the_standby_key(pair: Pair) -> None:
    replica = pair.dr["replicas"]["rds"]
    (db,) = pair.client("rds", DR_REGION).describe_db_instances(
        DBInstanceIdentifier=replica["replica_identifier"]
    )["DBInstances"]
    assert db["ReadReplicaSourceDBInstanceIdentifier"] == replica["source_arn"]
    assert replica["source_arn"].startswith(f"arn:aws:rds:{REGION}:{ACCOUNT}:db:lowlat-prod-trades")
    assert db["StorageEncrypted"] and db["KmsKeyId"] == pair.standby["platform"]["kms_key_arns"]["trades"]
    assert db["MultiAZ"] and db["IAMDatabaseAuthenticationEnabled"] and not db["PubliclyAccessible"]
    (source,) = pair.client("rds").describe_db_instances(DBInstanceIdentifier="lowlat-prod-trades")[
        "DBInstances"
    ]
    assert any(r.endswith(db["DBInstanceIdentifier"]) for r in source["ReadReplicaDBInstanceIdentifiers"])


def test_buckets_replicate_to_the_standby_under_its_keys(pair: Pair) -> None:
    s3 = pair.client("s3")
    keys = pair.standby["platform"]["kms_key_arns"]
    want = {"archive": keys["market_data"], "audit": keys["audit"]}
    for (kind, key), copy in zip(want.items(), pair.dr["replicas"]["s3"], strict=True):
        assert kind in copy["source_bucket"] or (
            kind == "archive" and "tick-archive" in copy["source_bucket"]
        )
        (rule,) = s3.get_bucket_replication(Bucket=copy["source_bucket"])["ReplicationConfiguration"]["Rules"]
        assert rule["Status"] == "Enabled"
        destination = rule["Destination"]
        assert destination["Bucket"] == f"arn:aws:s3:::{copy['destination_bucket']}"
        assert destination["EncryptionConfiguration"]["ReplicaKmsKeyID"] == key
        assert destination["ReplicationTime"]["Status"] == "Enabled"  # the example turns RTC on
        assert s3.get_bucket_versioning(Bucket=copy["destination_bucket"])["Status"] == "Enabled"
        location = s3.get_bucket_location(Bucket=copy["destination_bucket"])["LocationConstraint"]
        assert location == DR_REGION


def test_backups_are_copied_to_the_standby_vault(pair: Pair) -> None:
    backup = pair.dr["replicas"]["backup"]
    assert backup["copy_vault_arn"].startswith(
        f"arn:aws:backup:{DR_REGION}:{ACCOUNT}:backup-vault:lowlat-prod-dr-"
    )
    plan = pair.client("backup").get_backup_plan(BackupPlanId=backup["plan_id"])["BackupPlan"]
    assert {r["RuleName"] for r in plan["Rules"]} == {"daily", "weekly"}
    for rule in plan["Rules"]:
        (copy,) = rule["CopyActions"]
        assert copy["DestinationBackupVaultArn"] == backup["copy_vault_arn"]
        assert copy["Lifecycle"]["DeleteAfterDays"] == rule["Lifecycle"]["DeleteAfterDays"]


def test_standby_is_pilot_light(pair: Pair) -> None:
    eks = pair.client("eks", DR_REGION)
    for key, group in pair.dr["node_groups"].items():
        node_group = eks.describe_nodegroup(clusterName=pair.dr["clusters"]["dr"], nodegroupName=group["dr"])[
            "nodegroup"
        ]
        scaling = node_group["scalingConfig"]
        assert (scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]) == (
            group["pilot"]["min_size"],
            group["pilot"]["desired_size"],
            group["pilot"]["max_size"],
        ), key
        assert node_group["instanceTypes"] == ["t3.small"]
    stopped = pair.instances(DR_REGION, ("stopped",))
    assert {i["InstanceId"] for i in stopped} == set(pair.dr["dr_host_ids"])
    assert len(stopped) == sum(g["instances"] for g in pair.dr_host_groups.values())
    for instance in stopped:
        tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
        assert tags["lowlat:site"] == "standby" and tags["lowlat:env"] == "prod"
    assert pair.instances(DR_REGION, ("pending", "running")) == []
    assert len(pair.instances(REGION, ("pending", "running"))) == sum(
        g["instances"] for g in pair.host_groups.values()
    )
    ecs = pair.client("ecs", DR_REGION)
    cluster = pair.standby["compute"]["ecs_cluster_name"]
    services = ecs.describe_services(
        cluster=cluster, services=list(pair.standby["compute"]["ecs_service_names"].values())
    )
    assert {s["desiredCount"] for s in services["services"]} == {1}
    # The standby's images come from its own region's ECR replica.
    registry = pair.client("ecr").describe_registry()["replicationConfiguration"]["rules"]
    assert registry[0]["destinations"] == [{"region": DR_REGION, "registryId": ACCOUNT}]
    for service in services["services"]:
        task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        assert f".dkr.ecr.{DR_REGION}." in task["containerDefinitions"][0]["image"]


def test_failover_records_follow_the_primary_health_check(pair: Pair) -> None:
    route53 = pair.client("route53", GLOBAL_REGION)
    dns, health = pair.dr["dns"], pair.dr["health"]
    check = route53.get_health_check(HealthCheckId=health["check_id"])["HealthCheck"]["HealthCheckConfig"]
    primary_alb = pair.outputs["stack"]["value"]["alb"]
    assert check["FullyQualifiedDomainName"] == primary_alb["dns_name"]
    assert (check["Type"], check["Port"], check["ResourcePath"]) == ("HTTPS", 443, "/orders/healthz")
    assert check["RequestInterval"] == 10 and check["FailureThreshold"] == 3
    records = route53.list_resource_record_sets(HostedZoneId=dns["zone_id"])["ResourceRecordSets"]
    pair_records = {r["Failover"]: r for r in records if r["Name"].rstrip(".") == dns["record_name"]}
    assert set(pair_records) == {"PRIMARY", "SECONDARY"}
    assert pair_records["PRIMARY"]["HealthCheckId"] == health["check_id"]
    assert pair_records["PRIMARY"]["AliasTarget"]["DNSName"].rstrip(".") == primary_alb["dns_name"]
    assert pair_records["SECONDARY"]["AliasTarget"]["DNSName"].rstrip(".") == pair.standby["alb"]["dns_name"]
    assert "HealthCheckId" not in pair_records["SECONDARY"]
    # Route 53's health checkers may reach the primary's load balancer on 443.
    ec2 = pair.client("ec2")
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [_alb_security_group(pair)]}]
    )["SecurityGroupRules"]
    assert any(r.get("PrefixListId") and r["FromPort"] == 443 and not r["IsEgress"] for r in rules)


def _alb_security_group(pair: Pair) -> str:
    elbv2 = pair.client("elbv2")
    dns_name = pair.outputs["stack"]["value"]["alb"]["dns_name"]
    (lb,) = [lb for lb in elbv2.describe_load_balancers()["LoadBalancers"] if lb["DNSName"] == dns_name]
    (group,) = lb["SecurityGroups"]
    return group


def test_health_alarm_reaches_the_function_through_eventbridge(pair: Pair) -> None:
    health, function = pair.dr["health"], pair.dr["function"]
    (alarm,) = pair.client("cloudwatch", GLOBAL_REGION).describe_alarms(AlarmNames=[health["alarm_name"]])[
        "MetricAlarms"
    ]
    assert health["alarm_region"] == GLOBAL_REGION
    assert (alarm["Namespace"], alarm["MetricName"], alarm["ComparisonOperator"]) == (
        "AWS/Route53",
        "HealthCheckStatus",
        "LessThanThreshold",
    )
    assert alarm["Dimensions"] == [{"Name": "HealthCheckId", "Value": health["check_id"]}]
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["AlarmActions"] == alarm["OKActions"] and alarm["AlarmActions"][0].startswith(
        f"arn:aws:sns:{GLOBAL_REGION}:"
    )
    forward = pair.client("events", GLOBAL_REGION).list_targets_by_rule(
        Rule="lowlat-prod-primary-health-forward"
    )
    (target,) = forward["Targets"]
    assert target["Arn"] == f"arn:aws:events:{DR_REGION}:{ACCOUNT}:event-bus/default" and target["RoleArn"]
    events = pair.client("events", DR_REGION)
    pattern = json.loads(events.describe_rule(Name="lowlat-prod-primary-health-sync")["EventPattern"])
    assert pattern["resources"] == [alarm["AlarmArn"]]
    (invoke,) = events.list_targets_by_rule(Rule="lowlat-prod-primary-health-sync")["Targets"]
    lambda_ = pair.client("lambda", DR_REGION)
    arn = lambda_.get_function_configuration(FunctionName=function["name"])["FunctionArn"]
    assert invoke["Arn"] == arn
    policy = json.loads(lambda_.get_policy(FunctionName=function["name"])["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(
        ":rule/lowlat-prod-primary-health-sync"
    )


def test_sync_function_knows_both_clusters_and_may_do_only_its_job(pair: Pair) -> None:
    function = pair.dr["function"]
    config = pair.client("lambda", DR_REGION).get_function_configuration(FunctionName=function["name"])
    assert function["name"] == "lowlat-prod-dr-sync-cluster-sizes"
    env = config["Environment"]["Variables"]
    assert env["PRIMARY_REGION"] == REGION and env["PRIMARY_CLUSTER"] == pair.dr["clusters"]["primary"]
    assert env["DR_CLUSTER"] == pair.dr["clusters"]["dr"]
    assert json.loads(env["NODE_GROUPS"]) == pair.dr["node_groups"]
    assert set(env["DR_HOST_IDS"].split(",")) == set(pair.dr["dr_host_ids"])
    assert (env["HEALTH_ALARM_NAME"], env["HEALTH_ALARM_REGION"]) == (
        pair.dr["health"]["alarm_name"],
        GLOBAL_REGION,
    )
    assert env["AUTO_FAILBACK"] == "false"
    assert config["Timeout"] == 120
    role = config["Role"].rsplit("/", 1)[1]
    policy = pair.client("iam").get_role_policy(RoleName=role, PolicyName="least-privilege")["PolicyDocument"]
    statements = {s["Sid"]: s for s in policy["Statement"]}
    assert statements["ReadPrimaryNodeGroups"]["Resource"] == [
        f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/{pair.dr['clusters']['primary']}/*"
    ]
    assert set(statements["StartAndStopStandbyHosts"]["Resource"]) == {
        f"arn:aws:ec2:{DR_REGION}:{ACCOUNT}:instance/{i}" for i in pair.dr["dr_host_ids"]
    }
    assert statements["PassNodeRoleToEks"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": ["eks.amazonaws.com"]}
    }
    assert all("*" not in a for s in statements.values() for a in s["Action"])


# --- the drill ---------------------------------------------------------------------------------


def test_dr_drill_fails_over_and_back(pair: Pair) -> None:
    report_json = pair.workdir / "drill.json"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "dr_drill.py"),
            "--outputs",
            str(pair.workdir / "outputs.json"),
            "--endpoint-url",
            pair.server.url,
            "--invoke",
            "local",
            "--timeout",
            "120",
            "--json",
            str(report_json),
        ],
        cwd=REPO,
        env={**safe_aws_env(), "AWS_DEFAULT_REGION": REGION},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    record_report("DR drill (prod-with-dr on moto)", result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    report = json.loads(report_json.read_text())
    assert report["passed"] and report["failed_step"] is None
    assert report["failover_seconds"] is not None and report["failback_seconds"] is not None
    # After the drill the standby is pilot light again and the primary healthy.
    assert {i["InstanceId"] for i in pair.instances(DR_REGION, ("stopped",))} == set(pair.dr["dr_host_ids"])
    (alarm,) = pair.client("cloudwatch", GLOBAL_REGION).describe_alarms(
        AlarmNames=[pair.dr["health"]["alarm_name"]]
    )["MetricAlarms"]
    assert alarm["StateValue"] == "OK"


# --- and nothing is left after destroy --------------------------------------------------------


def test_destroy_leaves_nothing(pair: Pair) -> None:
    destroy(pair)
    for region in pair.regions:
        ec2 = pair.client("ec2", region)
        assert pair.instances(region, ("pending", "running", "stopping", "stopped")) == [], region
        vpcs = [
            v
            for v in ec2.describe_vpcs()["Vpcs"]
            if not v.get("IsDefault") and v["CidrBlock"] != STAND_IN_CIDR
        ]
        assert vpcs == [], region
        assert pair.client("rds", region).describe_db_instances()["DBInstances"] == [], region
        assert pair.client("lambda", region).list_functions()["Functions"] == [], region
    assert pair.client("route53", GLOBAL_REGION).list_hosted_zones()["HostedZones"] == []
    assert pair.client("route53", GLOBAL_REGION).list_health_checks()["HealthChecks"] == []
    iam = pair.client("iam")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("lowlat-")] == []
    state = pair.tf.run("state", pair.env_dir, "list", label="state list").output.split()
    assert state == [], state
