# Observability of the lowlat platform: encrypted log groups (logs.tf), one CloudWatch dashboard
# (dashboard.tf) and the metric alarms routed to the alert topic (alarms.tf). This file holds what
# they share.

data "aws_region" "current" {}

locals {
  # The engine publishes its custom metrics with this one dimension (see README).
  engine_dimensions = { Env = var.env }

  # The metric the kill switch log filter feeds. A log metric filter can only take dimension
  # values from fields of the log event, and the engine's lines do not carry the environment, so
  # the environment goes into the metric name (one account may hold several environments).
  kill_switch_log_metric = {
    namespace = "${var.engine_metrics_namespace}/Logs"
    name      = "KillSwitchEngagedLines-${var.env}"
  }

  # The engine logs JSON lines (engine/src/lowlat_engine/jsonlog.py); these two messages mean the
  # kill switch halts order sending (engaged now, or still engaged after a restart).
  kill_switch_log_pattern = "{ ($.msg = \"kill switch engaged*\") || ($.msg = \"kill switch still engaged*\") }"
}
