"""Plan, apply and destroy every environment against a moto server on 127.0.0.1.

The environment is applied as committed, with its terraform.tfvars.example values, plus only
what the emulator needs (tools/tf.sh adds the endpoint override). Emulator gaps, each named and
covered by the modules' mock-provider tests (terraform/modules/*/tests) instead:

- CreatePlacementGroup is not implemented: the hosts join a named group (placement_group_name)
  instead of creating one; creating the cluster group is tested with the mock provider.
- MonitorInstances is not implemented: detailed_monitoring = false.
- moto's AMIs carry no ENA flag: verify_ami = false; the ENA and x86_64 preconditions are tested
  with the mock provider.
- moto ignores the requested placement: it stores tenancy "default" and an empty placement group
  name. Tenancy "dedicated" and the group name are asserted on the plan, not read back, and so
  the inventory's pg_* groups (keyed on Placement.GroupName) cannot be checked here; they are
  tested on a recorded DescribeInstances answer in tests/integration/test_inventory_fast_parse.py.
- Deleting a Transit Gateway VPC attachment: moto removes it at once, while the provider waits for
  a "deleted" state it never sees (about 3 min, then an error). The test deletes the attachment
  through the API, checks moto no longer lists it, drops it from the state and destroys the rest.
- Security groups given with a network-interface spec (the provider's way to say "no public IP")
  land on the interface only: the attachment is read from the instances' network interfaces.
- Direct Connect gateway associations: moto has no Direct Connect gateways, so the prod example's
  gateway id is left out here; the association is tested with the mock provider.
- Platform services (modules security, events, data, observability), each left out here by its
  switch and tested with the mock provider in its module: the CloudTrail trail (this moto answers
  the provider's CreateTrail with 404; its log group, role and topic are applied), the DLQs'
  redrive-allow policies (moto never returns RedriveAllowPolicy and a later attribute write wipes
  the queue policy), the AWS Backup selections (no selection API), the EFS file system policy (no
  DeleteFileSystemPolicy) and the backup vault's force-destroy (no ListRecoveryPointsByBackupVault).
- Application platform (modules ecs_service, eks_cluster, serverless, cicd), each gap left out by
  its emulator_gaps entry and tested with the mock provider in its module: Application Auto
  Scaling (no ListTagsForResource), the EKS add-ons (no add-on API), the REST API's resource
  policy (returned unescaped) and client certificate (no GenerateClientCertificate), the CodeCommit
  repository (undecodable dates, no approval rule templates) and the CodeBuild projects (moto wants
  a source location a CODEPIPELINE source lacks). moto keeps no Lambda dead_letter_config: the DLQ
  is read from SQS. The ACM certificate of the HTTPS listener is a self-signed one imported here.
- Stores that prod protects (RDS deletion protection, DynamoDB deletion protection, buckets that
  are not force-destroyed) are applied as committed; before destroy the test lifts the protection
  and empties the access-log bucket (the emulator writes server access logs) through the API, as an
  operator would; likewise the load balancer's deletion protection (on in prod).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.terraform.conftest import ENV_DIRS, REPO, TF_ROOT, Terraform
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
    tgw_attachments,
)
from tools.lowlat_testbed.moto_server import MotoServer, safe_aws_env

# checkov's plan scan sees no inline skip comments; each skip here carries its reason.
PLAN_SKIPS = {
    "CKV2_AWS_5": "security group ids are unknown in a plan, so checkov cannot link them to the hosts; "
    "test_every_tier_security_group_is_attached asserts the attachment after apply",
    "CKV_AWS_352": "the NACLs are a stateless subnet guard rail (all ports inside the VPC and to the transit "
    "gateway networks); port-level least privilege is in the security groups (network_acls.tf)",
    # The platform's customer-managed keys are made in the same apply, so a plan shows their ARNs as
    # unknown and checkov reads an unknown key as none. The source scan resolves the references and
    # passes these checks, and the read-back tests below find every stream, queue, table, database
    # and bucket under its class's key after apply.
    **{
        check: "KMS key ARN unknown until the security module's keys exist; checked on the source and read back"
        for check in (
            "CKV_AWS_26",  # SNS topics
            "CKV_AWS_27",  # SQS queues
            "CKV_AWS_119",  # DynamoDB tables
            "CKV_AWS_158",  # CloudWatch log groups
            "CKV_AWS_166",  # backup vault
            "CKV_AWS_184",  # EFS
            "CKV_AWS_185",  # Kinesis stream
            "CKV_AWS_354",  # RDS Performance Insights
            "CKV_AWS_173",  # Lambda environment variables (the orders key)
            "CKV_AWS_219",  # CodePipeline artifact store (the secrets key)
            "CKV_AWS_224",  # ECS Exec logging and sessions (the logs key)
        )
    },
    "CKV_AWS_144": "cross-region replication belongs to the disaster-recovery environment (the data module's "
    "replication input); a single-region environment has no second region to replicate to",
    "CKV_AWS_145": "S3 delivers server access logs only to an SSE-S3 bucket (terraform/modules/data/s3.tf skip)",
    # The application platform (terraform/modules/stack/compute.tf).
    "CKV2_AWS_28": "the WAF is associated with the ALB by the security module (associate_alb, alb_arn), whose ARN "
    "is unknown in a plan; test_waf_protects_the_load_balancer reads the association back after apply",
    "CKV_AWS_378": "HTTP only from the ALB to tasks in private subnets behind the HTTPS listener; checkov links "
    "target groups to listeners, not through listener rules (terraform/modules/ecs_service/alb.tf skip)",
    "CKV_AWS_120": "the order status API answers live data; a cached answer would show a filled order as open "
    "(terraform/modules/serverless/api.tf skip)",
    "CKV_AWS_225": "the order status API answers live data; a cached answer would show a filled order as open "
    "(terraform/modules/serverless/api.tf skip)",
    "CKV_AWS_91": "ALB access logs need an SSE-S3 bucket with the Elastic Load Balancing delivery policy, which the "
    "account provides (stack input alb_access_logs_bucket); the examples have none yet",
    "CKV_AWS_18": "the pipeline's artifact bucket: the data module's access-log bucket admits the data buckets' "
    "logs only, so cicd's access_log_bucket_name is left null until that policy admits it",
    "CKV2_AWS_57": "rotation needs a rotation Lambda that the operator provides (security module rotation_lambda_arn); "
    "the generated passwords are replaced by raising secret_value_version",
}


# The environments of one stack; prod-with-dr (two regions) is tested by test_emulator_dr.py.
SINGLE_REGION_ENVS = ("dev", "prod")

# What an environment leaves off on purpose, by environment (the source scan sees the same
# through the skip comments in terraform/modules/data/rds.tf).
ENV_PLAN_SKIPS = {
    "dev": {
        "CKV_AWS_157": "dev runs its database single-AZ by design; prod is refused without Multi-AZ",
        "CKV_AWS_293": "dev stores are unprotected so the environment destroys cleanly; prod protects them",
        "CKV_AWS_150": "dev's load balancer is not deletion-protected so the environment destroys cleanly; prod's is",
    },
}


@pytest.fixture(scope="module", params=[p.name for p in ENV_DIRS if p.name in SINGLE_REGION_ENVS])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    env = request.param
    env_dir = TF_ROOT / "environments" / env
    tmp = tmp_path_factory.mktemp(f"tf-{env}")
    server = MotoServer(log_path=tmp / "moto.log", settings=EMULATOR_SETTINGS)
    server.start()
    workdir = tmp / "work"
    tf = Terraform(endpoint=server.url, workdir=workdir)
    deploy: Deployment | None = None
    try:
        body, host_groups, _ = emulator_vars(
            env_dir, {"ami_id": register_ami(server), "certificate_arn": import_certificate(server, tmp)}
        )
        var_file = tmp / "emulator.tfvars"
        var_file.write_text(body)
        plan_json, outputs = plan_and_apply(tf, env_dir, var_file, tmp)
        deploy = Deployment(env, env_dir, tf, server, var_file, plan_json, outputs, host_groups, tmp)
        yield deploy
    finally:
        try:
            if deploy is not None and not deploy.destroyed:
                destroy(deploy)
        finally:
            server.stop()


def _planned(deploy: Deployment, resource_type: str) -> list[dict[str, Any]]:
    return [r for r in deploy.plan_json["resource_changes"] if r["type"] == resource_type]


# --- what the plan says ---------------------------------------------------------------------


def test_plan_asks_for_dedicated_imdsv2_hosts(deployment: Deployment) -> None:
    instances = _planned(deployment, "aws_instance")
    want = sum(g["instances"] for g in deployment.host_groups.values())
    assert len(instances) == want
    for change in instances:
        after = change["change"]["after"]
        assert after["tenancy"] == "dedicated", change["address"]
        assert after["metadata_options"][0]["http_tokens"] == "required"
        assert after["root_block_device"][0]["encrypted"] is True
        role = next(t for k, t in after["tags"].items() if k == "lowlat:role")
        assert after["placement_group"] == deployment.host_groups[role]["placement_group_name"]


@pytest.mark.skipif(not CHECKOV.exists(), reason=f"checkov venv missing: {CHECKOV}")
def test_checkov_passes_on_the_plan(deployment: Deployment) -> None:
    failed, summary = checkov_plan_failures(
        deployment.workdir / "plan.json", {**PLAN_SKIPS, **ENV_PLAN_SKIPS.get(deployment.env, {})}
    )
    assert summary["failed"] == 0, "checkov on the plan:\n" + "\n".join(failed)
    assert summary["passed"] > 200, summary


# --- what the emulator holds after apply ----------------------------------------------------


def test_hosts_exist_with_the_tag_contract(deployment: Deployment) -> None:
    instances = deployment.instances()
    by_role: dict[str, list[dict[str, Any]]] = {}
    for instance in instances:
        tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
        assert tags["lowlat:env"] == deployment.env
        assert tags["lowlat:cluster"] == "ldn1"
        assert tags["lowlat:managed"] == "true"
        assert tags["Project"] == "lowlat" and tags["ManagedBy"] == "terraform"
        by_role.setdefault(tags["lowlat:role"], []).append(instance)
    assert {role: len(v) for role, v in by_role.items()} == {
        role: g["instances"] for role, g in deployment.host_groups.items()
    }
    for role, hosts in by_role.items():
        for instance in hosts:
            assert instance["InstanceType"] == deployment.host_groups[role]["instance_type"]
            assert instance["Placement"]["AvailabilityZone"] == f"{REGION}a"


def test_hosts_require_imdsv2_and_use_the_instance_profile(deployment: Deployment) -> None:
    for instance in deployment.instances():
        options = instance["MetadataOptions"]
        assert options["HttpTokens"] == "required"
        assert options["HttpPutResponseHopLimit"] == 1
        assert options["InstanceMetadataTags"] == "enabled"
        assert instance["IamInstanceProfile"]["Arn"].startswith(
            f"arn:aws:iam::{ACCOUNT}:instance-profile/lowlat-"
        )


def test_root_volumes_are_encrypted_with_the_role_cmk(deployment: Deployment) -> None:
    ec2, kms = deployment.client("ec2"), deployment.client("kms")
    for instance in deployment.instances():
        volume_id = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        volume = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
        assert volume["Encrypted"] is True
        assert volume["VolumeType"] == "gp3"
        key = kms.describe_key(KeyId=volume["KmsKeyId"])["KeyMetadata"]
        assert key["KeyManager"] == "CUSTOMER"
        assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True


def test_security_groups_open_nothing_to_the_world(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    vpc_id = deployment.stack["vpc_id"]
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["SecurityGroups"]
    by_id = {g["GroupId"]: g for g in groups}
    tiers = deployment.stack["security_group_ids"]
    assert set(tiers) >= {"engine", "market_data", "monitoring"}
    for group in groups:
        for perm in group["IpPermissions"]:
            cidrs = {r["CidrIp"] for r in perm.get("IpRanges", [])} | {
                r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])
            }
            assert not cidrs & {"0.0.0.0/0", "::/0"}, f"{group['GroupName']} open to the world: {perm}"
    default = next(g for g in groups if g["GroupName"] == "default")
    assert default["IpPermissions"] == [] and default["IpPermissionsEgress"] == []
    # Market data reaches the engines over UDP from the market-data tier only.
    engine = by_id[tiers["engine"]]
    udp_sources = {
        pair["GroupId"]
        for perm in engine["IpPermissions"]
        if perm["IpProtocol"] == "udp"
        for pair in perm["UserIdGroupPairs"]
    }
    assert tiers["market_data"] in udp_sources


def test_every_tier_security_group_is_attached(deployment: Deployment) -> None:
    tiers = deployment.stack["security_group_ids"]
    # The provider launches with a network-interface spec (to say "no public IP"); moto puts the
    # groups on that interface only, not in the instance's SecurityGroups.
    used = {
        g["GroupId"] for i in deployment.instances() for nic in i["NetworkInterfaces"] for g in nic["Groups"]
    }
    assert used == {tiers["engine"], tiers["market_data"], tiers["monitoring"]}


def test_network_has_private_subnets_nat_per_az_and_endpoints(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    vpc_id = deployment.stack["vpc_id"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    private_ids = set(deployment.stack["private_subnet_ids"].values())
    assert all(not s["MapPublicIpOnLaunch"] for s in subnets)
    azs = {s["AvailabilityZone"] for s in subnets if s["SubnetId"] in private_ids}
    assert len(azs) == len(private_ids) >= 2
    nats = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    assert len([n for n in nats if n["State"] == "available"]) == len(azs)
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["VpcEndpoints"]
    services = {e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints}
    assert {"s3", "dynamodb", "kinesis-streams"} <= services
    logs = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc_id]}])["FlowLogs"]
    assert logs and logs[0]["LogDestinationType"] == "cloud-watch-logs"


def test_vpc_is_attached_to_the_transit_gateway(deployment: Deployment) -> None:
    ec2 = deployment.client("ec2")
    vpc_attachments = tgw_attachments(deployment, "vpc")
    assert list(vpc_attachments.values()) == [deployment.stack["vpc_id"]]
    (attachment,) = ec2.describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=list(vpc_attachments)
    )["TransitGatewayAttachments"]
    assert attachment["TransitGatewayId"] == deployment.stack["transit_gateway_id"]
    # The VPN backup (on in the prod example) terminates on the same transit gateway.
    vpn_ids = {v["VpnConnectionId"] for v in ec2.describe_vpn_connections()["VpnConnections"]}
    assert set(tgw_attachments(deployment, "vpn").values()) == vpn_ids
    assert bool(vpn_ids) == (deployment.env == "prod")


def test_outputs_name_what_the_operator_needs(deployment: Deployment) -> None:
    stack = deployment.stack
    hosts = {name: host for per_role in stack["hosts"].values() for name, host in per_role.items()}
    assert {h["id"] for h in hosts.values()} == {i["InstanceId"] for i in deployment.instances()}
    assert stack["placement_groups"] == {
        r: g["placement_group_name"] for r, g in deployment.host_groups.items()
    }
    assert set(stack["lowlat_tags"]) == set(deployment.host_groups)


# --- the platform services, read back from the emulator ----------------------------------------

PROD = "prod"


def test_market_data_stream_is_encrypted_with_the_market_data_key(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    stream = deployment.client("kinesis").describe_stream_summary(
        StreamName=platform["market_data_stream_name"]
    )["StreamDescriptionSummary"]
    assert stream["OpenShardCount"] == (10 if deployment.env == PROD else 2)
    assert stream["EncryptionType"] == "KMS"
    assert stream["KeyId"] == platform["kms_key_arns"]["market_data"]


def test_order_queues_are_encrypted_and_redrive_to_their_dlq(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    sqs = deployment.client("sqs")
    assert set(platform["order_queue_urls"]) == {"orders", "cancels", "executions"}
    for name, url in platform["order_queue_urls"].items():
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attrs["KmsMasterKeyId"] == platform["kms_key_arns"]["orders"], name
        assert attrs["MessageRetentionPeriod"] == "1209600" and attrs["DelaySeconds"] == "0", name
        dlq_arn = sqs.get_queue_attributes(
            QueueUrl=platform["dead_letter_queue_urls"][name], AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        assert json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"] == dlq_arn, name


def test_trade_database_is_encrypted_with_a_managed_secret(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    (db,) = deployment.client("rds").describe_db_instances()["DBInstances"]
    assert db["Endpoint"]["Address"] == platform["rds_endpoint"]
    assert db["StorageEncrypted"] and db["KmsKeyId"] == platform["kms_key_arns"]["trades"]
    assert db["IAMDatabaseAuthenticationEnabled"]
    assert db["MultiAZ"] is (deployment.env == PROD)
    assert db["DeletionProtection"] is (deployment.env == PROD)
    assert db["MasterUserSecret"]["SecretArn"] == platform["rds_master_secret_arn"]
    assert db["MasterUserSecret"]["KmsKeyId"] == platform["kms_key_arns"]["secrets"]


def test_audit_bucket_is_locked_in_prod_and_private_everywhere(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    s3 = deployment.client("s3")
    for bucket in (platform["audit_bucket_name"], platform["archive_bucket_name"]):
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()), bucket
        (rule,) = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
        assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms", bucket
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled", bucket
    audit = platform["audit_bucket_name"]
    if deployment.env == PROD:
        lock = s3.get_object_lock_configuration(Bucket=audit)["ObjectLockConfiguration"]
        assert lock["ObjectLockEnabled"] == "Enabled"
        assert lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"
    else:
        with pytest.raises(Exception, match="ObjectLockConfigurationNotFound"):
            s3.get_object_lock_configuration(Bucket=audit)


def test_tables_are_recoverable_and_encrypted(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    dynamodb = deployment.client("dynamodb")
    assert set(platform["dynamodb_table_names"]) == {"orders", "order_books", "market_data"}
    for table in platform["dynamodb_table_names"].values():
        backups = dynamodb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED", table
        assert dynamodb.describe_table(TableName=table)["Table"]["SSEDescription"]["SSEType"] == "KMS", table


def test_generated_secrets_exist_and_no_output_holds_a_value(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    secrets = deployment.client("secretsmanager")
    outputs_text = json.dumps(deployment.outputs)
    generated = 0
    for purpose, arn in platform["secret_arns"].items():
        described = secrets.describe_secret(SecretId=arn)
        assert described["KmsKeyId"] == platform["kms_key_arns"]["secrets"], purpose
        if not described.get("VersionIdsToStages"):
            continue  # a container whose value the operator sets (the Rancher agent token)
        value = secrets.get_secret_value(SecretId=arn)["SecretString"]
        assert len(value) >= 20, purpose
        assert value not in outputs_text, f"the {purpose} secret's value is in the outputs"
        generated += 1
    assert generated >= 2, "the Grafana and Rancher bootstrap passwords are generated"


def test_alarms_page_the_alert_topic(deployment: Deployment) -> None:
    platform = deployment.stack["platform"]
    names = list(platform["alarm_names"].values())
    alarms = deployment.client("cloudwatch").describe_alarms(AlarmNames=names)["MetricAlarms"]
    assert {a["AlarmName"] for a in alarms} == set(names)
    for alarm in alarms:
        assert alarm["AlarmActions"] == [platform["alert_topic_arn"]], alarm["AlarmName"]
    dead_letter = [k for k in platform["alarm_names"] if k.startswith("dead_letter_messages:")]
    assert len(dead_letter) == len(platform["dead_letter_queue_urls"]) == 3


def test_hosts_may_send_only_their_own_to_the_platform(deployment: Deployment) -> None:
    """Engines publish their metrics (only in the alarms' namespace), monitoring its alerts to the topic."""
    platform = deployment.stack["platform"]
    iam = deployment.client("iam")
    name = f"lowlat-{deployment.env}"
    statements: dict[str, list[dict[str, Any]]] = {}
    for role in deployment.host_groups:
        policies = iam.list_role_policies(RoleName=f"{name}-{role}")["PolicyNames"]
        if "platform-access" not in policies:
            statements[role] = []
            continue
        document = iam.get_role_policy(RoleName=f"{name}-{role}", PolicyName="platform-access")[
            "PolicyDocument"
        ]
        document = json.loads(document) if isinstance(document, str) else document
        statements[role] = document["Statement"]
    assert {role for role, found in statements.items() if found} == {"engine", "monitoring"} & set(statements)

    metrics = platform["engine_metrics"]
    assert metrics["dimensions"] == {"Env": deployment.env}
    assert statements["engine"] == [{
        "Sid": "PutMetricsInOwnNamespace",
        "Effect": "Allow",
        "Action": "cloudwatch:PutMetricData",
        "Resource": "*",
        "Condition": {"StringEquals": {"cloudwatch:namespace": metrics["namespace"]}},
    }]  # fmt: skip
    by_sid = {s["Sid"]: s for s in statements["monitoring"]}
    assert set(by_sid) == {"PublishAlerts", "EncryptAlertsThroughSns"}
    assert by_sid["PublishAlerts"]["Action"] == "sns:Publish"
    assert by_sid["PublishAlerts"]["Resource"] == platform["alert_topic_arn"]
    key = deployment.client("sns").get_topic_attributes(TopicArn=platform["alert_topic_arn"])["Attributes"]
    assert by_sid["EncryptAlertsThroughSns"]["Resource"] == key["KmsMasterKeyId"]
    assert by_sid["EncryptAlertsThroughSns"]["Condition"] == {
        "StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}
    }


# --- the application platform (ecs_service, eks_cluster, serverless, cicd), read back ------------


def test_load_balancer_redirects_http_and_serves_https_with_the_certificate(deployment: Deployment) -> None:
    compute = deployment.stack["compute"]
    elbv2 = deployment.client("elbv2")
    (lb,) = elbv2.describe_load_balancers(LoadBalancerArns=[compute["alb_arn"]])["LoadBalancers"]
    assert lb["DNSName"] == compute["alb_dns_name"]
    assert lb.get("Type", "application") == "application"  # moto leaves out Scheme
    private = set(deployment.stack["private_subnet_ids"].values())
    subnets = deployment.client("ec2").describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [deployment.stack["vpc_id"]]}]
    )["Subnets"]
    public = {s["SubnetId"] for s in subnets} - private
    assert {az["SubnetId"] for az in lb["AvailabilityZones"]} == public, (
        "the ALB spans the public subnets only"
    )
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])["Attributes"]
    }
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["deletion_protection.enabled"] == ("true" if deployment.env == PROD else "false")
    listeners = {
        listener["Port"]: listener
        for listener in elbv2.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    }
    assert set(listeners) == {80, 443}
    (redirect,) = listeners[80]["DefaultActions"]
    assert redirect["Type"] == "redirect"
    assert redirect["RedirectConfig"]["Protocol"] == "HTTPS" and redirect["RedirectConfig"]["Port"] == "443"
    assert redirect["RedirectConfig"]["StatusCode"] == "HTTP_301"
    https = listeners[443]
    assert https["Protocol"] == "HTTPS"
    certificate_arn = deployment.client("acm").list_certificates()["CertificateSummaryList"][0][
        "CertificateArn"
    ]
    assert [c["CertificateArn"] for c in https["Certificates"]] == [certificate_arn]
    assert https["SslPolicy"].startswith("ELBSecurityPolicy-TLS13")


