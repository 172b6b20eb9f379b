################################################################################
# Common
################################################################################

variable "name" {
  type        = string
  description = "Prefix for resource names, e.g. \"lowlat-prod\". IAM policies of the personas scope resources of the other modules by this prefix."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name; becomes the lowlat:env tag."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged into every taggable resource. The lowlat:env and lowlat:managed tags are set by the module and win over these."
  default     = {}
}

################################################################################
# KMS
################################################################################

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Waiting period (days) before a scheduled deletion of one of the data-class keys takes effect."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30 && floor(var.kms_deletion_window_in_days) == var.kms_deletion_window_in_days
    error_message = "kms_deletion_window_in_days must be a whole number of days between 7 and 30."
  }
}

variable "kms_key_admin_arns" {
  type        = list(string)
  description = "IAM roles or users that administer (not use) the data-class keys. Empty: the account root, i.e. any principal the account's IAM policies allow. When set, the principal that runs Terraform must be one of them (KMS refuses a key policy that locks its creator out)."
  default     = []

  validation {
    condition     = alltrue([for a in var.kms_key_admin_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "kms_key_admin_arns must be IAM role or user ARNs."
  }
}

variable "market_data_key_user_arns" {
  type        = list(string)
  description = "IAM roles (the producers' and the Firehose delivery role of the events module) allowed to use the market_data key through Kinesis and Firehose. Empty: any role of the account whose IAM policy allows it, still only through Kinesis and Firehose."
  default     = []

  validation {
    condition     = alltrue([for a in var.market_data_key_user_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "market_data_key_user_arns must be IAM role ARNs."
  }
}

################################################################################
# Secrets Manager
################################################################################

variable "secret_recovery_window_in_days" {
  type        = number
  description = "Days a deleted secret can still be restored; 0 deletes at once (emulators and throw-away environments only)."
  default     = 30

  validation {
    condition     = var.secret_recovery_window_in_days == 0 || (var.secret_recovery_window_in_days >= 7 && var.secret_recovery_window_in_days <= 30 && floor(var.secret_recovery_window_in_days) == var.secret_recovery_window_in_days)
    error_message = "secret_recovery_window_in_days must be 0 (delete at once) or a whole number of days between 7 and 30."
  }
}

variable "generated_password_length" {
  type        = number
  description = "Length of the generated Grafana admin and Rancher bootstrap passwords."
  default     = 32

  validation {
    condition     = var.generated_password_length >= 20 && var.generated_password_length <= 128 && floor(var.generated_password_length) == var.generated_password_length
    error_message = "generated_password_length must be a whole number between 20 and 128."
  }
}

variable "secret_value_version" {
  type        = number
  description = "Version of the generated secret values. Terraform writes freshly generated values only when this changes: raise it by one to replace the Grafana and Rancher bootstrap passwords."
  default     = 1

  validation {
    condition     = var.secret_value_version >= 1 && floor(var.secret_value_version) == var.secret_value_version
    error_message = "secret_value_version must be a whole number of 1 or more."
  }
}

variable "rotation_lambda_arn" {
  type        = string
  description = "ARN of a Secrets Manager rotation Lambda function for the generated secrets; null leaves rotation off. Its resource policy must let secretsmanager.amazonaws.com invoke it and its role needs the secrets key."
  default     = null

  validation {
    condition     = var.rotation_lambda_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$", var.rotation_lambda_arn))
    error_message = "rotation_lambda_arn must be null or the ARN of a Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME)."
  }
}

variable "rotation_days" {
  type        = number
  description = "Days between automatic rotations of the generated secrets when rotation_lambda_arn is set."
  default     = 30

  validation {
    condition     = var.rotation_days >= 1 && var.rotation_days <= 1000 && floor(var.rotation_days) == var.rotation_days
    error_message = "rotation_days must be a whole number between 1 and 1000."
  }
}

################################################################################
# CloudTrail
################################################################################

variable "audit_bucket_name" {
  type        = string
  description = "Name of the Object-Lock audit bucket of the data module. Its bucket policy must let CloudTrail of this account write AWSLogs/<account-id>/ (the trail uses no key prefix)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.audit_bucket_name)) && !can(regex("\\.\\.", var.audit_bucket_name))
    error_message = "audit_bucket_name must be an S3 bucket name: 3-63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit."
  }
}

variable "enable_cloudtrail" {
  type        = bool
  description = "Create the trail. Turn off only on an emulator that cannot serve CloudTrail (moto 5.2.6 with botocore 1.44 answers the provider's CreateTrail with 404); its log group, role and topic are made either way."
  default     = true
}

variable "cloudtrail_log_retention_days" {
  type        = number
  description = "Retention of the CloudTrail CloudWatch log group in days (a CloudWatch Logs retention value of at least one year; the audit bucket keeps the files longer)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cloudtrail_log_retention_days)
    error_message = "cloudtrail_log_retention_days must be one of the CloudWatch Logs retention values of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "cloudtrail_s3_data_events" {
  type        = bool
  description = "Also record S3 data events (object reads and writes) on the audit bucket, so reads of the audit trail are themselves audited."
  default     = true
}

################################################################################
# WAF
################################################################################

variable "waf_rate_limit" {
  type        = number
  description = "Requests per 5-minute window from one client IP above which the web ACL blocks that IP."
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 10 && var.waf_rate_limit <= 2000000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number between 10 and 2000000000 (the WAF rate-based rule range)."
  }
}

variable "waf_log_retention_days" {
  type        = number
  description = "Retention of the WAF log group aws-waf-logs-<name> in days (a CloudWatch Logs retention value)."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.waf_log_retention_days)
    error_message = "waf_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "associate_alb" {
  type        = bool
  description = "Associate the web ACL with the application load balancer alb_arn."
  default     = false
}

variable "alb_arn" {
  type        = string
  description = "ARN of the application load balancer to protect; required when associate_alb is true."
  default     = null

  validation {
    condition     = var.alb_arn == null || can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}$", var.alb_arn))
    error_message = "alb_arn must be null or the ARN of an application load balancer (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID)."
  }

  validation {
    condition     = !var.associate_alb || var.alb_arn != null
    error_message = "alb_arn must be set when associate_alb is true."
  }
}

