# Inputs that belong to the account and the venues; their checks live in modules/stack.

variable "region" {
  type        = string
  description = "AWS region of the environment."
  default     = "eu-west-2"
}

variable "aws_account_id" {
  type        = string
  description = "Account the environment lives in; the provider refuses to touch any other."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits."
  }
}

variable "cluster" {
  type        = string
  description = "Trading cluster name (lowlat:cluster tag)."
  default     = "ldn1"
}

variable "ami_id" {
  type        = string
  description = "ENA-enabled x86_64 AMI of the hosts (a pinned, tested image)."
}

variable "verify_ami" {
  type        = bool
  description = "Refuse an AMI without ENA or not x86_64 before launch; off only against an emulator."
  default     = true
}

variable "host_groups" {
  type = map(object({
    instance_type        = string
    instances            = number
    threads_per_core     = optional(number)
    placement_group_name = optional(string)
  }))
  description = "Hosts per role (engine, feed, venue, monitoring); see modules/stack."
  default = {
    engine     = { instance_type = "c5n.xlarge", instances = 1 }
    feed       = { instance_type = "c5n.large", instances = 1 }
    monitoring = { instance_type = "c5n.large", instances = 1 }
  }
}

variable "host_secret_arns" {
  type        = map(string)
  description = "Secrets Manager secret ARN per role in host_groups."
}

variable "kms_key_admin_arns" {
  type        = list(string)
  description = "IAM roles that administer the hosts' EBS keys."
  default     = []
}

variable "detailed_monitoring" {
  type        = bool
  description = "CloudWatch detailed monitoring of the hosts."
  default     = true
}

variable "market_data_source_cidrs" {
  type        = list(string)
  description = "Venue networks that send raw market data to the feed handlers."
  default     = []
}

variable "venue_cidrs" {
  type        = list(string)
  description = "Venue order-entry networks the engines connect to."
  default     = []
}

variable "venue_tcp_ports" {
  type        = list(number)
  description = "Order-entry TCP ports on the venue networks."
  default     = []
}

variable "ops_cidrs" {
  type        = list(string)
  description = "Operator networks allowed to the monitoring web ports."
  default     = []
}

variable "latency_probe_port" {
  type        = number
  description = "sockperf port opened between engines while the latency probe runs; null = closed."
  default     = null
}

variable "tags" {
  type        = map(string)
  description = "Extra tags on every resource (provider default_tags)."
  default     = {}
}

variable "persona_principal_arns" {
  type        = map(list(string))
  description = "Persona (trader, risk_manager, compliance_auditor, platform_operator) => IAM principals that may assume its role with MFA."
}

variable "alert_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the platform's alerts topic."
  default     = []
}

# Switches for an AWS emulator that lacks an API (tests/terraform/test_emulator_apply.py); leave
# them at their defaults against AWS.
variable "enable_cloudtrail" {
  type        = bool
  description = "Create the multi-region CloudTrail trail (off only for an emulator without CloudTrail)."
  default     = true
}

variable "enable_dlq_redrive_allow_policy" {
  type        = bool
  description = "Redrive-allow policies on the dead-letter queues (off only for an emulator that cannot store them)."
  default     = true
}

variable "create_backup_selection" {
  type        = bool
  description = "Create the AWS Backup selections (off only for an emulator without the Backup selection API)."
  default     = true
}

variable "create_efs_file_system_policy" {
  type        = bool
  description = "Attach the TLS-only policy to the monitoring EFS (off only for an emulator without it)."
  default     = true
}

variable "backup_vault_force_destroy" {
  type        = bool
  description = "Let destroy delete the backup vault with its recovery points; null follows the environment's protection."
  default     = null
}
