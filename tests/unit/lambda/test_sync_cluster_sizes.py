"""lambda/sync_cluster_sizes/handler.py against real objects in moto's in-process mock.

The world: the primary EKS cluster and node group in eu-west-2 (m5.xlarge 2/3/10), the DR cluster
with its pilot group in eu-west-1 (t3.small 1/1/2, role and subnets of a moto VPC), two DR trading
hosts created and stopped, the Route 53 health alarm in us-east-1 and the SNS topic with an SQS
queue subscribed, so each test reads back what was published. Covered: failover (companion group
or scaling the DR group itself, live or recorded primary spec), failback (refused unless the alarm
is OK), status, alarm events, idempotency (no write call on a repeat), refused payloads and
settings, partial failures, logging and the per-region client cache.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from types import ModuleType, SimpleNamespace
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.exceptions import EndpointConnectionError
from moto import mock_aws

PRIMARY_REGION, DR_REGION, ALARM_REGION = "eu-west-2", "eu-west-1", "us-east-1"
ACCOUNT = "123456789012"
PRIMARY_CLUSTER, DR_CLUSTER = "lowlat-prod", "lowlat-prod-dr"
PRIMARY_GROUP, DR_GROUP = "lowlat-prod-general", "lowlat-prod-dr-general"
COMPANION = f"{DR_GROUP}-failover"
ALARM = "lowlat-prod-primary-health"
NODE_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lowlat-prod-dr-nodes"
CLUSTER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/lowlat-prod-eks"
AMI = "ami-0c1f2a3b4d5e6f708"

PRIMARY_SIZES = {"minSize": 2, "desiredSize": 3, "maxSize": 10}
PILOT_SIZES = {"minSize": 1, "desiredSize": 1, "maxSize": 2}
PILOT = {"min_size": 1, "desired_size": 1, "max_size": 2}
# Deliberately not the live spec, so that a test sees which one was used.
RECORDED = {"instance_types": ["m5.2xlarge"], "min_size": 2, "desired_size": 2, "max_size": 6}
PILOT_TAGS = {"lowlat:env": "prod-dr", "lowlat:role": "general"}
PILOT_LABELS = {"lowlat.io/pool": "general"}

WRITES = {"UpdateNodegroupConfig", "CreateNodegroup", "DeleteNodegroup", "StartInstances", "StopInstances"}
CONTEXT = SimpleNamespace(
    aws_request_id="5d1f-lambda-request", function_name="lowlat-prod-dr-sync-cluster-sizes"
)


def node_groups_env(**groups: dict[str, Any]) -> str:
    return json.dumps(groups or {"general": group_env()})


def group_env(primary: str = PRIMARY_GROUP, dr: str = DR_GROUP, **changes: Any) -> dict[str, Any]:
    return {"primary": primary, "dr": dr, "pilot": PILOT, "recorded": RECORDED, **changes}


class World:
    """The moto objects, the function's environment and ways to look at both."""

    def __init__(self, module: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
        self.module = module
        self.monkeypatch = monkeypatch
        self.calls: list[str] = []
        self._record_calls()
        self.subnets = self._vpc_subnets(DR_REGION)
        self._cluster(PRIMARY_REGION, PRIMARY_CLUSTER, self._vpc_subnets(PRIMARY_REGION))
        self.eks(PRIMARY_REGION).create_nodegroup(
            clusterName=PRIMARY_CLUSTER,
            nodegroupName=PRIMARY_GROUP,
            nodeRole=f"arn:aws:iam::{ACCOUNT}:role/lowlat-prod-nodes",
            subnets=self._vpc_subnets(PRIMARY_REGION),
            instanceTypes=["m5.xlarge"],
            scalingConfig=dict(PRIMARY_SIZES),
        )
        self._cluster(DR_REGION, DR_CLUSTER, self.subnets)
        self.add_pilot(DR_GROUP)
        self.host_ids = self._stopped_hosts(2)
        self.topic_arn, self.queue_url = self._topic_and_queue()
        self._alarm()
        for name, value in {
            "AWS_REGION": DR_REGION,
            "AWS_DEFAULT_REGION": DR_REGION,
            "PRIMARY_REGION": PRIMARY_REGION,
            "PRIMARY_CLUSTER": PRIMARY_CLUSTER,
            "DR_CLUSTER": DR_CLUSTER,
            "NODE_GROUPS": node_groups_env(),
            "DR_HOST_IDS": ",".join(self.host_ids),
            "HEALTH_ALARM_NAME": ALARM,
            "HEALTH_ALARM_REGION": ALARM_REGION,
            "TOPIC_ARN": self.topic_arn,
            "AUTO_FAILBACK": "false",
        }.items():
            monkeypatch.setenv(name, value)

    # Building -------------------------------------------------------------------------------------

    def _record_calls(self) -> None:
        """Every API operation the function's clients (not the test's) make, by name."""

        def make(*args: Any, **kwargs: Any) -> Any:
            made = boto3.client(*args, **kwargs)
            made.meta.events.register("before-call", lambda model, **_: self.calls.append(model.name))
            return made

        self.monkeypatch.setattr(self.module, "boto3", SimpleNamespace(client=make))

    def _vpc_subnets(self, region: str) -> list[str]:
        ec2 = boto3.client("ec2", region_name=region)
        vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
        return [
            ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.40.{n}.0/24")["Subnet"]["SubnetId"] for n in (1, 2)
        ]

    def _cluster(self, region: str, name: str, subnets: list[str]) -> None:
        self.eks(region).create_cluster(
            name=name, roleArn=CLUSTER_ROLE, resourcesVpcConfig={"subnetIds": subnets}, version="1.31"
        )

    def add_pilot(self, name: str, instance_types: tuple[str, ...] = ("t3.small",), **extra: Any) -> None:
        """A DR pilot group; `extra` replaces the disk size (e.g. with a launch template)."""
        settings = {"diskSize": 50, **extra}
        self.eks().create_nodegroup(
            clusterName=DR_CLUSTER,
            nodegroupName=name,
            nodeRole=NODE_ROLE,
            subnets=self.subnets,
            instanceTypes=list(instance_types),
            scalingConfig=dict(PILOT_SIZES),
            amiType="AL2023_x86_64_STANDARD",
            capacityType="ON_DEMAND",
            labels=dict(PILOT_LABELS),
            tags=dict(PILOT_TAGS),
            **{k: v for k, v in settings.items() if v is not None},
        )

    def replace_pilot(self, instance_types: tuple[str, ...] = ("t3.small",), **extra: Any) -> None:
        self.eks().delete_nodegroup(clusterName=DR_CLUSTER, nodegroupName=DR_GROUP)
        self.add_pilot(DR_GROUP, instance_types, **extra)

    def _stopped_hosts(self, count: int) -> list[str]:
        ec2 = boto3.client("ec2", region_name=DR_REGION)
        made = ec2.run_instances(
            ImageId=AMI, MinCount=count, MaxCount=count, InstanceType="c6in.4xlarge", SubnetId=self.subnets[0]
        )["Instances"]
        ids = sorted(instance["InstanceId"] for instance in made)
        ec2.stop_instances(InstanceIds=ids)
        return ids

    def _topic_and_queue(self) -> tuple[str, str]:
        sns = boto3.client("sns", region_name=DR_REGION)
        sqs = boto3.client("sqs", region_name=DR_REGION)
        topic = sns.create_topic(Name="lowlat-prod-dr-events")["TopicArn"]
        queue_url = sqs.create_queue(QueueName="lowlat-test-dr-events")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["QueueArn"])
        return topic, queue_url

    def _alarm(self) -> None:
        boto3.client("cloudwatch", region_name=ALARM_REGION).put_metric_alarm(
            AlarmName=ALARM,
            Namespace="AWS/Route53",
            MetricName="HealthCheckStatus",
            Dimensions=[{"Name": "HealthCheckId", "Value": "0b7e6f4c-primary"}],
            Statistic="Minimum",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="LessThanThreshold",
        )
        self.set_alarm("OK")

    # Acting ---------------------------------------------------------------------------------------

    def set_alarm(self, state: str) -> None:
        boto3.client("cloudwatch", region_name=ALARM_REGION).set_alarm_state(
            AlarmName=ALARM, StateValue=state, StateReason=f"test sets {state}"
        )

    def invoke(self, event: Any) -> dict[str, Any]:
        return self.module.handler(event, CONTEXT)

    def refused(self, event: Any) -> str:
        """The message of the RefusedError the event gets."""
        with pytest.raises(self.module.RefusedError) as refused:
            self.invoke(event)
        assert isinstance(refused.value, ValueError)
        return str(refused.value)

    # Looking --------------------------------------------------------------------------------------

    def eks(self, region: str = DR_REGION) -> Any:
        return boto3.client("eks", region_name=region)

    def nodegroup(self, name: str) -> dict[str, Any] | None:
        try:
            return self.eks().describe_nodegroup(clusterName=DR_CLUSTER, nodegroupName=name)["nodegroup"]
        except self.eks().exceptions.ResourceNotFoundException:
            return None

    def sizes(self, name: str) -> dict[str, int]:
        found = self.nodegroup(name)
        assert found is not None, name
        return found["scalingConfig"]

    def host_states(self) -> dict[str, str]:
        answer = boto3.client("ec2", region_name=DR_REGION).describe_instances(InstanceIds=self.host_ids)
        return {i["InstanceId"]: i["State"]["Name"] for r in answer["Reservations"] for i in r["Instances"]}

    def writes(self) -> list[str]:
        return [name for name in self.calls if name in WRITES]

    def published(self) -> list[dict[str, Any]]:
        """What reached the topic since the last look: [{"subject": ..., "message": {...}}]."""
        sqs = boto3.client("sqs", region_name=DR_REGION)
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return out
            for message in got:
                envelope = json.loads(message["Body"])
                assert "testing" not in envelope["Message"], "credentials must never be published"
                out.append({"subject": envelope["Subject"], "message": json.loads(envelope["Message"])})
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])