def test_load_balancer_routes_each_path_to_its_service(deployment: Deployment) -> None:
    compute = deployment.stack["compute"]
    elbv2 = deployment.client("elbv2")
    listeners = elbv2.describe_listeners(LoadBalancerArn=compute["alb_arn"])["Listeners"]
    https = next(listener for listener in listeners if listener["Port"] == 443)
    groups = {
        g["TargetGroupArn"]: g
        for g in elbv2.describe_target_groups(LoadBalancerArn=compute["alb_arn"])["TargetGroups"]
    }
    assert len(groups) == len(compute["ecs_service_names"]) == 2
    routed: dict[str, list[str]] = {}
    for rule in elbv2.describe_rules(ListenerArn=https["ListenerArn"])["Rules"]:
        if rule["IsDefault"]:
            assert rule["Actions"][0]["Type"] == "fixed-response", "unknown paths get a fixed 404"
            continue
        (forward,) = [a for a in rule["Actions"] if a["Type"] == "forward"]
        group = groups[forward["TargetGroupArn"]]
        paths = [
            p
            for c in rule["Conditions"]
            if c["Field"] == "path-pattern"
            for p in c.get("Values") or c.get("PathPatternConfig", {}).get("Values", [])
        ]
        routed[group["TargetGroupName"]] = paths
    assert sorted(sorted(paths) for paths in routed.values()) == [
        ["/orders", "/orders/*"],
        ["/risk", "/risk/*"],
    ]
    for group in groups.values():
        assert group["TargetType"] == "ip" and group["Protocol"] == "HTTP"
        assert group["HealthCheckPath"] in ("/risk/healthz", "/orders/healthz")


