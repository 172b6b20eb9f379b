# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
# The provider checks that the ARNs and IDs it receives look like ARNs and IDs: every mocked
# resource gets one (a run that tells instances apart overrides them with override_resource).
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/mock" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-mock" }
}
mock_resource "aws_ecs_cluster" {
  defaults = { arn = "arn:aws:ecs:eu-west-2:123456789012:cluster/lowlat-test-apps" }
}
mock_resource "aws_ecs_task_definition" {
  defaults = { arn = "arn:aws:ecs:eu-west-2:123456789012:task-definition/lowlat-test-mock:1" }
}
mock_resource "aws_ecs_service" {
  defaults = { id = "arn:aws:ecs:eu-west-2:123456789012:service/lowlat-test-apps/mock" }
}
mock_resource "aws_lb" {
  defaults = {
    arn      = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/lowlat-test-apps/0123456789abcdef"
    dns_name = "lowlat-test-apps-123456789.eu-west-2.elb.amazonaws.com"
    zone_id  = "ZHURV8PSTC4K8"
  }
}
mock_resource "aws_lb_target_group" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/lowlat-test-mock/0123456789abcdef" }
}
mock_resource "aws_lb_listener" {
  defaults = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:listener/app/lowlat-test-apps/0123456789abcdef/0123456789abcdef" }
}
mock_resource "aws_security_group" {
  defaults = { id = "sg-0123456789abcdef0" }
}
