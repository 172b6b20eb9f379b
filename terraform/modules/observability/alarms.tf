################################################################################
# Metric alarms, every one notifying the alert topic on ALARM and on OK
#
# treat_missing_data is chosen per alarm (the README's "Missing data" table says why):
#   breaching     - the metric is always published while the watched thing works, so silence
#                   is itself the failure (kill switch state, Kinesis consumers);
#   notBreaching  - the metric only exists while there is activity, so silence is a quiet
#                   period (execution delay, queues, kill switch log lines);
#   missing       - AWS publishes the metric every minute; a gap says nothing either way and
#                   keeps the alarm's state (RDS).
################################################################################

locals {
  rds_free_storage_threshold_bytes = var.rds_free_storage_threshold_gib * 1073741824

  # Every alarm, keyed as in the alarm_names / alarm_arns outputs. Fields left null are unset.
  alarm_defaults = {
    dimensions          = {}
    statistic           = null
    extended_statistic  = null
    period              = 60
    evaluation_periods  = 1
    datapoints_to_alarm = 1
  }

  alarms = merge(
    {
      engine_execution_delay = merge(local.alarm_defaults, {
        name                = "${var.name}-engine-execution-delay-p99"
        description         = "p99 execution delay of the trading engine (${var.env}) above ${var.execution_delay_threshold_micros} µs in 2 of the last 3 minutes."
        namespace           = var.engine_metrics_namespace
        metric_name         = var.engine_metric_names.execution_delay
        dimensions          = local.engine_dimensions
        extended_statistic  = "p99"
        evaluation_periods  = 3
        datapoints_to_alarm = 2
        comparison          = "GreaterThanThreshold"
        threshold           = var.execution_delay_threshold_micros
        treat_missing_data  = "notBreaching"
      })
      engine_kill_switch = merge(local.alarm_defaults, {
        name               = "${var.name}-engine-kill-switch-engaged"
        description        = "The trading engine (${var.env}) reports its kill switch engaged (order sending halted), or has stopped reporting it."
        namespace          = var.engine_metrics_namespace
        metric_name        = var.engine_metric_names.kill_switch
        dimensions         = local.engine_dimensions
        statistic          = "Maximum"
        comparison         = "GreaterThanOrEqualToThreshold"
        threshold          = 1
        treat_missing_data = "breaching"
      })
      kinesis_iterator_age = merge(local.alarm_defaults, {
        name                = "${var.name}-kinesis-iterator-age"
        description         = "Consumers of Kinesis stream ${var.kinesis_stream_name} are more than ${var.kinesis_iterator_age_threshold_ms} ms behind (or stopped reading) in 3 of the last 5 minutes."
        namespace           = "AWS/Kinesis"
        metric_name         = "GetRecords.IteratorAgeMilliseconds"
        dimensions          = { StreamName = var.kinesis_stream_name }
        statistic           = "Maximum"
        evaluation_periods  = 5
        datapoints_to_alarm = 3
        comparison          = "GreaterThanThreshold"
        threshold           = var.kinesis_iterator_age_threshold_ms
        treat_missing_data  = "breaching"
      })
      rds_cpu_high = merge(local.alarm_defaults, {
        name               = "${var.name}-rds-cpu-high"
        description        = "Average CPU of RDS instance ${var.rds_instance_id} above ${var.rds_cpu_threshold_percent} % for 15 minutes."
        namespace          = "AWS/RDS"
        metric_name        = "CPUUtilization"
        dimensions         = { DBInstanceIdentifier = var.rds_instance_id }
        statistic          = "Average"
        period             = 300
        evaluation_periods = 3
        comparison         = "GreaterThanThreshold"
        threshold          = var.rds_cpu_threshold_percent
        treat_missing_data = "missing"
      })
      rds_free_storage_low = merge(local.alarm_defaults, {
        name               = "${var.name}-rds-free-storage-low"
        description        = "Free storage of RDS instance ${var.rds_instance_id} below ${var.rds_free_storage_threshold_gib} GiB."
        namespace          = "AWS/RDS"
        metric_name        = "FreeStorageSpace"
        dimensions         = { DBInstanceIdentifier = var.rds_instance_id }
        statistic          = "Minimum"
        period             = 300
        comparison         = "LessThanThreshold"
        threshold          = local.rds_free_storage_threshold_bytes
        treat_missing_data = "missing"
      })
    },
    var.rds_replica_instance_id == null ? {} : {
      rds_replica_lag = merge(local.alarm_defaults, {
        name                = "${var.name}-rds-replica-lag"
        description         = "RDS replica ${coalesce(var.rds_replica_instance_id, "-")} more than ${var.rds_replica_lag_threshold_seconds} s behind (or not reporting) for 3 of the last 5 minutes."
        namespace           = "AWS/RDS"
        metric_name         = "ReplicaLag"
        dimensions          = { DBInstanceIdentifier = coalesce(var.rds_replica_instance_id, "-") }
        statistic           = "Maximum"
        evaluation_periods  = 5
        datapoints_to_alarm = 3
        comparison          = "GreaterThanThreshold"
        threshold           = var.rds_replica_lag_threshold_seconds
        treat_missing_data  = "breaching"
      })
    },
    !var.enable_kill_switch_log_alarm ? {} : {
      engine_kill_switch_log = merge(local.alarm_defaults, {
        name               = "${var.name}-engine-kill-switch-log"
        description        = "The engine log group /lowlat/${var.env}/engine has a \"kill switch engaged\" line: order sending halted."
        namespace          = local.kill_switch_log_metric.namespace
        metric_name        = local.kill_switch_log_metric.name
        statistic          = "Sum"
        comparison         = "GreaterThanOrEqualToThreshold"
        threshold          = 1
        treat_missing_data = "notBreaching"
      })
    },
    {
      for q in var.queue_names : "queue_message_age:${q}" => merge(local.alarm_defaults, {
        name                = "${var.name}-queue-message-age-${q}"
        description         = "The oldest message of order queue ${q} has waited more than ${var.queue_message_age_threshold_seconds} s in 2 of the last 3 minutes."
        namespace           = "AWS/SQS"
        metric_name         = "ApproximateAgeOfOldestMessage"
        dimensions          = { QueueName = q }
        statistic           = "Maximum"
        evaluation_periods  = 3
        datapoints_to_alarm = 2
        comparison          = "GreaterThanThreshold"
        threshold           = var.queue_message_age_threshold_seconds
        treat_missing_data  = "notBreaching"
      })
    },
    {
      for q in var.dead_letter_queue_names : "dead_letter_messages:${q}" => merge(local.alarm_defaults, {
        name               = "${var.name}-dead-letter-messages-${q}"
        description        = "Dead-letter queue ${q} holds more than ${var.dead_letter_messages_threshold} messages: something could not be processed."
        namespace          = "AWS/SQS"
        metric_name        = "ApproximateNumberOfMessagesVisible"
        dimensions         = { QueueName = q }
        statistic          = "Maximum"
        period             = 300
        comparison         = "GreaterThanThreshold"
        threshold          = var.dead_letter_messages_threshold
        treat_missing_data = "notBreaching"
      })
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = each.value.name
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  treat_missing_data  = each.value.treat_missing_data

  actions_enabled = true
  alarm_actions   = [var.alert_topic_arn]
  ok_actions      = [var.alert_topic_arn]

  tags = merge(var.tags, { Name = each.value.name })
}
