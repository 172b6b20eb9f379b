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
# The provider checks that the ARNs and IDs it receives look right: every mocked resource gets
# one (a run that tells instances apart overrides them with override_resource).
mock_resource "aws_lambda_function" {
  defaults = {
    arn        = "arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-order-status"
    invoke_arn = "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-order-status/invocations"
  }
}
mock_resource "aws_lambda_code_signing_config" {
  defaults = { arn = "arn:aws:lambda:eu-west-2:123456789012:code-signing-config:csc-0123456789abcdef0" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-order-status" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/lowlat-test-order-status" }
}
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-order-status-dlq"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-order-status-dlq"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-order-status-dlq"
  }
}
mock_resource "aws_security_group" {
  defaults = {
    id  = "sg-0f0f0f0f0f0f0f0f0"
    arn = "arn:aws:ec2:eu-west-2:123456789012:security-group/sg-0f0f0f0f0f0f0f0f0"
  }
}
mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "a1b2c3d4e5"
    root_resource_id = "r00tr00t01"
    execution_arn    = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5"
    arn              = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5"
  }
}
mock_resource "aws_api_gateway_stage" {
  defaults = {
    invoke_url = "https://a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com/v1"
    arn        = "arn:aws:apigateway:eu-west-2::/restapis/a1b2c3d4e5/stages/v1"
  }
}
