################################################################################
# Common
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
  description = "Environment name (dev, prod); becomes the lowlat:env tag."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged into every taggable resource (the module's Name and lowlat:* tags win)."
  default     = {}
}

################################################################################
# Keys and the archive bucket (from the security and data modules)
################################################################################

variable "market_data_kms_key_arn" {
  type        = string
  description = "ARN of the market_data KMS CMK (security module): encrypts the Kinesis stream and the archive objects Firehose writes."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.market_data_kms_key_arn))
    error_message = "market_data_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "orders_kms_key_arn" {
  type        = string
  description = "ARN of the orders KMS CMK (security module): encrypts the SQS queues, the SNS topics and the event bus. Its key policy must let sqs, sns, events and cloudwatch use it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.orders_kms_key_arn))
    error_message = "orders_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the logs KMS CMK (security module): encrypts the Firehose delivery-error log group. Its key policy must let logs.REGION.amazonaws.com use it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "archive_bucket_arn" {
  type        = string
  description = "ARN of the tick archive S3 bucket (data module) that Firehose delivers market data to."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.archive_bucket_arn))
    error_message = "archive_bucket_arn must be the ARN of an S3 bucket (arn:aws:s3:::BUCKET), not a bucket name or an object ARN."
  }
}

################################################################################
# Kinesis market data stream
################################################################################

variable "shard_count" {
  type        = number
  description = "Number of shards of the PROVISIONED market data stream (1 MB/s or 1000 records/s of writes each)."
  default     = 10

  validation {
    condition     = var.shard_count >= 1 && var.shard_count <= 500 && floor(var.shard_count) == var.shard_count
    error_message = "shard_count must be a whole number between 1 and 500."
  }
}

variable "stream_retention_hours" {
  type        = number
  description = "How long the market data stream keeps records, in hours (24 = the base retention; more is billed as extended retention)."
  default     = 24

  validation {
    condition     = var.stream_retention_hours >= 24 && var.stream_retention_hours <= 8760 && floor(var.stream_retention_hours) == var.stream_retention_hours
    error_message = "stream_retention_hours must be a whole number of hours between 24 and 8760 (365 days)."
  }
}

################################################################################
# Firehose archive
################################################################################

variable "archive_prefix" {
  type        = string
  description = "Key prefix in the archive bucket under which Firehose writes: data/ (partitioned by year=/month=/day=/hour=) and errors/. Firehose may write nowhere else in the bucket."
  default     = "market-data/"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*/$", var.archive_prefix)) && length(var.archive_prefix) <= 200
    error_message = "archive_prefix must be up to 200 characters of lower-case path segments (letters, digits, dots, dashes, underscores) ending with a slash and without a leading slash, e.g. market-data/."
  }
}

variable "firehose_buffering_size_mb" {
  type        = number
  description = "Size in MiB that Firehose buffers before writing an object (at least 64 when parquet_conversion is set)."
  default     = 64

  validation {
    condition     = var.firehose_buffering_size_mb >= 1 && var.firehose_buffering_size_mb <= 128 && floor(var.firehose_buffering_size_mb) == var.firehose_buffering_size_mb
    error_message = "firehose_buffering_size_mb must be a whole number of MiB between 1 and 128."
  }
}

variable "firehose_buffering_interval_seconds" {
  type        = number
  description = "Longest time in seconds Firehose buffers before writing an object."
  default     = 300

  validation {
    condition     = var.firehose_buffering_interval_seconds >= 60 && var.firehose_buffering_interval_seconds <= 900 && floor(var.firehose_buffering_interval_seconds) == var.firehose_buffering_interval_seconds
    error_message = "firehose_buffering_interval_seconds must be a whole number of seconds between 60 and 900."
  }
}

variable "parquet_conversion" {
  type = object({
    database_name = string
    table_name    = string
  })
  description = "Glue database and table (in this account and region) whose schema Firehose uses to convert the JSON records to Parquet (Snappy); null (default) archives the JSON records GZIP-compressed. With conversion on the S3 compression is UNCOMPRESSED, as AWS requires."
  default     = null

  validation {
    condition = var.parquet_conversion == null || (
      can(regex("^[a-z0-9_]{1,255}$", var.parquet_conversion.database_name)) &&
      can(regex("^[a-z0-9_]{1,255}$", var.parquet_conversion.table_name))
    )
    error_message = "parquet_conversion must be null or name a Glue database_name and table_name of 1-255 lower-case letters, digits or underscores."
  }
}

variable "firehose_log_retention_days" {
  type        = number
  description = "Retention in days of the log group that records Firehose delivery errors."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.firehose_log_retention_days)
    error_message = "firehose_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}


