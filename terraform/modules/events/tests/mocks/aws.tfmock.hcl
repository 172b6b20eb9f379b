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
# The provider checks that the ARNs it receives are ARNs: every mocked resource gets one (a run
# that compares ARNs overrides the instances it tells apart with override_resource).
mock_resource "aws_kinesis_stream" {
  defaults = { arn = "arn:aws:kinesis:eu-west-2:123456789012:stream/lowlat-test-market-data" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-market-data-archive" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/kinesisfirehose/lowlat-test-market-data-archive" }
}
mock_resource "aws_kinesis_firehose_delivery_stream" {
  defaults = { arn = "arn:aws:firehose:eu-west-2:123456789012:deliverystream/lowlat-test-market-data-archive" }
}
mock_resource "aws_cloudwatch_event_bus" {
  defaults = { arn = "arn:aws:events:eu-west-2:123456789012:event-bus/lowlat-test-orders" }
}
mock_resource "aws_cloudwatch_event_rule" {
  defaults = { arn = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/mock-rule" }
}
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-mock-queue"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-mock-queue"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-mock-queue"
  }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-mock-topic" }
}

# Distinct ARNs and URLs for the default queues, rules and the two topics, so that tests can tell
# which queue a target, redrive policy or alarm points at.
override_resource {
  target = aws_sqs_queue.order["orders"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders"
  }
}
override_resource {
  target = aws_sqs_queue.order["cancels"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-cancels"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-cancels"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-cancels"
  }
}
override_resource {
  target = aws_sqs_queue.order["executions"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-executions"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-executions"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-executions"
  }
}
override_resource {
  target = aws_sqs_queue.order_dlq["orders"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders-dlq"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders-dlq"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders-dlq"
  }
}
override_resource {
  target = aws_sqs_queue.order_dlq["cancels"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-cancels-dlq"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-cancels-dlq"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-cancels-dlq"
  }
}
override_resource {
  target = aws_sqs_queue.order_dlq["executions"]
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-executions-dlq"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-executions-dlq"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-executions-dlq"
  }
}
override_resource {
  target = aws_sqs_queue.ops_notifications
  values = {
    arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-ops-notifications"
    id  = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-ops-notifications"
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-ops-notifications"
  }
}
override_resource {
  target = aws_cloudwatch_event_rule.this["order-routed"]
  values = { arn = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/lowlat-test-order-routed" }
}
override_resource {
  target = aws_cloudwatch_event_rule.this["order-cancel-requested"]
  values = { arn = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/lowlat-test-order-cancel-requested" }
}
override_resource {
  target = aws_cloudwatch_event_rule.this["execution-reported"]
  values = { arn = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/lowlat-test-execution-reported" }
}
override_resource {
  target = aws_sns_topic.notifications
  values = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-notifications" }
}
override_resource {
  target = aws_sns_topic.alerts
  values = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts" }
}