def test_waf_protects_the_load_balancer(deployment: Deployment) -> None:
    compute, platform = deployment.stack["compute"], deployment.stack["platform"]
    wafv2 = deployment.client("wafv2")
    acl = wafv2.get_web_acl_for_resource(ResourceArn=compute["alb_arn"])["WebACL"]
    assert acl["ARN"] == platform["web_acl_arn"]


def test_ecs_cluster_has_container_insights_and_the_services(deployment: Deployment) -> None:
    compute = deployment.stack["compute"]
    ecs = deployment.client("ecs")
    (cluster,) = ecs.describe_clusters(clusters=[compute["ecs_cluster_name"]], include=["SETTINGS"])[
        "clusters"
    ]
    settings = {s["name"]: s["value"] for s in cluster["settings"]}
    assert settings["containerInsights"] in ("enabled", "enhanced")
    services = ecs.describe_services(
        cluster=compute["ecs_cluster_name"], services=list(compute["ecs_service_names"].values())
    )["services"]
    assert len(services) == 2
    private = set(deployment.stack["private_subnet_ids"].values())
    want = 2 if deployment.env == PROD else 1
    for service in services:
        assert service["launchType"] == "FARGATE" or service.get("capacityProviderStrategy")
        assert service["desiredCount"] == want, service["serviceName"]
        network = service["networkConfiguration"]["awsvpcConfiguration"]
        assert network["assignPublicIp"] == "DISABLED" and set(network["subnets"]) == private
        assert service["loadBalancers"], service["serviceName"]


