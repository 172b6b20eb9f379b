# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
# Realistic ARNs for the outputs (the mock would invent random strings).
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/test/component" }
}
mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = { arn = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:lowlat-test-alarm" }
}
mock_resource "aws_cloudwatch_dashboard" {
  defaults = { dashboard_arn = "arn:aws:cloudwatch::123456789012:dashboard/lowlat-test-platform" }
}