_LOADER = botocore.loaders.create_loader()


@pytest.fixture
def world(sync_cluster_sizes: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    # moto's AMI catalogue costs seconds per region; AMI ids are not validated without it.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws():
        # mock_aws starts from no default session; one whose loader keeps the parsed service models
        # across tests saves reading EC2's (large) model again for every test.
        session = botocore.session.get_session()
        session.register_component("data_loader", _LOADER)
        boto3.setup_default_session(botocore_session=session)
        yield World(sync_cluster_sizes, monkeypatch)


@pytest.fixture
def failed_over(world: World) -> World:
    """The world after a failover, with nothing published yet and no calls recorded."""
    world.invoke({"action": "failover"})
    world.published()
    world.calls.clear()
    return world


def without_published(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "published"}


def alarm_event(state: str, name: str = ALARM, previous: str = "OK", **changes: Any) -> dict[str, Any]:
    """An EventBridge "CloudWatch Alarm State Change" event as the default bus delivers it."""
    return {
        "version": "0",
        "id": "c4c1c1c9-6542-e61b-6ef0-8c4d36933a92",
        "detail-type": "CloudWatch Alarm State Change",
        "source": "aws.cloudwatch",
        "account": ACCOUNT,
        "time": "2026-03-02T09:14:00Z",
        "region": ALARM_REGION,
        "resources": [f"arn:aws:cloudwatch:{ALARM_REGION}:{ACCOUNT}:alarm:{name}"],
        "detail": {
            "alarmName": name,
            "state": {
                "value": state,
                "reason": "Threshold Crossed",
                "timestamp": "2026-03-02T09:14:00.000+0000",
            },
            "previousState": {"value": previous, "reason": "", "timestamp": "2026-03-01T00:00:00.000+0000"},
            "configuration": {"metrics": []},
        },
        **changes,
    }


# --------------------------------------------------------------------------------------------------
# Failover
# --------------------------------------------------------------------------------------------------


def test_failover_creates_the_companion_with_the_primary_spec_and_starts_the_hosts(world):
    result = world.invoke({"action": "failover", "reason": "drill 2026-03"})

    assert (result["action"], result["trigger"], result["reason"]) == ("failover", "manual", "drill 2026-03")
    assert result["changed"] is True
    assert result["primary_read"] == "live"
    assert result["errors"] == []
    assert result["node_groups"] == [
        {
            "key": "general",
            "dr_group": DR_GROUP,
            "primary_group": PRIMARY_GROUP,
            "primary_read": "live",
            "target": {"instance_types": ["m5.xlarge"], "min_size": 2, "desired_size": 3, "max_size": 10},
            "companion": COMPANION,
            "changed": True,
            "how": "created companion",
        }
    ]
    companion = world.nodegroup(COMPANION)
    assert companion["instanceTypes"] == ["m5.xlarge"]
    assert companion["scalingConfig"] == PRIMARY_SIZES
    assert companion["nodeRole"] == NODE_ROLE
    assert companion["subnets"] == world.subnets
    assert (companion["amiType"], companion["capacityType"]) == ("AL2023_x86_64_STANDARD", "ON_DEMAND")
    assert companion["labels"] == PILOT_LABELS
    assert companion["tags"] == {**PILOT_TAGS, "lowlat:failover": "true"}
    assert companion["diskSize"] == 50
    assert world.sizes(DR_GROUP) == PILOT_SIZES, "the pilot group stays as it is"
    assert world.nodegroup(DR_GROUP)["instanceTypes"] == ["t3.small"]

    assert world.host_states() == dict.fromkeys(world.host_ids, "running")
    assert result["hosts"]["started"] == world.host_ids
    assert result["hosts"]["unchanged"] == []
    assert result["message"] == "failover (manual): 1 companion group created, 2 hosts started"

    (published,) = world.published()
    assert published["subject"] == "lowlat DR failover: 1 companion group created, 2 hosts started"
    assert published["message"] == without_published(result)
    assert result["published"] is True
    json.dumps(result)  # what Lambda returns to the caller


def test_failover_copies_the_pilots_launch_template_and_no_disk_size(world):
    ec2 = boto3.client("ec2", region_name=DR_REGION)
    template = ec2.create_launch_template(
        LaunchTemplateName="lowlat-prod-dr-nodes", LaunchTemplateData={"ImageId": AMI}
    )["LaunchTemplate"]
    world.replace_pilot(diskSize=None, launchTemplate={"id": template["LaunchTemplateId"], "version": "1"})

    # moto, like EKS, refuses a disk size next to a launch template: success means none was sent.
    assert world.invoke({"action": "failover"})["node_groups"][0]["how"] == "created companion"
    launch_template = world.nodegroup(COMPANION)["launchTemplate"]
    assert (launch_template["id"], launch_template["version"]) == (template["LaunchTemplateId"], "1")


def test_failover_scales_the_dr_group_itself_when_it_has_the_primarys_types(world):
    world.replace_pilot(("m5.xlarge",))

    result = world.invoke({"action": "failover"})
    (group,) = result["node_groups"]
    assert (group["how"], group["changed"]) == ("scaled", True)
    assert "companion" not in group
    assert world.sizes(DR_GROUP) == PRIMARY_SIZES
    assert world.nodegroup(COMPANION) is None
    assert world.published()[0]["subject"] == "lowlat DR failover: 1 node group scaled, 2 hosts started"

    # ...and failback returns it to its pilot sizes.
    result = world.invoke({"action": "failback"})
    assert result["node_groups"][0]["how"] == "scaled"
    assert world.sizes(DR_GROUP) == PILOT_SIZES


def test_repeated_failover_changes_nothing(failed_over):
    world = failed_over
    result = world.invoke({"action": "failover"})

    assert result["changed"] is False
    assert world.writes() == [], "a repeat makes no write call"
    assert [g["how"] for g in result["node_groups"]] == ["unchanged"]
    assert result["hosts"]["started"] == []
    assert result["hosts"]["unchanged"] == world.host_ids
    assert result["message"] == "failover (manual): no change"
    assert world.sizes(COMPANION) == PRIMARY_SIZES
    assert world.sizes(DR_GROUP) == PILOT_SIZES
    (published,) = world.published()
    assert published["subject"] == "lowlat DR failover: no change"
    assert published["message"]["changed"] is False


def test_failover_resizes_an_existing_companion_to_the_primarys_new_sizes(failed_over):
    world = failed_over
    world.eks(PRIMARY_REGION).update_nodegroup_config(
        clusterName=PRIMARY_CLUSTER,
        nodegroupName=PRIMARY_GROUP,
        scalingConfig={"minSize": 3, "desiredSize": 5, "maxSize": 12},
    )
    result = world.invoke({"action": "failover"})
    assert result["node_groups"][0]["how"] == "companion scaled"
    assert world.sizes(COMPANION) == {"minSize": 3, "desiredSize": 5, "maxSize": 12}
    assert world.writes() == ["UpdateNodegroupConfig"]


@pytest.mark.parametrize(
    ("variable", "value", "error"),
    [
        ("PRIMARY_CLUSTER", "lowlat-prod-gone", "ResourceNotFoundException: No cluster found"),
        ("PRIMARY_REGION", "ap-southeast-2", "ResourceNotFoundException: No cluster found"),
    ],
    ids=["primary_cluster_absent", "primary_region_empty"],
)
def test_failover_uses_the_recorded_spec_when_the_primary_cannot_be_read(world, variable, value, error):
    world.monkeypatch.setenv(variable, value)
    result = world.invoke({"action": "failover"})

    assert result["primary_read"] == "recorded"
    (group,) = result["node_groups"]
    assert group["primary_read"] == "recorded"
    assert group["primary_error"].startswith(error)
    assert group["target"] == RECORDED
    assert group["how"] == "created companion"
    companion = world.nodegroup(COMPANION)
    assert companion["instanceTypes"] == ["m5.2xlarge"]
    assert companion["scalingConfig"] == {"minSize": 2, "desiredSize": 2, "maxSize": 6}
    assert result["errors"] == [], "an unreadable primary is expected in a disaster, not an error"
    assert "recorded primary sizes used" in result["message"]
    subject = world.published()[0]["subject"]
    assert subject.startswith("lowlat DR failover: 1 companion group created, 2 hosts started, recorded")
    assert len(subject) <= 99


def test_unreachable_primary_region_is_tried_once_then_the_recorded_spec_is_used(world):
    world.add_pilot("lowlat-prod-dr-trading")
    trading = group_env("lowlat-prod-trading", "lowlat-prod-dr-trading")
    world.monkeypatch.setenv("NODE_GROUPS", node_groups_env(general=group_env(), trading=trading))
    tried = []

    class Unreachable:
        def describe_nodegroup(self, **kwargs: Any) -> None:
            tried.append(kwargs["nodegroupName"])
            raise EndpointConnectionError(endpoint_url=f"https://eks.{PRIMARY_REGION}.amazonaws.com/")

    world.module._clients[("eks", PRIMARY_REGION)] = Unreachable()
    result = world.invoke({"action": "failover"})

    assert tried == [PRIMARY_GROUP], "the second group does not wait for a region that did not answer"
    assert [g["primary_read"] for g in result["node_groups"]] == ["recorded", "recorded"]
    assert all(g["primary_error"].startswith("EndpointConnectionError") for g in result["node_groups"])
    assert world.nodegroup("lowlat-prod-dr-trading-failover")["instanceTypes"] == ["m5.2xlarge"]
    assert world.nodegroup(COMPANION)["instanceTypes"] == ["m5.2xlarge"]


def test_failover_without_hosts(world):
    world.monkeypatch.setenv("DR_HOST_IDS", "")
    result = world.invoke({"action": "failover"})
    assert result["hosts"] == {"started": [], "stopped": [], "unchanged": [], "states": {}}
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")
    assert "DescribeInstances" not in world.calls


def test_failover_does_the_other_steps_then_fails_when_a_dr_group_is_missing(world):
    missing = group_env(dr="lowlat-prod-dr-missing")
    world.monkeypatch.setenv("NODE_GROUPS", node_groups_env(general=group_env(), missing=missing))

    with pytest.raises(world.module.ActionFailedError) as failed:
        world.invoke({"action": "failover"})

    assert "DR node group lowlat-prod-dr-missing not found in cluster lowlat-prod-dr" in str(failed.value)
    assert world.nodegroup(COMPANION) is not None, "the other group was failed over"
    assert world.host_states() == dict.fromkeys(world.host_ids, "running"), "the hosts were started"
    (published,) = world.published()
    assert [g["how"] for g in published["message"]["node_groups"]] == ["created companion", "failed"]
    assert published["message"]["errors"] == [
        "node group missing: DR node group lowlat-prod-dr-missing not found in cluster lowlat-prod-dr (eu-west-1)"
    ]
    assert published["subject"] == (
        "lowlat DR failover: 1 companion group created, 1 node group failed, 2 hosts started"
    )


def test_failover_fails_clearly_while_the_companion_is_still_being_deleted(failed_over, monkeypatch):
    world = failed_over
    world.monkeypatch.setenv("DR_HOST_IDS", "")
    deleting(world, monkeypatch)
    with pytest.raises(world.module.ActionFailedError, match="is still being deleted"):
        world.invoke({"action": "failover"})
    assert world.writes() == []


def deleting(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """EKS deletes a node group over minutes (moto at once): the companion shows DELETING."""
    eks = world.module.client("eks", DR_REGION)
    real = eks.describe_nodegroup

    def describe(**kwargs: Any) -> dict[str, Any]:
        answer = real(**kwargs)
        if kwargs["nodegroupName"] == COMPANION:
            answer["nodegroup"]["status"] = "DELETING"
        return answer

    monkeypatch.setattr(eks, "describe_nodegroup", describe)


# --------------------------------------------------------------------------------------------------
# Failback
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("ALARM", "primary health check is unhealthy: alarm lowlat-prod-primary-health in ALARM since "),
        (
            "INSUFFICIENT_DATA",
            "primary health is unknown: alarm lowlat-prod-primary-health in INSUFFICIENT_DATA since ",
        ),
    ],
)
def test_failback_is_refused_unless_the_alarm_is_ok(failed_over, state, message):
    world = failed_over
    world.set_alarm(state)

    error = world.refused({"action": "failback"})
    assert error.startswith(message)
    assert error.endswith("; fail back once it is OK")
    assert world.writes() == []
    assert world.sizes(COMPANION) == PRIMARY_SIZES
    assert world.host_states() == dict.fromkeys(world.host_ids, "running")
    (published,) = world.published()
    subject = f"lowlat DR failback refused: {error}"
    assert published["subject"] == subject[:96] + "...", "the whole message is in the body"
    assert published["message"]["refused"] is True
    assert published["message"]["action"] == "failback"
    assert published["message"]["error"] == error
    assert published["message"]["alarm"]["state"] == state


