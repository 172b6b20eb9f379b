################################################################################
# Platform dashboard: the body is built from these locals with jsonencode
################################################################################

locals {
  dashboard_name = "${var.name}-platform"

  # Grid: CloudWatch dashboards are 24 units wide; two 12 x 6 widgets per row, in this order.
  widget_width    = 12
  widget_height   = 6
  widgets_per_row = 2

  queue_rows = {
    visible = [for q in var.queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
    age     = [for q in var.queue_names : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q]]
  }
  dead_letter_rows = {
    visible = [for q in var.dead_letter_queue_names : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
    age     = [for q in var.dead_letter_queue_names : ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q]]
  }

  # Every metric widget in grid order, as { show, widget }: the widget's title and metrics plus any
  # widget property to override; `show` leaves optional widgets out (a conditional cannot choose
  # between tuples of differently shaped widgets, a filtering for expression can).
  has_dead_letter_queues = length(var.dead_letter_queue_names) > 0
  has_replica            = var.rds_replica_instance_id != null
  replica_id             = coalesce(var.rds_replica_instance_id, "-")

  metric_widget_choices = [
    {
      show = true
      widget = {
        title = "Engine execution delay (µs)"
        stat  = "p99"
        metrics = [
          [var.engine_metrics_namespace, var.engine_metric_names.execution_delay, "Env", var.env, { stat = "p50", label = "p50" }],
          [var.engine_metrics_namespace, var.engine_metric_names.execution_delay, "Env", var.env, { stat = "p99", label = "p99" }],
        ]
        annotations = { horizontal = [{ label = "alarm (p99)", value = var.execution_delay_threshold_micros }] }
      }
    },
    {
      show = true
      widget = {
        title   = "Engine orders per second"
        stat    = "Average"
        metrics = [[var.engine_metrics_namespace, var.engine_metric_names.orders_per_second, "Env", var.env]]
      }
    },
    {
      show = true
      widget = {
        title   = "Engine kill switch (1 = engaged)"
        stat    = "Maximum"
        metrics = [[var.engine_metrics_namespace, var.engine_metric_names.kill_switch, "Env", var.env]]
      }
    },
    {
      show = true
      widget = {
        title       = "Kinesis ${var.kinesis_stream_name}: iterator age (ms)"
        stat        = "Maximum"
        metrics     = [["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", var.kinesis_stream_name]]
        annotations = { horizontal = [{ label = "alarm", value = var.kinesis_iterator_age_threshold_ms }] }
      }
    },
    {
      show = true
      widget = {
        title   = "Kinesis ${var.kinesis_stream_name}: incoming records"
        stat    = "Sum"
        metrics = [["AWS/Kinesis", "IncomingRecords", "StreamName", var.kinesis_stream_name]]
      }
    },
    {
      show = true
      widget = {
        title   = "Order queues: messages visible"
        stat    = "Maximum"
        metrics = local.queue_rows.visible
      }
    },
    {
      show = true
      widget = {
        title       = "Order queues: age of oldest message (s)"
        stat        = "Maximum"
        metrics     = local.queue_rows.age
        annotations = { horizontal = [{ label = "alarm", value = var.queue_message_age_threshold_seconds }] }
      }
    },
    {
      show = local.has_dead_letter_queues
      widget = {
        title       = "Dead-letter queues: messages visible"
        stat        = "Maximum"
        metrics     = local.dead_letter_rows.visible
        annotations = { horizontal = [{ label = "alarm", value = var.dead_letter_messages_threshold }] }
      }
    },
    {
      show = local.has_dead_letter_queues
      widget = {
        title   = "Dead-letter queues: age of oldest message (s)"
        stat    = "Maximum"
        metrics = local.dead_letter_rows.age
      }
    },
    {
      show = true
      widget = {
        title       = "RDS ${var.rds_instance_id}: CPU (%)"
        stat        = "Average"
        metrics     = [["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.rds_instance_id]]
        annotations = { horizontal = [{ label = "alarm", value = var.rds_cpu_threshold_percent }] }
      }
    },
    {
      show = true
      widget = {
        title       = "RDS ${var.rds_instance_id}: free storage (bytes)"
        stat        = "Minimum"
        metrics     = [["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.rds_instance_id]]
        annotations = { horizontal = [{ label = "alarm", value = local.rds_free_storage_threshold_bytes }] }
      }
    },
    {
      show = true
      widget = {
        title = "RDS ${var.rds_instance_id}: read / write latency (s)"
        stat  = "Average"
        metrics = [
          ["AWS/RDS", "ReadLatency", "DBInstanceIdentifier", var.rds_instance_id],
          ["AWS/RDS", "WriteLatency", "DBInstanceIdentifier", var.rds_instance_id],
        ]
      }
    },
    {
      show = true
      widget = {
        title   = "RDS ${var.rds_instance_id}: database connections"
        stat    = "Maximum"
        metrics = [["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.rds_instance_id]]
      }
    },
    {
      show = local.has_replica
      widget = {
        title       = "RDS ${local.replica_id}: replica lag (s)"
        stat        = "Maximum"
        metrics     = [["AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", local.replica_id]]
        annotations = { horizontal = [{ label = "alarm", value = var.rds_replica_lag_threshold_seconds }] }
      }
    },
  ]
  metric_widgets = [for choice in local.metric_widget_choices : choice.widget if choice.show]

  dashboard_body = {
    widgets = [
      for i, w in local.metric_widgets : {
        type   = "metric"
        x      = (i % local.widgets_per_row) * local.widget_width
        y      = floor(i / local.widgets_per_row) * local.widget_height
        width  = local.widget_width
        height = local.widget_height
        properties = merge(
          {
            view    = "timeSeries"
            stacked = false
            region  = data.aws_region.current.name
            period  = 60
          },
          w,
        )
      }
    ]
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = local.dashboard_name
  dashboard_body = jsonencode(local.dashboard_body)
}
