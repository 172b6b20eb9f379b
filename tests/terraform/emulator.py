"""The moto side of the emulator tests: a deployed environment (Deployment), its tfvars for the
emulator, the AMI and certificate the emulator needs per region, and the destroy an operator does.
Used by test_emulator_apply.py (dev, prod) and test_emulator_dr.py (prod-with-dr)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.terraform.conftest import REPO, Terraform
from tools.lowlat_testbed.moto_server import MotoServer

REGION = "eu-west-2"
CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
ACCOUNT = "123456789012"  # moto's account
APPLY_TIMEOUT = 1200
# The moto server of an apply: AWS-managed IAM policies loaded (the stacks attach some), and one
# request at a time (tools/lowlat_testbed/moto_server.py, SerializedApp: moto's backends are not
# thread-safe, and a create that answered 500 after taking effect comes back as "already exists").
EMULATOR_SETTINGS = {"MOTO_IAM_LOAD_MANAGED_POLICIES": "true", "LOWLAT_MOTO_SERIALIZE": "1"}
# Transit Gateway VPC attachments: deleted through the API and dropped from the state before
# destroy (moto never reports them deleted; see test_emulator_apply's docstring).
# The environments' emulator_gaps: what this moto lacks, each left out here and covered by its
# module's mock-provider tests (see the module docstring and terraform/README.md).
EMULATOR_GAPS = (
    "cloudtrail",  # CreateTrail answers the provider with 404
    "dlq_redrive_allow_policy",  # RedriveAllowPolicy is never returned
    "backup_selection",  # no AWS Backup selection API
    "efs_file_system_policy",  # no DeleteFileSystemPolicy
    "backup_vault_force_destroy",  # no ListRecoveryPointsByBackupVault
    "ecs_autoscaling",  # no ListTagsForResource for Application Auto Scaling
    "eks_addons",  # no EKS add-on API (CreateAddon: 404)
    "api_resource_policy",  # the REST API policy is returned unescaped, the provider cannot read it
    "api_client_certificate",  # no GenerateClientCertificate
    "codecommit_repository",  # CreateRepository's dates undecodable, no CreateApprovalRuleTemplate
    "codebuild_projects",  # CreateProject requires a source location a CODEPIPELINE source lacks
)
ATTACHMENT_SUFFIX = "module.connectivity.aws_ec2_transit_gateway_vpc_attachment.this"


@dataclass
class Deployment:
    env: str
    env_dir: Path
    tf: Terraform
    server: MotoServer
    var_file: Path
    plan_json: dict[str, Any]
    outputs: dict[str, Any]
    host_groups: dict[str, dict[str, Any]]
    workdir: Path
    destroyed: bool = False
    key_ids: tuple[str, ...] = ()  # the KMS keys in the state before destroy
    regions: tuple[str, ...] = (REGION,)  # where the environment puts regional resources

    def client(self, service: str, region: str = REGION) -> Any:
        import boto3

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.server.url,
            aws_access_key_id="lowlat-emulator",
            aws_secret_access_key="lowlat-emulator",
        )

    @property
    def stack(self) -> dict[str, Any]:
        return self.outputs["stack"]["value"]

    def instances(
        self, region: str = REGION, states: tuple[str, ...] = ("pending", "running")
    ) -> list[dict[str, Any]]:
        pages = (
            self.client("ec2", region)
            .get_paginator("describe_instances")
            .paginate(Filters=[{"Name": "instance-state-name", "Values": list(states)}])
        )
        return [i for page in pages for r in page["Reservations"] for i in r["Instances"]]


def _hcl_value(value: Any) -> str:
    return json.dumps(value)  # JSON literals are valid HCL values


def _parse_host_groups(
    example: str, variable: str, env: str, site: str = ""
) -> tuple[str, dict[str, dict[str, Any]]]:
    """A host_groups-shaped block of the example, each role joining a named placement group (the
    emulator cannot create one), and the example without that block."""
    groups_src = re.search(rf"(?ms)^{variable} = \{{\n(.*?)^\}}", example)
    assert groups_src, f"{env}: terraform.tfvars.example sets no {variable}"
    host_groups: dict[str, dict[str, Any]] = {}
    for role, itype, count in re.findall(
        r'(\w+)\s*=\s*\{\s*instance_type\s*=\s*"([^"]+)",\s*instances\s*=\s*(\d+)', groups_src.group(1)
    ):
        host_groups[role] = {
            "instance_type": itype,
            "instances": int(count),
            "placement_group_name": f"lowlat-{env}{site}-{role}",
        }
    return example[: groups_src.start()] + example[groups_src.end() :], host_groups


def emulator_vars(
    env_dir: Path, extra: dict[str, Any], dr_host_groups: bool = False
) -> tuple[str, dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The example's values, plus what the emulator needs (see the module docstring): the body of a
    tfvars file, the host groups and (for an environment with a standby) the standby's groups."""
    example = (env_dir / "terraform.tfvars.example").read_text()
    example = re.sub(r"(?m)^direct_connect_gateway_id\s*=.*$", "", example)
    example, host_groups = _parse_host_groups(example, "host_groups", env_dir.name)
    dr_groups: dict[str, dict[str, Any]] = {}
    if dr_host_groups:
        example, dr_groups = _parse_host_groups(example, "dr_host_groups", env_dir.name, "-dr")
    extra = {
        "aws_account_id": ACCOUNT,
        "region": REGION,
        "verify_ami": False,
        "detailed_monitoring": False,
        "kms_key_admin_arns": [],
        "host_groups": host_groups,
        "emulator_gaps": {gap: True for gap in EMULATOR_GAPS},
        **({"dr_host_groups": dr_groups} if dr_host_groups else {}),
        **extra,
    }
    for key in extra:
        example = re.sub(rf"(?m)^{key}\s*=.*$", "", example)
    body = example + "\n" + "\n".join(f"{key} = {_hcl_value(value)}" for key, value in extra.items()) + "\n"
    return body, host_groups, dr_groups


