# The AWS answers every test file of this module mocks, for both providers (standby and global).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-mock" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/99999999-9999-4999-8999-999999999999" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:us-east-1:123456789012:lowlat-test-primary-health" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/trading.example.com" }
}
mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:lowlat-test-primary-health" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-1:123456789012:rule/lowlat-test-primary-health-sync" }
}
mock_resource "aws_route53_zone" {
  defaults = { zone_id = "Z0TESTZONE000000000", name_servers = ["ns-1.awsdns-01.org"] }
}
mock_resource "aws_route53_health_check" {
  defaults = { id = "11111111-2222-3333-4444-555555555555" }
}