def test_eks_cluster_is_private_encrypted_and_sized_per_environment(deployment: Deployment) -> None:
    compute, platform = deployment.stack["compute"], deployment.stack["platform"]
    eks = deployment.client("eks")
    cluster = eks.describe_cluster(name=compute["eks_cluster_name"])["cluster"]
    assert cluster["endpoint"] == compute["eks_cluster_endpoint"]
    vpc = cluster["resourcesVpcConfig"]
    assert vpc["endpointPrivateAccess"] is True and vpc["endpointPublicAccess"] is False
    assert set(vpc["subnetIds"]) == set(deployment.stack["private_subnet_ids"].values())
    (encryption,) = cluster["encryptionConfig"]
    assert encryption["resources"] == ["secrets"]
    assert encryption["provider"]["keyArn"] == platform["kms_key_arns"]["secrets"]
    sizes = {"dev": (1, 1, 2), "prod": (2, 3, 10)}[deployment.env]
    names = list(compute["eks_node_group_names"].values())
    assert names
    for name in names:
        group = eks.describe_nodegroup(clusterName=compute["eks_cluster_name"], nodegroupName=name)[
            "nodegroup"
        ]
        scaling = group["scalingConfig"]
        assert (scaling["minSize"], scaling["desiredSize"], scaling["maxSize"]) == sizes, name
        assert set(group["subnets"]) <= set(deployment.stack["private_subnet_ids"].values())
    assert compute["eks_oidc_provider_arn"].startswith(f"arn:aws:iam::{ACCOUNT}:oidc-provider/")


