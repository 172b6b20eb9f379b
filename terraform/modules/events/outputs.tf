output "stream_name" {
  description = "Name of the Kinesis market data stream."
  value       = aws_kinesis_stream.market_data.name
}

output "stream_arn" {
  description = "ARN of the Kinesis market data stream (what feed handlers need kinesis:PutRecords on)."
  value       = aws_kinesis_stream.market_data.arn
}

output "firehose_name" {
  description = "Name of the Firehose delivery stream archiving the market data stream to S3."
  value       = aws_kinesis_firehose_delivery_stream.archive.name
}

output "firehose_arn" {
  description = "ARN of the Firehose delivery stream archiving the market data stream to S3."
  value       = aws_kinesis_firehose_delivery_stream.archive.arn
}

output "firehose_role_arn" {
  description = "ARN of the IAM role Firehose uses (grant it in the archive bucket's policy if that policy restricts writers)."
  value       = aws_iam_role.firehose.arn
}

output "firehose_log_group_name" {
  description = "CloudWatch log group that records the Firehose delivery errors."
  value       = aws_cloudwatch_log_group.firehose.name
}

output "archive_compression" {
  description = "Compression of the S3 objects Firehose writes: GZIP, or UNCOMPRESSED when Parquet conversion (Snappy inside) is on."
  value       = local.archive_compression
}

output "bus_name" {
  description = "Name of the EventBridge order bus the engine puts its order and execution events on."
  value       = aws_cloudwatch_event_bus.orders.name
}

output "bus_arn" {
  description = "ARN of the EventBridge order bus (what the engine needs events:PutEvents on)."
  value       = aws_cloudwatch_event_bus.orders.arn
}

output "event_rule_arns" {
  description = "ARNs of the order bus rules, by rule name."
  value       = { for rule, r in aws_cloudwatch_event_rule.this : rule => r.arn }
}

output "queue_names" {
  description = "SQS names of the order queues, by queue name (known at plan time, for dashboards and alarms)."
  value       = { for q, queue in aws_sqs_queue.order : q => queue.name }
}

output "dlq_names" {
  description = "SQS names of the order queues' dead-letter queues, by queue name."
  value       = { for q, queue in aws_sqs_queue.order_dlq : q => queue.name }
}

output "queue_urls" {
  description = "URLs of the order queues, by queue name (orders, cancels, executions)."
  value       = { for q, queue in aws_sqs_queue.order : q => queue.id }
}

output "queue_arns" {
  description = "ARNs of the order queues, by queue name."
  value       = { for q, queue in aws_sqs_queue.order : q => queue.arn }
}

output "dlq_urls" {
  description = "URLs of the order queues' dead-letter queues, by queue name."
  value       = { for q, queue in aws_sqs_queue.order_dlq : q => queue.id }
}

output "dlq_arns" {
  description = "ARNs of the order queues' dead-letter queues, by queue name."
  value       = { for q, queue in aws_sqs_queue.order_dlq : q => queue.arn }
}

output "dlq_alarm_names" {
  description = "Names of the CloudWatch alarms on the dead-letter queues (messages visible > 0), by queue name."
  value       = { for q, alarm in aws_cloudwatch_metric_alarm.order_dlq : q => alarm.alarm_name }
}

output "ops_notifications_queue_url" {
  description = "URL of the ops notifications queue subscribed to the notifications topic."
  value       = aws_sqs_queue.ops_notifications.id
}

output "ops_notifications_queue_arn" {
  description = "ARN of the ops notifications queue subscribed to the notifications topic."
  value       = aws_sqs_queue.ops_notifications.arn
}

output "alert_topic_arn" {
  description = "ARN of the alerts SNS topic (DLQ alarms publish here; observability's alarms should too)."
  value       = aws_sns_topic.alerts.arn
}

output "notification_topic_arn" {
  description = "ARN of the notifications SNS topic (delivered to the ops notifications queue)."
  value       = aws_sns_topic.notifications.arn
}