def test_failback_is_refused_when_the_alarm_does_not_exist(failed_over):
    failed_over.monkeypatch.setenv("HEALTH_ALARM_NAME", "lowlat-prod-no-such-alarm")
    error = failed_over.refused({"action": "failback"})
    assert error.startswith("health alarm lowlat-prod-no-such-alarm not found in us-east-1")
    assert failed_over.writes() == []


def test_failback_after_ok_returns_to_pilot_light(failed_over):
    world = failed_over
    world.eks().update_nodegroup_config(
        clusterName=DR_CLUSTER,
        nodegroupName=DR_GROUP,
        scalingConfig={"minSize": 1, "desiredSize": 2, "maxSize": 3},
    )  # someone scaled the pilot by hand during the incident

    result = world.invoke({"action": "failback", "reason": "primary restored"})

    assert result["changed"] is True
    assert result["alarm"]["state"] == "OK"
    assert result["node_groups"] == [
        {
            "key": "general",
            "dr_group": DR_GROUP,
            "target": PILOT,
            "companion": COMPANION,
            "changed": True,
            "how": "scaled, companion deleted",
        }
    ]
    assert world.nodegroup(COMPANION) is None
    assert world.sizes(DR_GROUP) == PILOT_SIZES
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")
    assert result["hosts"]["stopped"] == world.host_ids
    (published,) = world.published()
    assert published["subject"] == (
        "lowlat DR failback: 1 node group scaled, 1 companion group deleted, 2 hosts stopped"
    )
    assert published["message"] == without_published(result)


