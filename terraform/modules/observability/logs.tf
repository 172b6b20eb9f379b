################################################################################
# Log groups: /lowlat/<env>/<component>, KMS-encrypted, kept at least a year
################################################################################

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.log_components

  name              = "/lowlat/${var.env}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(var.tags, { Name = "${var.name}-${each.key}-logs", "lowlat:component" = each.key })
}

################################################################################
# Kill switch lines of the engine log → metric → alarm (alarms.tf)
################################################################################

resource "aws_cloudwatch_log_metric_filter" "kill_switch" {
  count = var.enable_kill_switch_log_alarm ? 1 : 0

  name           = "${var.name}-engine-kill-switch-engaged"
  log_group_name = aws_cloudwatch_log_group.this["engine"].name
  pattern        = local.kill_switch_log_pattern

  metric_transformation {
    namespace = local.kill_switch_log_metric.namespace
    name      = local.kill_switch_log_metric.name
    value     = "1"
    # 0 for every other engine line, so the graph shows a quiet engine as 0, not as a gap.
    default_value = "0"
    unit          = "Count"
  }
}
