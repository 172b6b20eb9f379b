output "log_group_names" {
  description = "Log group names keyed by component (/lowlat/<env>/<component>)."
  value       = { for component, group in aws_cloudwatch_log_group.this : component => group.name }
}

output "log_group_arns" {
  description = "Log group ARNs keyed by component."
  value       = { for component, group in aws_cloudwatch_log_group.this : component => group.arn }
}

output "dashboard_name" {
  description = "Name of the platform's CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_names" {
  description = "Alarm names keyed by alarm (engine_execution_delay, engine_kill_switch, kinesis_iterator_age, rds_cpu_high, rds_free_storage_low, rds_replica_lag, engine_kill_switch_log, queue_message_age:<queue>, dead_letter_messages:<queue>)."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.alarm_name }
}

output "alarm_arns" {
  description = "Alarm ARNs keyed like alarm_names."
  value       = { for key, alarm in aws_cloudwatch_metric_alarm.this : key => alarm.arn }
}

output "engine_metrics" {
  description = "Where the engine's publisher sends its custom metrics: namespace, dimensions (Env=<env>) and metric names (execution_delay, orders_per_second, kill_switch), as the alarms and the dashboard read them."
  value = {
    namespace    = var.engine_metrics_namespace
    dimensions   = local.engine_dimensions
    metric_names = var.engine_metric_names
  }
}