def test_repeated_failback_changes_nothing(failed_over):
    world = failed_over
    world.invoke({"action": "failback"})
    world.calls.clear()

    result = world.invoke({"action": "failback"})
    assert result["changed"] is False
    assert world.writes() == []
    assert [g["how"] for g in result["node_groups"]] == ["unchanged"]
    assert result["hosts"]["unchanged"] == world.host_ids
    assert [p["subject"] for p in world.published()] == [
        "lowlat DR failback: 1 companion group deleted, 2 hosts stopped",
        "lowlat DR failback: no change",
    ]


def test_failback_does_not_delete_a_companion_already_being_deleted(failed_over, monkeypatch):
    world = failed_over
    deleting(world, monkeypatch)
    result = world.invoke({"action": "failback"})
    (group,) = result["node_groups"]
    assert (group["how"], group["note"]) == ("unchanged", "companion is already being deleted")
    assert world.writes() == ["StopInstances"]


# --------------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------------


def test_status_reports_and_changes_nothing(failed_over):
    world = failed_over
    result = world.invoke({"action": "status"})

    assert result["changed"] is False
    assert world.writes() == []
    (group,) = result["node_groups"]
    assert group["dr"] == {
        "name": DR_GROUP,
        "status": "ACTIVE",
        "instance_types": ["t3.small"],
        "min_size": 1,
        "desired_size": 1,
        "max_size": 2,
    }
    assert group["companion"]["instance_types"] == ["m5.xlarge"]
    assert (group["companion"]["min_size"], group["companion"]["max_size"]) == (2, 10)
    assert result["hosts"]["states"] == dict.fromkeys(world.host_ids, "running")
    assert result["alarm"]["state"] == "OK"
    assert result["alarm"]["since"]
    (published,) = world.published()
    assert (
        published["subject"]
        == "lowlat DR status: 1 node group (1 with companion), hosts: 2 running, alarm OK"
    )


