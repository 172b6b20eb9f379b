################################################################################
# SQS: the order queues, a dead-letter queue each, and an alarm per dead-letter queue
################################################################################

locals {
  dlq_retention_seconds = 1209600 # 14 days, SQS's maximum: time to inspect and redrive
}

resource "aws_sqs_queue" "order_dlq" {
  for_each = local.order_queues

  name                              = "${var.name}-${each.key}-dlq"
  delay_seconds                     = 0
  message_retention_seconds         = local.dlq_retention_seconds
  visibility_timeout_seconds        = var.queue_visibility_timeout_seconds
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = var.orders_kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-dlq", "lowlat:queue" = each.key })
}

resource "aws_sqs_queue" "order" {
  for_each = local.order_queues

  name                              = "${var.name}-${each.key}"
  delay_seconds                     = 0
  message_retention_seconds         = var.queue_message_retention_seconds
  visibility_timeout_seconds        = var.queue_visibility_timeout_seconds
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = var.orders_kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.order_dlq[each.key].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "lowlat:queue" = each.key })
}

# Only its own order queue may use a dead-letter queue (a separate resource: the queue's redrive
# policy already names the DLQ, the DLQ naming the queue inline would be a cycle).
resource "aws_sqs_queue_redrive_allow_policy" "order_dlq" {
  for_each = var.enable_dlq_redrive_allow_policy ? local.order_queues : toset([])

  queue_url = aws_sqs_queue.order_dlq[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.order[each.key].arn]
  })
}

locals {
  # Statement that refuses any request to a queue not made over TLS.
  queue_tls_only = { for q in var.order_queues : q => {
    order = {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.order[q].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    dlq = {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.order_dlq[q].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  } }
  # The rules that deliver to each queue (their ARNs), for the queue and its DLQ's policies.
  rule_arns_by_queue = { for q, rules in local.rules_by_queue : q => [for rule in rules : aws_cloudwatch_event_rule.this[rule].arn] }
}

resource "aws_sqs_queue_policy" "order" {
  for_each = local.order_queues

  queue_url = aws_sqs_queue.order[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [local.queue_tls_only[each.key].order],
      length(local.rule_arns_by_queue[each.key]) == 0 ? [] : [{
        Sid       = "EventBridgeRulesOfThisQueue"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.order[each.key].arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.rule_arns_by_queue[each.key] } }
      }],
    )
  })
}

# The same rules may dead-letter undeliverable events into the DLQ.
resource "aws_sqs_queue_policy" "order_dlq" {
  for_each = local.order_queues

  queue_url = aws_sqs_queue.order_dlq[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [local.queue_tls_only[each.key].dlq],
      length(local.rule_arns_by_queue[each.key]) == 0 ? [] : [{
        Sid       = "EventBridgeDeadLettersOfThisQueue"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.order_dlq[each.key].arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.rule_arns_by_queue[each.key] } }
      }],
    )
  })
}

resource "aws_cloudwatch_metric_alarm" "order_dlq" {
  for_each = var.create_dlq_alarms ? local.order_queues : toset([])

  alarm_name        = "${var.name}-${each.key}-dlq-not-empty"
  alarm_description = "Messages in ${aws_sqs_queue.order_dlq[each.key].name}: orders or events of the ${each.key} queue failed processing or delivery."
  namespace         = "AWS/SQS"
  metric_name       = "ApproximateNumberOfMessagesVisible"
  dimensions        = { QueueName = aws_sqs_queue.order_dlq[each.key].name }

  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  actions_enabled = true
  alarm_actions   = [aws_sns_topic.alerts.arn]
  ok_actions      = [aws_sns_topic.alerts.arn]

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-dlq-not-empty" })
}

################################################################################
# The ops notifications queue (subscribed to the notifications topic)
################################################################################

resource "aws_sqs_queue" "ops_notifications" {
  name                              = "${var.name}-ops-notifications"
  delay_seconds                     = 0
  message_retention_seconds         = 1209600
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = var.orders_kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = merge(local.tags, { Name = "${var.name}-ops-notifications" })
}

resource "aws_sqs_queue_policy" "ops_notifications" {
  queue_url = aws_sqs_queue.ops_notifications.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.ops_notifications.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "NotificationsTopicOnly"
        Effect    = "Allow"
        Principal = { Service = "sns.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.ops_notifications.arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.notifications.arn } }
      },
    ]
  })
}
