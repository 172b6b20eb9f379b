################################################################################
# Identity
################################################################################

variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name: the log groups are /lowlat/<env>/<component> and the engine's custom metrics carry the dimension Env=<env>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every taggable resource of the module (log groups, alarms)."
  default     = {}
}

################################################################################
# Log groups
################################################################################

variable "log_components" {
  type        = set(string)
  description = "Platform components that get a log group /lowlat/<env>/<component>."
  default     = ["engine", "feed", "venue-gateway", "monitoring", "platform-events"]

  validation {
    condition     = length(var.log_components) > 0 && alltrue([for c in var.log_components : can(regex("^[a-z][a-z0-9-]{1,30}$", c))])
    error_message = "log_components must hold at least one component name of 2-31 lower-case letters, digits or dashes, starting with a letter."
  }

  validation {
    condition     = !var.enable_kill_switch_log_alarm || contains(var.log_components, "engine")
    error_message = "log_components must include engine while enable_kill_switch_log_alarm is true (its metric filter reads the engine log group)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of every log group in days (at least one year for audit)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key that encrypts every log group (the security module's kms_key_arns[\"logs\"]; its key policy must let logs.<region>.amazonaws.com use it)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-)?[0-9a-f-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "enable_kill_switch_log_alarm" {
  type        = bool
  description = "Count \"kill switch engaged\" lines of the engine log group with a metric filter and alarm on them."
  default     = true
}

################################################################################
# What the dashboard and the alarms watch
################################################################################

variable "alert_topic_arn" {
  type        = string
  description = "SNS topic that receives every alarm's ALARM and OK notifications (the events module's alert_topic_arn)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alert_topic_arn))
    error_message = "alert_topic_arn must be the ARN of a standard SNS topic, e.g. arn:aws:sns:eu-west-2:123456789012:lowlat-prod-alerts (alarm actions cannot publish to FIFO topics)."
  }
}

variable "kinesis_stream_name" {
  type        = string
  description = "Name of the market data Kinesis stream (iterator age and incoming records)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,128}$", var.kinesis_stream_name))
    error_message = "kinesis_stream_name must be a Kinesis stream name: 1-128 letters, digits, dots, dashes or underscores."
  }
}

variable "queue_names" {
  type        = set(string)
  description = "Names of the order queues (SQS): depth and age of the oldest message on the dashboard, an age alarm each."

  validation {
    condition     = length(var.queue_names) > 0 && alltrue([for q in var.queue_names : can(regex("^([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\\.fifo)$", q))])
    error_message = "queue_names must hold at least one SQS queue name (1-80 letters, digits, dashes or underscores; FIFO names end in .fifo)."
  }
}

variable "dead_letter_queue_names" {
  type        = set(string)
  description = "Names of the dead-letter queues (SQS): depth and age on the dashboard, an alarm each when messages arrive."
  default     = []

  validation {
    condition     = alltrue([for q in var.dead_letter_queue_names : can(regex("^([A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\\.fifo)$", q))])
    error_message = "dead_letter_queue_names must be SQS queue names (1-80 letters, digits, dashes or underscores; FIFO names end in .fifo)."
  }
}

variable "rds_instance_id" {
  type        = string
  description = "DB instance identifier of the platform's RDS database (CPU, storage, latency, connections)."

  validation {
    condition     = length(var.rds_instance_id) <= 63 && can(regex("^[a-z](-?[a-z0-9])*$", var.rds_instance_id))
    error_message = "rds_instance_id must be an RDS DB instance identifier: 1-63 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash."
  }
}

variable "rds_replica_instance_id" {
  type        = string
  description = "DB instance identifier of a read replica whose ReplicaLag gets a dashboard widget and an alarm. null = no replica lag alarm."
  default     = null

  validation {
    # can(): regex on null fails instead of erroring, and Terraform evaluates both sides of ||.
    condition     = var.rds_replica_instance_id == null || (can(regex("^.{1,63}$", var.rds_replica_instance_id)) && can(regex("^[a-z](-?[a-z0-9])*$", var.rds_replica_instance_id)))
    error_message = "rds_replica_instance_id must be null or an RDS DB instance identifier: 1-63 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash."
  }
}