################################################################################
# IAM personas
################################################################################

variable "persona_principal_arns" {
  type        = map(list(string))
  description = "Persona (trader, risk_manager, compliance_auditor, platform_operator) => IAM principals (users, roles or account roots) that may assume its role, with MFA. A role is made for each persona named here."

  validation {
    condition     = alltrue([for p in keys(var.persona_principal_arns) : contains(["trader", "risk_manager", "compliance_auditor", "platform_operator"], p)])
    error_message = "persona_principal_arns keys must be among: trader, risk_manager, compliance_auditor, platform_operator."
  }

  validation {
    condition = alltrue([
      for arns in values(var.persona_principal_arns) :
      length(arns) > 0 && alltrue([for a in arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|role/[A-Za-z0-9+=,.@_/-]+|user/[A-Za-z0-9+=,.@_/-]+)$", a))])
    ])
    error_message = "persona_principal_arns must give each persona at least one IAM user, role or account-root ARN (arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root)."
  }
}

variable "market_data_stream_arns" {
  type        = list(string)
  description = "Kinesis streams the trader persona reads; empty: every stream named <name>-* in this account and region."
  default     = []

  validation {
    condition     = alltrue([for a in var.market_data_stream_arns : can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}$", a))])
    error_message = "market_data_stream_arns must be Kinesis stream ARNs (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)."
  }
}

variable "order_queue_arns" {
  type        = list(string)
  description = "SQS queues the trader persona sends orders to; empty: every queue named <name>-* in this account and region."
  default     = []

  validation {
    condition     = alltrue([for a in var.order_queue_arns : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,75}(\\.fifo)?$", a))])
    error_message = "order_queue_arns must be SQS queue ARNs (arn:aws:sqs:REGION:ACCOUNT:NAME)."
  }
}

variable "order_event_bus_arns" {
  type        = list(string)
  description = "EventBridge buses the trader persona puts order events on; empty: every bus named <name>-* in this account and region."
  default     = []

  validation {
    condition     = alltrue([for a in var.order_event_bus_arns : can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]{1,256}$", a))])
    error_message = "order_event_bus_arns must be EventBridge event bus ARNs (arn:aws:events:REGION:ACCOUNT:event-bus/NAME)."
  }
}

variable "positions_table_arns" {
  type        = list(string)
  description = "DynamoDB tables the risk_manager persona reads (positions); empty: every table named <name>-* in this account and region."
  default     = []

  validation {
    condition     = alltrue([for a in var.positions_table_arns : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", a))])
    error_message = "positions_table_arns must be DynamoDB table ARNs (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)."
  }
}

variable "rds_db_resource_ids" {
  type        = list(string)
  description = "DbiResourceIds (db-...) of the RDS instances the risk_manager persona may connect to with IAM authentication; empty: any instance of the account and region, still only as risk_db_username."
  default     = []

  validation {
    condition     = alltrue([for id in var.rds_db_resource_ids : can(regex("^(db|cluster)-[A-Z0-9]{10,40}$", id))])
    error_message = "rds_db_resource_ids must be RDS resource IDs like db-ABCDEFGHIJKLMNOPQRSTUVWXYZ."
  }
}

variable "risk_db_username" {
  type        = string
  description = "Database user (created in the database with the rds_iam role) the risk_manager persona connects as."
  default     = "risk_manager"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.risk_db_username))
    error_message = "risk_db_username must be 1-63 lower-case letters, digits or underscores, not starting with a digit."
  }
}
