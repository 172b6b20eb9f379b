# The EventBridge order bus: encrypted with the orders CMK, one enabled rule per event_rules entry
# matching source lowlat.engine and its detail-types, each delivering to its order queue with
# retries and the queue's DLQ as dead-letter target; the rules and targets follow the inputs.
# Offline: every AWS answer comes from the mock (tests/mocks gives the default queues and rules
# distinct ARNs).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "the_bus_is_encrypted_with_the_orders_key" {
  command = apply

  assert {
    condition     = aws_cloudwatch_event_bus.orders.name == "lowlat-test-orders" && aws_cloudwatch_event_bus.orders.kms_key_identifier == var.orders_kms_key_arn
    error_message = "The custom bus <name>-orders is encrypted with the orders CMK."
  }
  assert {
    condition     = output.bus_name == aws_cloudwatch_event_bus.orders.name && output.bus_arn == aws_cloudwatch_event_bus.orders.arn
    error_message = "bus_name and bus_arn name the order bus."
  }
}

run "default_rules_route_engine_events_to_their_queues" {
  command = apply

  assert {
    condition     = keys(aws_cloudwatch_event_rule.this) == ["execution-reported", "order-cancel-requested", "order-routed"]
    error_message = "order-routed, order-cancel-requested and execution-reported exist by default."
  }
  assert {
    condition = alltrue([for rule, r in aws_cloudwatch_event_rule.this : (
      r.name == "lowlat-test-${rule}" && r.event_bus_name == aws_cloudwatch_event_bus.orders.name && r.state == "ENABLED"
    )])
    error_message = "Rules are named <name>-<rule>, live on the order bus and are enabled."
  }
  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.this["order-routed"].event_pattern) == { source = ["lowlat.engine"], "detail-type" = ["OrderRouted"] } &&
      jsondecode(aws_cloudwatch_event_rule.this["order-cancel-requested"].event_pattern) == { source = ["lowlat.engine"], "detail-type" = ["OrderCancelRequested"] } &&
      jsondecode(aws_cloudwatch_event_rule.this["execution-reported"].event_pattern) == { source = ["lowlat.engine"], "detail-type" = ["ExecutionReported"] }
    )
    error_message = "Each rule matches source lowlat.engine and exactly its detail-type."
  }
  assert {
    condition = (
      aws_cloudwatch_event_target.this["order-routed"].arn == aws_sqs_queue.order["orders"].arn &&
      aws_cloudwatch_event_target.this["order-cancel-requested"].arn == aws_sqs_queue.order["cancels"].arn &&
      aws_cloudwatch_event_target.this["execution-reported"].arn == aws_sqs_queue.order["executions"].arn
    )
    error_message = "order-routed delivers to orders, order-cancel-requested to cancels, execution-reported to executions."
  }
  assert {
    condition = alltrue([for rule, t in aws_cloudwatch_event_target.this : (
      t.rule == aws_cloudwatch_event_rule.this[rule].name && t.event_bus_name == aws_cloudwatch_event_bus.orders.name
    )])
    error_message = "Each target hangs off its own rule on the order bus."
  }
  assert {
    condition = (
      aws_cloudwatch_event_target.this["order-routed"].dead_letter_config[0].arn == aws_sqs_queue.order_dlq["orders"].arn &&
      aws_cloudwatch_event_target.this["execution-reported"].dead_letter_config[0].arn == aws_sqs_queue.order_dlq["executions"].arn
    )
    error_message = "Undeliverable events go to the target queue's own DLQ (whose alarm then fires)."
  }
  assert {
    condition = alltrue([for t in values(aws_cloudwatch_event_target.this) : (
      t.retry_policy[0].maximum_event_age_in_seconds == 3600 && t.retry_policy[0].maximum_retry_attempts == 185
    )])
    error_message = "Targets retry for up to an hour."
  }
  assert {
    condition     = output.event_rule_arns["order-routed"] == "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/lowlat-test-order-routed" && length(output.event_rule_arns) == 3
    error_message = "event_rule_arns maps rule names to ARNs."
  }
}

run "rules_and_source_follow_the_inputs" {
  command = plan

  variables {
    event_source = "lowlat.engine.ldn1"
    order_queues = ["orders", "executions"]
    event_rules = {
      "order-lifecycle" = { detail_types = ["OrderRouted", "OrderAmended", "OrderCancelled"], queue = "orders" }
      "fills"           = { detail_types = ["ExecutionReported"], queue = "executions" }
    }
  }

  assert {
    condition     = keys(aws_cloudwatch_event_rule.this) == ["fills", "order-lifecycle"] && keys(aws_cloudwatch_event_target.this) == ["fills", "order-lifecycle"]
    error_message = "event_rules decides the rules and targets."
  }
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this["order-lifecycle"].event_pattern) == {
      source        = ["lowlat.engine.ldn1"]
      "detail-type" = ["OrderRouted", "OrderAmended", "OrderCancelled"]
    }
    error_message = "A rule matches the given source and all its detail-types."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["fills"].target_id == "executions-queue" && aws_cloudwatch_event_target.this["order-lifecycle"].target_id == "orders-queue"
    error_message = "Target ids name the queue they deliver to."
  }
}
