# The AWS answers both test files of the stack mock (mock_provider "aws" { source = "./tests/mocks" }).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
# The provider checks the policy arguments it receives for valid JSON.
mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
# A c5n-ready image unless a run overrides it.
mock_data "aws_ami" {
  defaults = { ena_support = true, architecture = "x86_64" }
}
# One trading AZ: each role's availability_zone output needs its hosts to agree.
mock_resource "aws_instance" {
  defaults = { availability_zone = "eu-west-2a" }
}
# The provider checks the flow log's destination and role, and the log groups' keys, are ARNs.
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-prod/vpc-flow-logs" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-prod-vpc-flow-logs" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }
}
# IDs the child modules' input validations accept once they are known (apply).
mock_resource "aws_vpc" {
  defaults = { id = "vpc-0123456789abcdef0" }
}
mock_resource "aws_subnet" {
  defaults = { id = "subnet-0123456789abcdef0" }
}
mock_resource "aws_route_table" {
  defaults = { id = "rtb-0123456789abcdef0" }
}
mock_resource "aws_security_group" {
  defaults = { id = "sg-0123456789abcdef0" }
}
# (from modules/security/tests/mocks)
# The provider checks these arguments for ARNs: the SNS topic policy's topic and the WAF logging
# configuration's web ACL and log group.
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-cloudtrail-deliveries" }
}
# (from modules/security/tests/mocks)
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/lowlat-test-regional/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }
}
# (from modules/events/tests/mocks)
# The provider checks that the ARNs it receives are ARNs: every mocked resource gets one (a run
# that compares ARNs overrides the instances it tells apart with override_resource).
mock_resource "aws_kinesis_stream" {
  defaults = { arn = "arn:aws:kinesis:eu-west-2:123456789012:stream/lowlat-test-market-data" }
}
# (from modules/events/tests/mocks)
mock_resource "aws_kinesis_firehose_delivery_stream" {
  defaults = { arn = "arn:aws:firehose:eu-west-2:123456789012:deliverystream/lowlat-test-market-data-archive" }
}
# (from modules/events/tests/mocks)
mock_resource "aws_cloudwatch_event_bus" {
  defaults = { arn = "arn:aws:events:eu-west-2:123456789012:event-bus/lowlat-test-orders" }
}
# (from modules/events/tests/mocks)
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/mock-rule" }
}
# (from modules/events/tests/mocks)
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-mock-queue"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-mock-queue"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-mock-queue"
  }
}
# (from modules/data/tests/mocks)
# RDS reports the secret it manages for the master user; the endpoint and port are computed.
mock_resource "aws_db_instance" {
  defaults = {
    arn         = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-test-trades"
    address     = "lowlat-test-trades.abcdefghijkl.eu-west-2.rds.amazonaws.com"
    port        = 5432
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-2:123456789012:key/66666666-6666-6666-6666-666666666666"
      secret_status = "active"
    }]
  }
}
# (from modules/data/tests/mocks)
mock_resource "aws_efs_file_system" {
  defaults = {
    id  = "fs-0123456789abcdef0"
    arn = "arn:aws:elasticfilesystem:eu-west-2:123456789012:file-system/fs-0123456789abcdef0"
  }
}
# (from modules/data/tests/mocks)
mock_resource "aws_efs_access_point" {
  defaults = {
    id  = "fsap-0123456789abcdef0"
    arn = "arn:aws:elasticfilesystem:eu-west-2:123456789012:access-point/fsap-0123456789abcdef0"
  }
}
# (from modules/observability/tests/mocks)
mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:lowlat-test-alarm" }
}
# (from modules/observability/tests/mocks)
mock_resource "aws_cloudwatch_dashboard" {
  defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/lowlat-test-platform" }
}
# ARNs the platform modules' input checks accept.
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::lowlat-prod-123456789012-mock" }
}
mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-mock" }
}
# (application platform) IDs and ARNs the security, serverless and cicd modules' validations check
# once they are known: the load balancer the WAF protects, the endpoints the private API accepts.
mock_resource "aws_lb" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/lowlat-prod/0123456789abcdef" }
}
mock_resource "aws_vpc_endpoint" {
  defaults = { id = "vpce-0123456789abcdef0", prefix_list_id = "pl-0123456789abcdef0" }
}
# (from modules/ecs_service/tests/mocks)
mock_resource "aws_ecs_cluster" {
  defaults = { arn = "arn:aws:ecs:eu-west-2:123456789012:cluster/lowlat-test-apps" }
}
# (from modules/ecs_service/tests/mocks)
mock_resource "aws_ecs_task_definition" {
  defaults = { arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/lowlat-test-mock:1" }
}
# (from modules/ecs_service/tests/mocks)
mock_resource "aws_ecs_service" {
  defaults = { id = "arn:aws:ecs:eu-west-2:123456789012:service/lowlat-test-apps/mock" }
}
# (from modules/ecs_service/tests/mocks)
mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/lowlat-test-mock/0123456789abcdef" }
}
# (from modules/ecs_service/tests/mocks)
mock_resource "aws_lb_listener" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/lowlat-test-apps/0123456789abcdef/0123456789abcdef" }
}
# (from modules/eks_cluster/tests/mocks)
mock_resource "aws_eks_cluster" {
  defaults = {
    arn                   = "arn:aws:eks:eu-west-2:123456789012:cluster/lowlat-test"
    endpoint              = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-2.eks.amazonaws.com"
    certificate_authority = [{ data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" }]
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" }] }]
  }
}
# (from modules/eks_cluster/tests/mocks)
mock_resource "aws_iam_openid_connect_provider" {
  defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" }
}
# (from modules/eks_cluster/tests/mocks)
mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0123456789abcdef0"
    latest_version = 1
  }
}
# (from modules/eks_cluster/tests/mocks)
mock_resource "aws_eks_node_group" {
  defaults = { arn = "arn:aws:eks:eu-west-2:123456789012:nodegroup/lowlat-test/mock/01234567-89ab-cdef-0123-456789abcdef" }
}
# (from modules/serverless/tests/mocks)
mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-order-status"
    invoke_arn = "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-order-status/invocations"
  }
}
# (from modules/serverless/tests/mocks)
mock_resource "aws_lambda_code_signing_config" {
  defaults = { arn = "arn:aws:lambda:eu-west-2:123456789012:code-signing-config:csc-0123456789abcdef0" }
}
# (from modules/serverless/tests/mocks)
mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "a1b2c3d4e5"
    root_resource_id = "r00tr00t01"
    execution_arn    = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5"
    arn              = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5"
  }
}
# (from modules/serverless/tests/mocks)
mock_resource "aws_api_gateway_stage" {
  defaults = {
    invoke_url = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1"
    arn        = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5/stages/v1"
  }
}
# (from modules/cicd/tests/mocks)
mock_resource "aws_codecommit_repository" {
  defaults = {
    arn            = "arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"
    clone_url_http = "https://git-codecommit.eu-west-2.amazonaws.com/v1/repos/lowlat-test"
    clone_url_ssh  = "ssh://git-codecommit.eu-west-2.amazonaws.com/v1/repos/lowlat-test"
  }
}
# (from modules/cicd/tests/mocks)
mock_resource "aws_codepipeline" {
  defaults = { arn = "arn:aws:codepipeline:eu-west-2:123456789012:lowlat-test-terraform" }
}
# (from modules/cicd/tests/mocks)
mock_resource "aws_codebuild_project" {
  defaults = { arn = "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-mock" }
}