def test_order_status_function_runs_in_the_vpc_with_tracing_and_a_dlq(deployment: Deployment) -> None:
    compute, platform = deployment.stack["compute"], deployment.stack["platform"]
    lam = deployment.client("lambda")
    name = compute["lambda_function_names"]["order_status"]
    config = lam.get_function(FunctionName=name)
    function = config["Configuration"]
    assert function["TracingConfig"]["Mode"] == "Active"
    assert set(function["VpcConfig"]["SubnetIds"]) == set(deployment.stack["private_subnet_ids"].values())
    assert function["VpcConfig"]["SecurityGroupIds"]
    assert function["Environment"]["Variables"]["ORDERS_TABLE"] == platform["dynamodb_table_names"]["orders"]
    assert function["KMSKeyArn"] == platform["kms_key_arns"]["orders"]
    assert config["Concurrency"]["ReservedConcurrentExecutions"] >= 1
    # moto does not keep dead_letter_config (serverless README, Emulator gaps): the DLQ is read from SQS.
    dlq = deployment.client("sqs").get_queue_url(QueueName=f"{name}-dlq")["QueueUrl"]
    attributes = deployment.client("sqs").get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])[
        "Attributes"
    ]
    assert attributes["KmsMasterKeyId"] == platform["kms_key_arns"]["orders"]


