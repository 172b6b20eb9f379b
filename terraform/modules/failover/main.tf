# Automated failover between the primary and the pilot-light standby region: a Route 53 health
# check on the primary's endpoint, PRIMARY/SECONDARY failover records (dns.tf), a CloudWatch alarm
# on the check feeding an SNS topic and EventBridge (alarm.tf), and the alarm's state changes
# carried to the standby region, where they invoke the sync-cluster-sizes function (events.tf).
# Route 53's metrics and query logs live in us-east-1, so the alarm, its topic, the query log group
# and their key are made with the aws.global provider; the forwarding target and the function's
# trigger with the standby region's provider.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "standby" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  standby_region = data.aws_region.standby.name
  global_region  = "us-east-1"

  tags = merge(var.tags, {
    "lowlat:env"     = var.env
    "lowlat:module"  = "failover"
    "lowlat:managed" = "true"
  })

  zone_id     = var.zone_id != null ? var.zone_id : aws_route53_zone.this[0].zone_id
  record_fqdn = "${var.record_name}.${trimsuffix(var.zone_name, ".")}"
  alarm_name  = "${var.name}-primary-health"

  # What EventBridge matches in both regions: this alarm's state changes.
  alarm_event_pattern = jsonencode({
    source        = ["aws.cloudwatch"]
    "detail-type" = ["CloudWatch Alarm State Change"]
    resources     = [aws_cloudwatch_metric_alarm.primary_health.arn]
  })
}
