# The order queues: one per order_queues name, encrypted with the orders CMK, no delay, their
# retention; a 14-day dead-letter queue each with the redrive policy (maxReceiveCount) and a
# redrive-allow policy naming only its own queue; queue policies that admit only the rules routed
# to that queue (and TLS only); an alarm per DLQ to the alerts topic; the ops notifications queue.
# Offline: every AWS answer comes from the mock (tests/mocks gives the default queues, rules and
# topics distinct ARNs).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "one_encrypted_queue_and_dlq_per_name" {
  command = apply

  assert {
    condition     = keys(aws_sqs_queue.order) == ["cancels", "executions", "orders"] && keys(aws_sqs_queue.order_dlq) == ["cancels", "executions", "orders"]
    error_message = "orders, cancels and executions each get a queue and a dead-letter queue by default."
  }
  assert {
    condition     = alltrue([for q, queue in aws_sqs_queue.order : queue.name == "lowlat-test-${q}" && aws_sqs_queue.order_dlq[q].name == "lowlat-test-${q}-dlq"])
    error_message = "Queues are named <name>-<queue>, their DLQs <name>-<queue>-dlq."
  }
  assert {
    condition = alltrue([for queue in concat(values(aws_sqs_queue.order), values(aws_sqs_queue.order_dlq), [aws_sqs_queue.ops_notifications]) : (
      queue.kms_master_key_id == var.orders_kms_key_arn && queue.kms_data_key_reuse_period_seconds == 300 && !queue.sqs_managed_sse_enabled
    )])
    error_message = "Every queue (order, DLQ, ops notifications) is encrypted with the orders CMK, not SQS-managed keys."
  }
  assert {
    condition     = alltrue([for queue in concat(values(aws_sqs_queue.order), values(aws_sqs_queue.order_dlq)) : queue.delay_seconds == 0])
    error_message = "No queue delays messages."
  }
  assert {
    condition     = alltrue([for queue in values(aws_sqs_queue.order) : queue.message_retention_seconds == 1209600 && queue.visibility_timeout_seconds == 30 && queue.receive_wait_time_seconds == 20])
    error_message = "Order queues keep messages 14 days by default, hide them 30 s when received, and long-poll 20 s."
  }
  assert {
    condition     = alltrue([for queue in values(aws_sqs_queue.order_dlq) : queue.message_retention_seconds == 1209600])
    error_message = "Dead-letter queues keep messages 14 days."
  }
  assert {
    condition = (
      aws_sqs_queue.order["orders"].tags["lowlat:queue"] == "orders" && aws_sqs_queue.order_dlq["orders"].tags["Name"] == "lowlat-test-orders-dlq" &&
      aws_sqs_queue.order_dlq["cancels"].tags["lowlat:module"] == "events"
    )
    error_message = "Queues carry their Name, lowlat:queue and the module tags."
  }
  assert {
    condition = (
      output.queue_urls == { cancels = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-cancels", executions = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-executions", orders = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders" } &&
      output.queue_arns == { cancels = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-cancels", executions = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-executions", orders = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders" } &&
      output.dlq_urls["orders"] == "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders-dlq" &&
      output.dlq_arns == { cancels = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-cancels-dlq", executions = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-executions-dlq", orders = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders-dlq" }
    )
    error_message = "Queue and DLQ URLs and ARNs are output as maps by queue name."
  }
}

run "each_queue_redrives_to_its_own_dlq_and_only_it_may" {
  command = apply

  assert {
    condition = alltrue([for q, queue in aws_sqs_queue.order : jsondecode(queue.redrive_policy) == {
      deadLetterTargetArn = aws_sqs_queue.order_dlq[q].arn
      maxReceiveCount     = 5
    }])
    error_message = "Each order queue moves a message to its own DLQ after 5 receives."
  }
  assert {
    condition = alltrue([for q, allow in aws_sqs_queue_redrive_allow_policy.order_dlq : (
      allow.queue_url == aws_sqs_queue.order_dlq[q].id &&
      jsondecode(allow.redrive_allow_policy) == { redrivePermission = "byQueue", sourceQueueArns = [aws_sqs_queue.order[q].arn] }
    )])
    error_message = "Each DLQ accepts dead letters from its own queue only (redrive-allow byQueue)."
  }
}

run "max_receive_count_and_retention_follow_the_inputs" {
  command = apply

  variables {
    max_receive_count                = 1000
    queue_message_retention_seconds  = 60
    queue_visibility_timeout_seconds = 900
  }

  assert {
    condition     = alltrue([for queue in values(aws_sqs_queue.order) : jsondecode(queue.redrive_policy).maxReceiveCount == 1000])
    error_message = "max_receive_count reaches every redrive policy."
  }
  assert {
    condition     = alltrue([for queue in values(aws_sqs_queue.order) : queue.message_retention_seconds == 60 && queue.visibility_timeout_seconds == 900])
    error_message = "Retention and visibility timeout reach the order queues."
  }
  assert {
    condition     = alltrue([for queue in values(aws_sqs_queue.order_dlq) : queue.message_retention_seconds == 1209600])
    error_message = "The DLQs keep 14 days whatever the order queues keep."
  }
}

run "queue_policies_admit_only_the_rule_routed_to_that_queue" {
  command = apply

  assert {
    condition = jsondecode(aws_sqs_queue_policy.order["orders"].policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sqs:*"
          Resource  = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders"
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
        {
          Sid       = "EventBridgeRulesOfThisQueue"
          Effect    = "Allow"
          Principal = { Service = "events.amazonaws.com" }
          Action    = "sqs:SendMessage"
          Resource  = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders"
          Condition = { ArnEquals = { "aws:SourceArn" = ["arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders/lowlat-test-order-routed"] } }
        },
      ]
    }
    error_message = "The orders queue refuses non-TLS requests and lets EventBridge send only from the order-routed rule."
  }
  assert {
    condition = (
      jsondecode(aws_sqs_queue_policy.order["executions"].policy).Statement[1].Condition.ArnEquals["aws:SourceArn"] == [aws_cloudwatch_event_rule.this["execution-reported"].arn] &&
      jsondecode(aws_sqs_queue_policy.order["cancels"].policy).Statement[1].Condition.ArnEquals["aws:SourceArn"] == [aws_cloudwatch_event_rule.this["order-cancel-requested"].arn]
    )
    error_message = "executions admits only execution-reported, cancels only order-cancel-requested."
  }
  assert {
    condition     = alltrue([for q, p in aws_sqs_queue_policy.order : p.queue_url == aws_sqs_queue.order[q].id && jsondecode(p.policy).Statement[1].Resource == aws_sqs_queue.order[q].arn])
    error_message = "Each policy is attached to, and speaks of, its own queue."
  }
  assert {
    condition = alltrue([for q, p in aws_sqs_queue_policy.order_dlq : (
      p.queue_url == aws_sqs_queue.order_dlq[q].id &&
      jsondecode(p.policy).Statement[0] == { Sid = "DenyInsecureTransport", Effect = "Deny", Principal = "*", Action = "sqs:*", Resource = aws_sqs_queue.order_dlq[q].arn, Condition = { Bool = { "aws:SecureTransport" = "false" } } } &&
      jsondecode(p.policy).Statement[1].Principal == { Service = "events.amazonaws.com" } &&
      jsondecode(p.policy).Statement[1].Action == "sqs:SendMessage" &&
      jsondecode(p.policy).Statement[1].Condition.ArnEquals["aws:SourceArn"] == jsondecode(aws_sqs_queue_policy.order[q].policy).Statement[1].Condition.ArnEquals["aws:SourceArn"]
    )])
    error_message = "Each DLQ is TLS-only and takes EventBridge dead letters from the same rules as its queue."
  }
  assert {
    condition = alltrue([for p in concat(values(aws_sqs_queue_policy.order), values(aws_sqs_queue_policy.order_dlq), [aws_sqs_queue_policy.ops_notifications]) : alltrue([
      for s in jsondecode(p.policy).Statement : s.Effect == "Deny" || (s.Principal != "*" && can(s.Condition))
    ])])
    error_message = "No queue policy allows anything to everyone or without a condition."
  }
}

run "a_queue_no_rule_targets_gets_no_eventbridge_grant" {
  command = apply

  variables {
    order_queues = ["orders", "fills"]
    event_rules = {
      "order-routed" = { detail_types = ["OrderRouted", "OrderAmended"], queue = "orders" }
      "order-filled" = { detail_types = ["OrderFilled"], queue = "orders" }
    }
  }

  assert {
    condition     = keys(aws_sqs_queue.order) == ["fills", "orders"] && aws_sqs_queue.order["fills"].name == "lowlat-test-fills"
    error_message = "order_queues decides which queues exist."
  }
  assert {
    condition     = [for s in jsondecode(aws_sqs_queue_policy.order["fills"].policy).Statement : s.Sid] == ["DenyInsecureTransport"]
    error_message = "A queue that no rule targets only refuses non-TLS requests: EventBridge gets no grant."
  }
  assert {
    condition = (
      toset(jsondecode(aws_sqs_queue_policy.order["orders"].policy).Statement[1].Condition.ArnEquals["aws:SourceArn"]) ==
      toset([aws_cloudwatch_event_rule.this["order-routed"].arn, aws_cloudwatch_event_rule.this["order-filled"].arn])
    )
    error_message = "A queue two rules target admits both of them."
  }
  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.order_dlq) == ["fills", "orders"]
    error_message = "Every DLQ has its alarm."
  }
}