def test_private_api_stage_logs_access_and_traces(deployment: Deployment) -> None:
    compute = deployment.stack["compute"]
    apigw = deployment.client("apigateway")
    api = apigw.get_rest_api(restApiId=compute["api_id"])
    assert api["endpointConfiguration"]["types"] == ["PRIVATE"]
    vpce = deployment.client("ec2").describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [deployment.stack["vpc_id"]]}]
    )["VpcEndpoints"]
    execute_api = [e["VpcEndpointId"] for e in vpce if e["ServiceName"].endswith(".execute-api")]
    assert len(execute_api) == 1
    assert api["endpointConfiguration"].get("vpcEndpointIds", execute_api) == execute_api
    (stage,) = apigw.get_stages(restApiId=compute["api_id"])["item"]
    assert compute["api_invoke_url"].endswith(f"/{stage['stageName']}")
    assert stage["tracingEnabled"] is True
    assert stage["accessLogSettings"]["destinationArn"].split(":log-group:")[1].startswith("/")
    resources = apigw.get_resources(restApiId=compute["api_id"])["items"]
    assert "/orders/{order_id}" in {r["path"] for r in resources}


def test_pipeline_goes_source_validate_plan_approval_apply(deployment: Deployment) -> None:
    compute, platform = deployment.stack["compute"], deployment.stack["platform"]
    pipeline = deployment.client("codepipeline").get_pipeline(name=compute["pipeline_name"])["pipeline"]
    stages = [s["name"].lower() for s in pipeline["stages"]]
    assert stages == ["source", "validate", "plan", "approval", "apply"], stages
    approval = pipeline["stages"][3]["actions"][0]
    assert approval["actionTypeId"]["category"] == "Approval"
    assert approval["configuration"]["NotificationArn"] == platform["notification_topic_arn"]
    store = pipeline["artifactStore"]
    assert store["location"] == compute["artifact_bucket_name"]
    assert store["encryptionKey"] == {"id": platform["kms_key_arns"]["secrets"], "type": "KMS"}
    s3 = deployment.client("s3")
    (rule,) = s3.get_bucket_encryption(Bucket=compute["artifact_bucket_name"])[
        "ServerSideEncryptionConfiguration"
    ]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == platform["kms_key_arns"]["secrets"]
    assert all(
        s3.get_public_access_block(Bucket=compute["artifact_bucket_name"])[
            "PublicAccessBlockConfiguration"
        ].values()
    )
    # The emulator gaps: no repository and no build projects here (both covered by cicd's mock tests).
    assert compute["repository_clone_url"] is None and compute["codebuild_project_names"] == {}