variable "engine_metrics_namespace" {
  type        = string
  description = "CloudWatch namespace of the trading engine's custom metrics (published with the dimension Env=<env>)."
  default     = "Lowlat/Engine"

  validation {
    condition     = can(regex("^[A-Za-z0-9 ._/#:-]{1,250}$", var.engine_metrics_namespace)) && !startswith(var.engine_metrics_namespace, "AWS/")
    error_message = "engine_metrics_namespace must be 1-250 letters, digits, spaces or . _ / # : - characters and must not start with AWS/ (reserved for AWS services)."
  }
}

variable "engine_metric_names" {
  type = object({
    execution_delay   = optional(string, "ExecutionDelayMicros")
    orders_per_second = optional(string, "OrdersPerSecond")
    kill_switch       = optional(string, "KillSwitchEngaged")
  })
  description = "Names of the engine's custom metrics: execution delay in microseconds (alarmed on its p99), orders per second, and the kill switch state (1 while engaged, 0 otherwise)."
  default     = {}

  validation {
    condition = (
      alltrue([for m in values(var.engine_metric_names) : can(regex("^[A-Za-z][A-Za-z0-9_.-]{0,254}$", m))]) &&
      length(distinct(values(var.engine_metric_names))) == length(values(var.engine_metric_names))
    )
    error_message = "engine_metric_names must be three different metric names of 1-255 letters, digits, dots, dashes or underscores, each starting with a letter."
  }
}

################################################################################
# Alarm thresholds
################################################################################

variable "execution_delay_threshold_micros" {
  type        = number
  description = "The engine execution delay alarm fires when the p99 exceeds this many microseconds (1000 = 1 ms)."
  default     = 1000

  validation {
    condition     = var.execution_delay_threshold_micros > 0 && var.execution_delay_threshold_micros <= 1000000
    error_message = "execution_delay_threshold_micros must be more than 0 and at most 1000000 (one second)."
  }
}

variable "kinesis_iterator_age_threshold_ms" {
  type        = number
  description = "The Kinesis alarm fires when the oldest record a consumer has not read yet is older than this many milliseconds."
  default     = 10000

  validation {
    condition     = var.kinesis_iterator_age_threshold_ms > 0 && var.kinesis_iterator_age_threshold_ms <= 31536000000
    error_message = "kinesis_iterator_age_threshold_ms must be more than 0 and at most 31536000000 (365 days, the longest Kinesis retention)."
  }
}

variable "rds_cpu_threshold_percent" {
  type        = number
  description = "The RDS CPU alarm fires when the average CPU utilisation exceeds this percentage."
  default     = 80

  validation {
    condition     = var.rds_cpu_threshold_percent > 0 && var.rds_cpu_threshold_percent < 100
    error_message = "rds_cpu_threshold_percent must be more than 0 and less than 100."
  }
}

variable "rds_free_storage_threshold_gib" {
  type        = number
  description = "The RDS storage alarm fires when free storage falls below this many GiB."
  default     = 10

  validation {
    condition     = var.rds_free_storage_threshold_gib > 0 && var.rds_free_storage_threshold_gib <= 65536
    error_message = "rds_free_storage_threshold_gib must be more than 0 and at most 65536 (64 TiB, the largest RDS volume)."
  }
}

variable "rds_replica_lag_threshold_seconds" {
  type        = number
  description = "The replica lag alarm (only with rds_replica_instance_id) fires when the replica is more than this many seconds behind."
  default     = 30

  validation {
    condition     = var.rds_replica_lag_threshold_seconds > 0 && var.rds_replica_lag_threshold_seconds <= 86400
    error_message = "rds_replica_lag_threshold_seconds must be more than 0 and at most 86400 (one day)."
  }
}

variable "queue_message_age_threshold_seconds" {
  type        = number
  description = "An order queue's alarm fires when its oldest message has waited longer than this many seconds."
  default     = 60

  validation {
    condition     = var.queue_message_age_threshold_seconds > 0 && var.queue_message_age_threshold_seconds <= 1209600
    error_message = "queue_message_age_threshold_seconds must be more than 0 and at most 1209600 (14 days, the longest SQS retention)."
  }
}

variable "dead_letter_messages_threshold" {
  type        = number
  description = "A dead-letter queue's alarm fires when more than this many messages are visible in it (0 = on the first one)."
  default     = 0

  validation {
    condition     = var.dead_letter_messages_threshold >= 0 && floor(var.dead_letter_messages_threshold) == var.dead_letter_messages_threshold
    error_message = "dead_letter_messages_threshold must be a whole number of messages, 0 or more (0 alarms on the first dead letter)."
  }
}