def test_status_as_a_json_string_payload(world):
    result = world.invoke('{"action": "status"}')
    assert result["node_groups"][0]["companion"] is None
    assert result["hosts"]["states"] == dict.fromkeys(world.host_ids, "stopped")


# --------------------------------------------------------------------------------------------------
# Alarm events
# --------------------------------------------------------------------------------------------------


def test_alarm_event_in_alarm_fails_over(world):
    result = world.invoke(alarm_event("ALARM"))
    assert (result["action"], result["trigger"]) == ("failover", "alarm")
    assert result["reason"] == f"alarm {ALARM} OK -> ALARM"
    assert world.nodegroup(COMPANION) is not None
    assert world.host_states() == dict.fromkeys(world.host_ids, "running")
    assert world.published()[0]["message"]["trigger"] == "alarm"


def test_ok_event_without_auto_failback_only_reports(failed_over):
    world = failed_over
    world.monkeypatch.delenv("AUTO_FAILBACK")  # unset means false
    result = world.invoke(alarm_event("OK", previous="ALARM"))

    assert (result["action"], result["changed"]) == ("none", False)
    assert "failback is manual" in result["message"]
    assert result["alarm"] == {"name": ALARM, "region": ALARM_REGION, "state": "OK", "previous": "ALARM"}
    assert world.writes() == []
    assert world.nodegroup(COMPANION) is not None
    (published,) = world.published()
    assert published["subject"].startswith(f"lowlat DR alarm OK: alarm {ALARM} is OK: primary healthy again")