def _plain(value: Any) -> Any:
    """ansible-inventory --list writes strings from the API as {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# --- the tag contract, for real: the inventory finds what Terraform made ---------------------


def test_inventory_finds_the_hosts_in_the_playbooks_groups(deployment: Deployment) -> None:
    config = yaml.safe_load((REPO / "inventories" / "aws" / "trading.lowlat_ec2.yml").read_text())
    config.update(regions=[REGION], endpoint_url=deployment.server.url, cache=False)
    path = deployment.workdir / "terraform.lowlat_ec2.yml"
    path.write_text(yaml.safe_dump(config))
    env = safe_aws_env()
    env.update(AWS_DEFAULT_REGION=REGION, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(path), "--list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    inventory = json.loads(result.stdout)
    private_ips = {i["PrivateIpAddress"]: i for i in deployment.instances()}
    for role, group in deployment.host_groups.items():
        members = set(inventory.get(f"role_{role}", {}).get("hosts", []))
        assert len(members) == group["instances"], f"role_{role}: {members}"
        assert members <= set(private_ips)
    assert set(inventory[f"env_{deployment.env}"]["hosts"]) == set(private_ips)
    assert "lowlat_untagged" not in inventory
    hostvars = _plain(inventory["_meta"]["hostvars"])
    for address in private_ips:
        assert hostvars[address]["lowlat_private_address"] == address
        assert hostvars[address]["lowlat_cpu_shape"]["cores"] >= 1


# --- and nothing is left after destroy --------------------------------------------------------


def test_destroy_leaves_nothing(deployment: Deployment) -> None:
    destroy(deployment)
    ec2, kms, iam = deployment.client("ec2"), deployment.client("kms"), deployment.client("iam")
    assert deployment.instances() == []
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")] == []
    assert [
        g["TransitGatewayId"]
        for g in ec2.describe_transit_gateways()["TransitGateways"]
        if g["State"] != "deleted"
    ] == []
    # Every key the environment made is scheduled for deletion. The emulator also makes keys of its
    # own (for services' default encryption) that are in no state: listed, not failed on.
    key_metadata = {
        k["KeyId"]: kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"] for k in kms.list_keys()["Keys"]
    }
    assert len(deployment.key_ids) >= 9, deployment.key_ids  # the hosts' keys and the 8 data-class keys
    live_keys = [
        k for k in deployment.key_ids if key_metadata[k]["KeyState"] not in ("PendingDeletion", "Disabled")
    ]
    assert live_keys == []
    others = {k: m.get("Description", "") for k, m in key_metadata.items() if k not in deployment.key_ids}
    print(f"keys the emulator made itself (in no state): {others}")
    assert [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("lowlat-")] == []
    state = deployment.tf.run("state", deployment.env_dir, "list", label="state list").output.split()
    assert state == [], state
