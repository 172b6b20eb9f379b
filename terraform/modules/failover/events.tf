################################################################################
# The alarm's state changes: us-east-1 default bus -> standby default bus -> the function
################################################################################

resource "aws_cloudwatch_event_rule" "forward" {
  provider = aws.global

  name          = "${var.name}-primary-health-forward"
  description   = "State changes of ${local.alarm_name}, sent to ${local.standby_region}."
  event_pattern = local.alarm_event_pattern

  tags = merge(local.tags, { Name = "${var.name}-primary-health-forward" })
}

resource "aws_iam_role" "forward" {
  name        = "${var.name}-failover-forward"
  description = "Lets EventBridge in ${local.global_region} put the health alarm's events on the default bus of ${local.standby_region}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-failover-forward" })
}

resource "aws_iam_role_policy" "forward" {
  name = "put-events-on-the-standby-bus"
  role = aws_iam_role.forward.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutOnStandbyDefaultBus"
      Effect   = "Allow"
      Action   = "events:PutEvents"
      Resource = local.standby_bus_arn
    }]
  })
}

locals {
  standby_bus_arn = "arn:${local.partition}:events:${local.standby_region}:${local.account_id}:event-bus/default"
}

resource "aws_cloudwatch_event_target" "forward" {
  provider = aws.global

  rule      = aws_cloudwatch_event_rule.forward.name
  target_id = "standby-default-bus"
  arn       = local.standby_bus_arn
  role_arn  = aws_iam_role.forward.arn
}

resource "aws_cloudwatch_event_rule" "invoke" {
  name          = "${var.name}-primary-health-sync"
  description   = "State changes of ${local.alarm_name} (forwarded from ${local.global_region}) invoke ${var.function_name}."
  event_pattern = local.alarm_event_pattern

  tags = merge(local.tags, { Name = "${var.name}-primary-health-sync" })
}

# EventBridge invokes asynchronously: Lambda retries, and what still fails goes to the function's
# own dead-letter queue (serverless module).
resource "aws_cloudwatch_event_target" "invoke" {
  rule      = aws_cloudwatch_event_rule.invoke.name
  target_id = "sync-cluster-sizes"
  arn       = var.function_arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 4
  }
}

resource "aws_lambda_permission" "invoke" {
  statement_id  = "AllowHealthAlarmRule"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.invoke.arn
}