def test_ok_event_with_auto_failback_fails_back(failed_over):
    world = failed_over
    world.monkeypatch.setenv("AUTO_FAILBACK", "true")
    result = world.invoke(alarm_event("OK", previous="ALARM"))
    assert (result["action"], result["trigger"], result["changed"]) == ("failback", "alarm", True)
    assert world.nodegroup(COMPANION) is None
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")


def test_ok_event_with_auto_failback_is_refused_if_the_alarm_went_back(failed_over):
    """The event is older than the alarm's state: failback reads the alarm itself."""
    world = failed_over
    world.monkeypatch.setenv("AUTO_FAILBACK", "true")
    world.set_alarm("ALARM")
    assert world.refused(alarm_event("OK")).startswith("primary health check is unhealthy")
    assert world.writes() == []


def test_insufficient_data_event_changes_nothing(world):
    result = world.invoke(alarm_event("INSUFFICIENT_DATA"))
    assert (result["action"], result["changed"]) == ("none", False)
    assert "primary health unknown, no change" in result["message"]
    assert world.writes() == []
    assert world.published()[0]["subject"].startswith("lowlat DR alarm INSUFFICIENT_DATA: ")


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            alarm_event("ALARM", name="lowlat-prod-cpu"),
            "alarm event for 'lowlat-prod-cpu', not for the health alarm",
        ),
        (alarm_event("ALARM", region="eu-west-2"), 'alarm event from region "eu-west-2"; the health alarm'),
        (alarm_event("ALARM", source="aws.events"), 'unsupported event: source "aws.events"'),
        (
            {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}},
            'unsupported event: source "aws.events", detail-type "Scheduled Event"; accepted are',
        ),
        (
            alarm_event("ALARM", detail={"alarmName": ALARM}),
            "alarm state change event without detail.alarmName",
        ),
        (alarm_event("SILENT"), 'with unknown state "SILENT"; known: OK, ALARM, INSUFFICIENT_DATA'),
    ],
    ids=["other_alarm", "other_region", "other_source", "scheduled_event", "no_state", "unknown_state"],
)
def test_other_events_are_refused(world, event, message):
    assert message in world.refused(event)
    assert world.writes() == []
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")
    (published,) = world.published()
    assert published["message"]["refused"] is True


# --------------------------------------------------------------------------------------------------
# Refused payloads
# --------------------------------------------------------------------------------------------------