################################################################################
# EventBridge
################################################################################

variable "event_source" {
  type        = string
  description = "The source field of the engine's order and execution events that the bus rules match."
  default     = "lowlat.engine"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$", var.event_source)) && !startswith(var.event_source, "aws.") && length(var.event_source) <= 256
    error_message = "event_source must be a dotted lower-case name such as lowlat.engine, not starting with aws."
  }
}

variable "event_rules" {
  type = map(object({
    detail_types = list(string)
    queue        = string
  }))
  description = "Rules of the order bus, by rule name: the detail-types (from event_source) each matches and the order queue (a name in order_queues) it delivers to."
  default = {
    "order-routed" = {
      detail_types = ["OrderRouted"]
      queue        = "orders"
    }
    "order-cancel-requested" = {
      detail_types = ["OrderCancelRequested"]
      queue        = "cancels"
    }
    "execution-reported" = {
      detail_types = ["ExecutionReported"]
      queue        = "executions"
    }
  }

  validation {
    condition = length(var.event_rules) >= 1 && alltrue([
      for rule, r in var.event_rules : can(regex("^[a-z][a-z0-9-]{0,30}$", rule)) && length(r.detail_types) >= 1 && alltrue([for d in r.detail_types : can(regex("^[A-Za-z][A-Za-z0-9 ._-]{0,127}$", d))])
    ])
    error_message = "event_rules must hold at least one rule; each rule name must be up to 31 lower-case letters, digits or dashes starting with a letter, with at least one detail-type of letters, digits, spaces, dots, dashes or underscores."
  }

  validation {
    # An empty order_queues is refused by order_queues' own validation, not here a second time.
    condition     = length(var.order_queues) == 0 || alltrue([for r in values(var.event_rules) : contains(var.order_queues, r.queue)])
    error_message = "Every event_rules queue must be one of the names in order_queues."
  }
}

################################################################################
# SQS order queues
################################################################################

variable "order_queues" {
  type        = list(string)
  description = "Names of the order queues (each becomes <name>-<queue> with a dead-letter queue <name>-<queue>-dlq)."
  default     = ["orders", "cancels", "executions"]

  validation {
    condition     = length(var.order_queues) >= 1 && alltrue([for q in var.order_queues : can(regex("^[a-z][a-z0-9-]{0,30}$", q))])
    error_message = "order_queues must hold at least one name of up to 31 lower-case letters, digits or dashes, starting with a letter."
  }

  validation {
    condition     = length(distinct(var.order_queues)) == length(var.order_queues)
    error_message = "order_queues must not name a queue twice."
  }
}

variable "queue_message_retention_seconds" {
  type        = number
  description = "How long the order queues keep a message, in seconds (SQS allows 60 to 1209600 = 14 days)."
  default     = 1209600

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600 && floor(var.queue_message_retention_seconds) == var.queue_message_retention_seconds
    error_message = "queue_message_retention_seconds must be a whole number of seconds between 60 and 1209600 (1 minute to 14 days)."
  }
}

variable "queue_visibility_timeout_seconds" {
  type        = number
  description = "Visibility timeout of the order queues in seconds: how long a received message stays hidden from other consumers."
  default     = 30

  validation {
    condition     = var.queue_visibility_timeout_seconds >= 0 && var.queue_visibility_timeout_seconds <= 43200 && floor(var.queue_visibility_timeout_seconds) == var.queue_visibility_timeout_seconds
    error_message = "queue_visibility_timeout_seconds must be a whole number of seconds between 0 and 43200 (12 hours)."
  }
}

variable "enable_dlq_redrive_allow_policy" {
  type        = bool
  description = "Give each dead-letter queue a redrive-allow policy naming only its own order queue. Leave on; off only for an emulator without RedriveAllowPolicy (moto 5.2)."
  default     = true
}

variable "create_dlq_alarms" {
  type        = bool
  description = "An alarm per dead-letter queue (messages visible > 0, to the alerts topic). Turn off where another module alarms on the same queues (the stack leaves them to the observability module)."
  default     = true
}

variable "max_receive_count" {
  type        = number
  description = "How many times a message of an order queue may be received before SQS moves it to the queue's dead-letter queue."
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number between 1 and 1000."
  }
}

################################################################################
# SNS
################################################################################

variable "alert_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the alerts topic (each must confirm the subscription); empty by default."
  default     = []

  validation {
    condition     = alltrue([for a in var.alert_email_addresses : can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$", a))]) && length(distinct(var.alert_email_addresses)) == length(var.alert_email_addresses)
    error_message = "alert_email_addresses must hold distinct e-mail addresses like ops@example.com."
  }
}