def import_certificate(server: MotoServer, directory: Path, region: str = REGION) -> str:
    """A self-signed certificate imported into the emulator's ACM, for the HTTPS listener."""
    import boto3

    key, cert = directory / f"alb-{region}.key", directory / f"alb-{region}.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=lowlat.example.com"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    acm = boto3.client(
        "acm", region_name=region, endpoint_url=server.url, aws_access_key_id="x", aws_secret_access_key="x"
    )
    return acm.import_certificate(Certificate=cert.read_bytes(), PrivateKey=key.read_bytes())[
        "CertificateArn"
    ]


def register_ami(server: MotoServer, region: str = REGION) -> str:
    import boto3

    ec2 = boto3.client(
        "ec2", region_name=region, endpoint_url=server.url, aws_access_key_id="x", aws_secret_access_key="x"
    )
    image = ec2.register_image(
        Name="lowlat-test-bookworm",
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        EnaSupport=True,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}],
    )
    return image["ImageId"]


def plan_and_apply(
    tf: Terraform, env_dir: Path, var_file: Path, workdir: Path, checkov_vars: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any]]:
    """init, plan (its JSON returned), a second plan for checkov written to workdir/plan.json, apply
    of the first plan, and the outputs. checkov reads the committed values: detailed monitoring on
    (only MonitorInstances, at apply, is missing from the emulator), plus checkov_vars."""
    var = f"-var-file={var_file}"
    tf.ok("init", env_dir, label="init")
    plan_file = workdir / "plan.tfplan"
    tf.ok("plan", env_dir, var, f"-out={plan_file}", "-input=false", label="plan", timeout=APPLY_TIMEOUT)
    plan_json = json.loads(tf.ok("show", env_dir, "-json", str(plan_file), label="show -json").output)
    checkov_plan = workdir / "checkov.tfplan"
    tf.ok(
        "plan",
        env_dir,
        var,
        "-var=detailed_monitoring=true",
        *checkov_vars,
        f"-out={checkov_plan}",
        label="plan (checkov)",
        timeout=APPLY_TIMEOUT,
    )
    (workdir / "plan.json").write_text(
        tf.ok("show", env_dir, "-json", str(checkov_plan), label="show -json").output
    )
    tf.ok(
        "apply",
        env_dir,
        "-input=false",
        "-auto-approve",
        str(plan_file),
        label="apply",
        timeout=APPLY_TIMEOUT,
    )
    outputs = json.loads(tf.ok("output", env_dir, "-json", label="output -json").output)
    return plan_json, outputs


def lift_store_protection(deploy: Deployment) -> None:
    """What an operator does before destroying a protected environment, in each of its regions."""
    for region in deploy.regions:
        rds = deploy.client("rds", region)
        for db in rds.describe_db_instances()["DBInstances"]:
            if db.get("DeletionProtection"):
                rds.modify_db_instance(
                    DBInstanceIdentifier=db["DBInstanceIdentifier"],
                    DeletionProtection=False,
                    ApplyImmediately=True,
                )
        elbv2 = deploy.client("elbv2", region)
        for lb in elbv2.describe_load_balancers()["LoadBalancers"]:
            elbv2.modify_load_balancer_attributes(
                LoadBalancerArn=lb["LoadBalancerArn"],
                Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}],
            )
        dynamodb = deploy.client("dynamodb", region)
        for table in dynamodb.list_tables()["TableNames"]:
            if dynamodb.describe_table(TableName=table)["Table"].get("DeletionProtectionEnabled"):
                dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
    empty_access_log_buckets(deploy)