BAD_PAYLOADS = {
    "unknown_action": (
        {"action": "fail-over"},
        "unknown action 'fail-over': use one of failover, failback, status",
    ),
    "not_a_dict": (["failover"], 'the event must be a JSON object like {"action": "failover"}'),
    "number": (42, "received a number: 42"),
    "null": (None, "received null: null"),
    "missing_action": (
        {"reason": "drill"},
        'the event has no action: send a JSON object like {"action": "failover"}',
    ),
    "empty": ({}, "the event has no action"),
    "action_not_a_string": (
        {"action": 5},
        "action must be a string, one of failover, failback, status; received a number: 5",
    ),
    "action_a_list": ({"action": ["failover"]}, 'received an array: ["failover"]'),
    "unknown_key": (
        {"action": "failover", "force": True},
        "unknown key 'force' in the event: accepted keys are action and reason",
    ),
    "reason_not_a_string": (
        {"action": "status", "reason": 7},
        "reason must be a string of at most 500 characters",
    ),
    "reason_too_long": ({"action": "status", "reason": "x" * 501}, "reason must be a string"),
    "bare_string": (
        "failover",
        "the event is a string but not JSON (Expecting value at position 0): send a JSON",
    ),
    "truncated_json": ('{"action": "failover"', "the event is a string but not JSON"),
    "json_array_string": ('["failover"]', 'received an array: ["failover"]'),
    "action_case": ({"action": "FAILOVER"}, "unknown action 'FAILOVER'"),
}


