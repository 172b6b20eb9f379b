output "zone_id" {
  description = "ID of the hosted zone holding the failover records."
  value       = local.zone_id
}

output "name_servers" {
  description = "Name servers of the created zone (delegate the domain to them); [] when zone_id named an existing zone."
  value       = try(aws_route53_zone.this[0].name_servers, [])
}

output "record_fqdn" {
  description = "The name clients use: PRIMARY while the primary is healthy, SECONDARY otherwise."
  value       = local.record_fqdn
}

output "health_check_id" {
  description = "ID of the Route 53 health check on the primary's endpoint."
  value       = aws_route53_health_check.primary.id
}

output "alarm_name" {
  description = "Name of the CloudWatch alarm on the health check (in alarm_region)."
  value       = aws_cloudwatch_metric_alarm.primary_health.alarm_name
}

output "alarm_arn" {
  description = "ARN of the CloudWatch alarm on the health check."
  value       = aws_cloudwatch_metric_alarm.primary_health.arn
}

output "alarm_region" {
  description = "Region of the alarm, its topic and the query logs (us-east-1: where Route 53 publishes)."
  value       = local.global_region
}

output "topic_arn" {
  description = "SNS topic the alarm notifies (ALARM and OK), in alarm_region."
  value       = aws_sns_topic.health.arn
}

output "invoke_rule_arn" {
  description = "EventBridge rule in the standby region that invokes the function on the alarm's state changes."
  value       = aws_cloudwatch_event_rule.invoke.arn
}

output "dns" {
  description = "The failover pair, as the DR drill reads it."
  value = {
    zone_id          = local.zone_id
    record_name      = local.record_fqdn
    record_type      = "A"
    primary_set_id   = aws_route53_record.primary.set_identifier
    secondary_set_id = aws_route53_record.secondary.set_identifier
  }
}