run "an_alarm_per_dlq_fires_on_any_visible_message" {
  command = apply

  assert {
    condition     = keys(aws_cloudwatch_metric_alarm.order_dlq) == ["cancels", "executions", "orders"]
    error_message = "One alarm per dead-letter queue."
  }
  assert {
    condition = alltrue([for q, alarm in aws_cloudwatch_metric_alarm.order_dlq : (
      alarm.alarm_name == "lowlat-test-${q}-dlq-not-empty" &&
      alarm.namespace == "AWS/SQS" &&
      alarm.metric_name == "ApproximateNumberOfMessagesVisible" &&
      alarm.dimensions == tomap({ QueueName = aws_sqs_queue.order_dlq[q].name }) &&
      alarm.statistic == "Maximum" &&
      alarm.comparison_operator == "GreaterThanThreshold" &&
      alarm.threshold == 0 &&
      alarm.period == 60 &&
      alarm.evaluation_periods == 1 &&
      alarm.treat_missing_data == "notBreaching"
    )])
    error_message = "Each alarm watches its own DLQ's ApproximateNumberOfMessagesVisible > 0 over one minute."
  }
  assert {
    condition = alltrue([for alarm in values(aws_cloudwatch_metric_alarm.order_dlq) : (
      alarm.actions_enabled && alarm.alarm_actions == toset([aws_sns_topic.alerts.arn]) && alarm.ok_actions == toset([aws_sns_topic.alerts.arn])
    )])
    error_message = "Alarms notify the alerts topic (and again when the DLQ is empty)."
  }
  assert {
    condition     = output.dlq_alarm_names == { cancels = "lowlat-test-cancels-dlq-not-empty", executions = "lowlat-test-executions-dlq-not-empty", orders = "lowlat-test-orders-dlq-not-empty" }
    error_message = "dlq_alarm_names maps each queue name to its alarm."
  }
}