def empty_access_log_buckets(deploy: Deployment) -> None:
    """The emulator writes S3 server access logs into the log bucket, and a protected bucket is not
    force-destroyed: empty it (every version and delete marker). The bucket's TLS-only policy denies
    this plain-HTTP client until Terraform's destroy has removed the policy, so in prod the first
    destroy stops at the full bucket and the next try empties it first. A failure here is printed,
    not raised: the destroy that follows says whether it mattered. (moto lists every region's
    buckets to any region's client.)"""
    s3 = deploy.client("s3")
    for bucket in [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].endswith("-access-logs")]:
        try:
            for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
                objects = [
                    {"Key": v["Key"], "VersionId": v["VersionId"]}
                    for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
                ]
                if objects:
                    s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
        except Exception as exc:  # reported; the destroy that follows decides
            print(f"could not empty {bucket}: {exc!r}")


def destroy(deploy: Deployment) -> None:
    lift_store_protection(deploy)
    for region in deploy.regions:
        ec2 = deploy.client("ec2", region)
        for attachment_id in tgw_attachments(deploy, "vpc", region):
            ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment_id)
        left = tgw_attachments(deploy, "vpc", region)
        assert not left, f"moto still lists the TGW attachments {left} in {region}"
    state = deploy.tf.ok("state", deploy.env_dir, "list", label="state list").output.split()
    attachments = [a for a in state if a.endswith(ATTACHMENT_SUFFIX)]
    if attachments:
        deploy.tf.ok("state", deploy.env_dir, "rm", *attachments, label="state rm attachment")
    shown = json.loads(deploy.tf.ok("show", deploy.env_dir, "-json", label="show -json (state)").output)
    deploy.key_ids = tuple(state_values(shown, "aws_kms_key", "key_id"))
    var = f"-var-file={deploy.var_file}"
    result = deploy.tf.run(
        "destroy", deploy.env_dir, var, "-auto-approve", "-input=false", timeout=APPLY_TIMEOUT
    )
    # moto's clean-up races itself now and then (a VPC endpoint route already gone: InvalidRoute.NotFound;
    # a network ACL association replaced while its subnet is deleted: HTTP 500). What is left is
    # destroyed by the next try; test_destroy_leaves_nothing then checks nothing is left at all.
    for attempt in range(2, 4):
        if result.returncode == 0:
            break
        print(f"destroy try {attempt - 1} failed, trying again:\n{result.output[-1500:]}")
        empty_access_log_buckets(deploy)  # the emulator logs the destroy's own S3 calls too
        result = deploy.tf.run(
            "destroy", deploy.env_dir, var, "-auto-approve", "-input=false", label=f"destroy try {attempt}"
        )
    assert result.returncode == 0, f"terraform destroy failed:\n{result.output[-6000:]}"
    deploy.destroyed = True


def state_values(shown: dict[str, Any], resource_type: str, attribute: str) -> list[str]:
    """One attribute of every resource of a type in `terraform show -json` of the state."""
    found, modules = [], [shown.get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        found += [r["values"][attribute] for r in module.get("resources", []) if r["type"] == resource_type]
        modules += module.get("child_modules", [])
    return found


def tgw_attachments(deploy: Deployment, resource_type: str, region: str = REGION) -> dict[str, str]:
    """Live transit gateway attachments of one type (vpc, vpn): attachment id -> resource id.
    moto also lists VPN attachments under DescribeTransitGatewayVpcAttachments, so the type is
    taken from DescribeTransitGatewayAttachments."""
    found = deploy.client("ec2", region).describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    return {
        a["TransitGatewayAttachmentId"]: a["ResourceId"]
        for a in found
        if a["ResourceType"] == resource_type and a["State"] not in ("deleting", "deleted")
    }


def checkov_plan_failures(plan_json: Path, skips: dict[str, str]) -> tuple[list[str], dict[str, Any]]:
    """checkov on a `terraform show -json` plan, the listed checks skipped (each with its reason
    where the caller defines it): the failed checks, one line each, and checkov's summary."""
    result = subprocess.run(
        [
            str(CHECKOV),
            "-f",
            str(plan_json),
            "--framework",
            "terraform_plan",
            "--compact",
            "-o",
            "json",
            "--skip-download",
            "--skip-check",
            ",".join(skips),
        ],
        cwd=REPO,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-3000:]
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    failed = [
        f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in report["results"]["failed_checks"]
    ]
    return failed, report["summary"]