@pytest.mark.parametrize(("event", "message"), BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_bad_payloads_are_refused_and_published(world, event, message, caplog):
    caplog.set_level(logging.INFO, "sync_cluster_sizes")
    error = world.refused(event)

    assert message in error
    assert world.writes() == []
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")
    (published,) = world.published()
    assert published["subject"].startswith("lowlat DR request refused: ")
    assert published["message"] == {
        "action": None,
        "trigger": None,
        "refused": True,
        "changed": False,
        "error": error,
        "message": f"refused: {error}",
    }
    (line,) = [json.loads(r.message) for r in caplog.records]
    assert (line["summary"], line["published"]) == (f"refused: {error}", True)


def test_a_long_refusal_makes_a_short_ascii_subject(world):
    world.refused({"action": "bascule-" + "é" * 300})
    subject = world.published()[0]["subject"]
    assert len(subject) <= 99
    assert subject.isascii()
    assert subject.endswith("...")


# --------------------------------------------------------------------------------------------------
# Refused settings
# --------------------------------------------------------------------------------------------------

REQUIRED = [
    "AWS_REGION",
    "PRIMARY_REGION",
    "PRIMARY_CLUSTER",
    "DR_CLUSTER",
    "NODE_GROUPS",
    "DR_HOST_IDS",
    "HEALTH_ALARM_NAME",
    "HEALTH_ALARM_REGION",
    "TOPIC_ARN",
]


@pytest.mark.parametrize("variable", REQUIRED)
def test_a_missing_variable_is_refused_by_name(world, variable):
    world.monkeypatch.delenv(variable)
    assert world.refused({"action": "failover"}).startswith(f"environment variable {variable} is not set")
    assert world.host_states() == dict.fromkeys(world.host_ids, "stopped")
    published = world.published()
    if variable == "TOPIC_ARN":
        assert (world.calls, published) == ([], []), "without a topic the refusal is only logged"
    else:
        assert world.calls == ["Publish"], "no AWS call but the refusal's publication"
        assert published[0]["message"]["refused"] is True


def long_dr_name() -> str:
    return "lowlat-prod-dr-" + "x" * 40  # 55 characters, 64 with -failover


MALFORMED = {
    "region_short": (
        "PRIMARY_REGION",
        "eu-west",
        'PRIMARY_REGION is malformed: "eu-west" is not an AWS region name',
    ),
    "region_is_dr": ("PRIMARY_REGION", DR_REGION, "PRIMARY_REGION is malformed: eu-west-1 is the DR region"),
    "cluster_blank": ("PRIMARY_CLUSTER", "  ", "environment variable PRIMARY_CLUSTER is empty"),
    "cluster_space": (
        "DR_CLUSTER",
        "lowlat prod",
        'DR_CLUSTER is malformed: "lowlat prod" is not an EKS cluster name',
    ),
    "groups_not_json": (
        "NODE_GROUPS",
        "{general",
        "NODE_GROUPS is malformed: not JSON (Expecting property name",
    ),
    "groups_list": ("NODE_GROUPS", "[]", "NODE_GROUPS is malformed: not a non-empty JSON object"),
    "groups_empty": ("NODE_GROUPS", "{}", "NODE_GROUPS is malformed: not a non-empty JSON object"),
    "group_lacks": (
        "NODE_GROUPS",
        json.dumps({"general": {"primary": PRIMARY_GROUP, "dr": DR_GROUP, "pilot": PILOT}}),
        'NODE_GROUPS is malformed: NODE_GROUPS["general"] lacks recorded',
    ),
    "group_unknown_key": (
        "NODE_GROUPS",
        node_groups_env(general=group_env(spare=1)),
        "NODE_GROUPS[\"general\"] has unknown key 'spare'",
    ),
    "pilot_order": (
        "NODE_GROUPS",
        node_groups_env(general=group_env(pilot={"min_size": 2, "desired_size": 1, "max_size": 2})),
        'NODE_GROUPS["general"].pilot needs min_size <= desired_size <= max_size and max_size >= 1, got 2/1/2',
    ),
    "size_a_string": (
        "NODE_GROUPS",
        node_groups_env(general=group_env(pilot={**PILOT, "max_size": "2"})),
        'NODE_GROUPS["general"].pilot.max_size is not a whole number >= 0: "2"',
    ),
    "recorded_no_types": (
        "NODE_GROUPS",
        node_groups_env(general=group_env(recorded={**RECORDED, "instance_types": []})),
        'NODE_GROUPS["general"].recorded.instance_types is not a non-empty list',
    ),
    "companion_too_long": (
        "NODE_GROUPS",
        node_groups_env(general=group_env(dr=long_dr_name())),
        f"is too long for its failover companion: '{long_dr_name()}-failover' has 64 characters, EKS allows 63",
    ),
    "dr_group_twice": (
        "NODE_GROUPS",
        node_groups_env(a=group_env(), b=group_env()),
        f"DR node group '{DR_GROUP}' is used more than once",
    ),
    "host_id": (
        "DR_HOST_IDS",
        "i-0123456789abcdef0,web-1",
        'DR_HOST_IDS is malformed: "web-1" is not an EC2 instance id',
    ),
    "alarm_region": ("HEALTH_ALARM_REGION", "global", 'HEALTH_ALARM_REGION is malformed: "global"'),
    "topic": (
        "TOPIC_ARN",
        "lowlat-prod-dr-events",
        'TOPIC_ARN is malformed: "lowlat-prod-dr-events" is not an SNS topic ARN',
    ),
    "auto_failback": ("AUTO_FAILBACK", "yes", 'AUTO_FAILBACK is malformed: "yes" is not true or false'),
}


@pytest.mark.parametrize(("variable", "value", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_variable_is_refused_by_name(world, variable, value, message):
    world.monkeypatch.setenv(variable, value)
    error = world.refused({"action": "failover"})
    assert message in error
    assert variable in error
    assert world.writes() == []
    assert [name for name in world.calls if name != "Publish"] == [], (
        "no AWS call before the settings are good"
    )
    assert len(world.published()) == (0 if variable == "TOPIC_ARN" else 1)


def test_settings_are_read_on_every_invocation(world):
    world.invoke({"action": "status"})
    world.monkeypatch.setenv("PRIMARY_REGION", "nowhere")
    assert "PRIMARY_REGION is malformed" in world.refused({"action": "status"})


# --------------------------------------------------------------------------------------------------
# Publishing, logging, clients
# --------------------------------------------------------------------------------------------------


def test_a_publish_failure_is_reported_and_does_not_undo_the_action(world, caplog):
    caplog.set_level(logging.INFO, "sync_cluster_sizes")
    world.monkeypatch.setenv("TOPIC_ARN", f"arn:aws:sns:{DR_REGION}:{ACCOUNT}:lowlat-no-such-topic")
    result = world.invoke({"action": "failover"})
    assert result["published"] is False
    assert result["changed"] is True
    assert world.nodegroup(COMPANION) is not None
    lines = [json.loads(r.message) for r in caplog.records]
    (publish,) = [line for line in lines if line.get("step") == "publish"]
    assert publish["error"].startswith("NotFound")
    assert lines[-1]["published"] is False


def test_an_unexpected_error_is_published_and_raised(world, monkeypatch):
    def broken(run: Any, group: Any) -> None:
        raise KeyError("nodegroup")

    monkeypatch.setattr(world.module, "_failover_group", broken)
    with pytest.raises(KeyError):
        world.invoke({"action": "failover"})
    (published,) = world.published()
    assert published["subject"] == "lowlat DR failover failed: KeyError: 'nodegroup'"
    assert published["message"]["failed"] is True
    assert world.writes() == []


def test_one_json_line_per_step_and_one_summary(world, caplog):
    caplog.set_level(logging.INFO, "sync_cluster_sizes")
    world.invoke({"action": "failover"})
    lines = [json.loads(r.message) for r in caplog.records]
    assert [line.get("step") for line in lines] == ["read primary", "create companion", "hosts", None]
    assert all(line["aws_request_id"] == CONTEXT.aws_request_id for line in lines)
    summary = lines[-1]
    assert summary["summary"] == "failover (manual): 1 companion group created, 2 hosts started"
    assert (summary["changed"], summary["published"], summary["errors"]) == (True, True, [])
    assert {r.levelname for r in caplog.records} == {"INFO"}


def test_clients_are_made_lazily_once_per_service_and_region_without_endpoint_overrides(world, monkeypatch):
    assert world.module._clients == {}, "no client at import time"
    made = []
    make = world.module.boto3.client
    monkeypatch.setattr(world.module.boto3, "client", lambda *a, **kw: made.append((a, kw)) or make(*a, **kw))

    world.invoke({"action": "failover"})
    world.invoke({"action": "failback"})
    world.invoke({"action": "status"})

    assert sorted(world.module._clients) == [
        ("cloudwatch", ALARM_REGION),
        ("ec2", DR_REGION),
        ("eks", DR_REGION),
        ("eks", PRIMARY_REGION),
        ("sns", DR_REGION),
    ]
    assert len(made) == 5, "one client per (service, region), kept across invocations"
    for _args, kwargs in made:
        assert set(kwargs) == {"region_name", "config"}, "AWS_ENDPOINT_URL is left to boto3"
    config = world.module.client("eks", PRIMARY_REGION).meta.config
    assert (config.connect_timeout, config.read_timeout) == (3, 10)
    assert config.retries == {"mode": "standard", "total_max_attempts": 3}