run "ops_notifications_queue_takes_only_the_notifications_topic" {
  command = apply

  assert {
    condition     = aws_sqs_queue.ops_notifications.name == "lowlat-test-ops-notifications" && aws_sqs_queue.ops_notifications.message_retention_seconds == 1209600
    error_message = "The ops notifications queue is <name>-ops-notifications and keeps 14 days."
  }
  assert {
    condition = jsondecode(aws_sqs_queue_policy.ops_notifications.policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sqs:*"
          Resource  = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-ops-notifications"
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
        {
          Sid       = "NotificationsTopicOnly"
          Effect    = "Allow"
          Principal = { Service = "sns.amazonaws.com" }
          Action    = "sqs:SendMessage"
          Resource  = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-ops-notifications"
          Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-notifications" } }
        },
      ]
    }
    error_message = "Only the notifications topic may send to the ops queue, over TLS."
  }
  assert {
    condition     = aws_sqs_queue_policy.ops_notifications.queue_url == aws_sqs_queue.ops_notifications.id
    error_message = "The policy is attached to the ops notifications queue."
  }
}

# Emulator switch (README "Emulator gaps"): off leaves out only the DLQs' redrive-allow policies.
run "redrive_allow_switch_off_leaves_out_only_the_redrive_allow_policies" {
  command = plan

  variables {
    enable_dlq_redrive_allow_policy = false
  }

  assert {
    condition     = length(aws_sqs_queue_redrive_allow_policy.order_dlq) == 0
    error_message = "With the switch off no DLQ gets a redrive-allow policy."
  }
  assert {
    condition     = length(aws_sqs_queue.order_dlq) == 3 && length(aws_sqs_queue_policy.order_dlq) == 3 && length(aws_cloudwatch_metric_alarm.order_dlq) == 3
    error_message = "The DLQs, their policies and alarms stay."
  }
}

run "redrive_allow_switch_on_again_restores_them" {
  command = plan

  assert {
    condition     = keys(aws_sqs_queue_redrive_allow_policy.order_dlq) == ["cancels", "executions", "orders"]
    error_message = "By default every DLQ has its redrive-allow policy."
  }
}

run "dlq_alarms_can_be_left_to_another_module" {
  command = plan

  variables {
    create_dlq_alarms = false
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.order_dlq) == 0 && output.dlq_alarm_names == {}
    error_message = "With create_dlq_alarms off no DLQ alarm is made."
  }
  assert {
    condition     = length(aws_sqs_queue.order_dlq) == 3 && output.dlq_names == { cancels = "lowlat-test-cancels-dlq", executions = "lowlat-test-executions-dlq", orders = "lowlat-test-orders-dlq" }
    error_message = "The DLQs stay, and their names are known at plan time."
  }
}
