################################################################################
# us-east-1: the key of the alarm topic and query logs, the topic, the alarm
################################################################################

resource "aws_kms_key" "global" {
  provider = aws.global

  description             = "${var.name}: failover alarm topic and Route 53 query logs (us-east-1)"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch publishes the alarm to the encrypted topic.
        Sid       = "CloudWatchPublishesAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "CloudWatchLogsEncryptsQueryLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.global_region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.global_region}:${local.account_id}:log-group:*" } }
      },
    ]
  })

  tags = merge(local.tags, { Name = "${var.name}-failover-global" })
}

resource "aws_kms_alias" "global" {
  provider = aws.global

  name          = "alias/${var.name}-failover-global"
  target_key_id = aws_kms_key.global.key_id
}

resource "aws_sns_topic" "health" {
  provider = aws.global

  name              = "${var.name}-primary-health"
  display_name      = "lowlat ${var.env} primary health"
  kms_master_key_id = aws_kms_key.global.arn

  tags = merge(local.tags, { Name = "${var.name}-primary-health" })
}

resource "aws_sns_topic_policy" "health" {
  provider = aws.global

  arn = aws_sns_topic.health.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudWatchPublishesThisAlarm"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.health.arn
        Condition = { ArnLike = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.global_region}:${local.account_id}:alarm:${local.alarm_name}" } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.health.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_email_addresses)
  provider = aws.global

  topic_arn = aws_sns_topic.health.arn
  protocol  = "email"
  endpoint  = each.value
}

# HealthCheckStatus is 1 while the check passes; a missing datapoint (the check or its metrics
# gone) counts as failing.
resource "aws_cloudwatch_metric_alarm" "primary_health" {
  provider = aws.global

  alarm_name          = local.alarm_name
  alarm_description   = "The primary's endpoint ${var.primary_endpoint.dns_name} fails its Route 53 health check: ALARM fails over to ${local.standby_region}."
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  dimensions          = { HealthCheckId = aws_route53_health_check.primary.id }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = var.alarm_evaluation_periods
  datapoints_to_alarm = var.alarm_evaluation_periods
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.health.arn]
  ok_actions          = [aws_sns_topic.health.arn]

  tags = merge(local.tags, { Name = local.alarm_name })
}
