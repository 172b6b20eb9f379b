variable "env" {
  type        = string
  description = "Environment name (lowlat:env tag and name prefix), e.g. dev or prod."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "termination_protection" {
  type        = bool
  description = "Protect the hosts against API termination (off only for disposable environments)."
  default     = true
}

variable "detailed_monitoring" {
  type        = bool
  description = "CloudWatch detailed (1-minute) monitoring of the hosts."
  default     = true
}

variable "cluster" {
  type        = string
  description = "Trading cluster name (lowlat:cluster tag)."
  default     = "ldn1"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.cluster))
    error_message = "cluster must be up to 31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR block of the VPC."

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR."
  }
}

variable "subnets" {
  type = map(object({
    public_cidr  = string
    private_cidr = string
  }))
  description = "Subnet CIDRs keyed by availability zone (at least two)."

  validation {
    condition     = length(var.subnets) >= 2
    error_message = "subnets must cover at least two availability zones."
  }
}

variable "trading_az" {
  type        = string
  description = "Availability zone (a key of subnets) of the cluster placement groups; pick the one closest to the venues."

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", var.trading_az))
    error_message = "trading_az must be an availability zone name such as eu-west-2a."
  }

  validation {
    condition     = contains(keys(var.subnets), var.trading_az)
    error_message = "trading_az must be one of the availability zones in subnets."
  }
}

variable "ami_id" {
  type        = string
  description = "ENA-enabled x86_64 AMI of the hosts (a pinned, tested image; never \"latest\")."

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "verify_ami" {
  type        = bool
  description = "Refuse an AMI without ENA or not x86_64 before launch (see modules/trading_hosts); off only against an emulator."
  default     = true
}

variable "host_groups" {
  type = map(object({
    instance_type        = string
    instances            = number
    threads_per_core     = optional(number)
    placement_group_name = optional(string)
  }))
  description = "Hosts per role (engine, feed, venue, monitoring). Each role gets its own cluster placement group unless placement_group_name names an existing one; threads_per_core = 1 launches with SMT off."

  validation {
    condition     = alltrue([for role in keys(var.host_groups) : contains(["engine", "feed", "venue", "monitoring"], role)])
    error_message = "host_groups keys must be roles: engine, feed, venue, monitoring."
  }
}

variable "host_secret_arns" {
  type        = map(string)
  description = "Secrets Manager secret ARN per role in host_groups; each role's hosts may read only their own."

  validation {
    condition     = alltrue([for arn in values(var.host_secret_arns) : can(regex("^arn:aws[a-z-]*:secretsmanager:", arn))])
    error_message = "host_secret_arns values must be Secrets Manager ARNs."
  }

  validation {
    condition     = alltrue([for role in keys(var.host_groups) : contains(keys(var.host_secret_arns), role)])
    error_message = "host_secret_arns needs a secret ARN for every role in host_groups."
  }
}

variable "kms_key_admin_arns" {
  type        = list(string)
  description = "IAM roles that administer the hosts' EBS keys."
  default     = []
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
  description = "sockperf latency probe port opened between engines (UDP and TCP) while the probe runs; null = closed."
  default     = null
}

variable "direct_connect_gateway_id" {
  type        = string
  description = "Direct Connect gateway of the primary venue path; null when there is none yet."
  default     = null
}

variable "enable_vpn_backup" {
  type        = bool
  description = "Create the site-to-site IPsec VPN backup path."
  default     = false
}

variable "customer_gateway_ip" {
  type        = string
  description = "Public IPv4 of the on-premises VPN device (needed when enable_vpn_backup is true)."
  default     = null
}

variable "customer_gateway_bgp_asn" {
  type        = number
  description = "BGP ASN of the on-premises VPN device."
  default     = 65000
}

################################################################################
# Platform services (security, events, data, observability)
################################################################################

variable "persona_principal_arns" {
  type        = map(list(string))
  description = "Persona (trader, risk_manager, compliance_auditor, platform_operator) => IAM principals that may assume its role with MFA (security module)."
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Waiting period in days before a scheduled deletion of a data-class key takes effect (7-30)."
  default     = 30
}

variable "secret_recovery_window_in_days" {
  type        = number
  description = "Days a deleted platform secret can still be restored (7-30; 0 only for throw-away environments)."
  default     = 30
}

variable "enable_cloudtrail" {
  type        = bool
  description = "Create the multi-region CloudTrail trail (off only for an emulator without CloudTrail)."
  default     = true
}

variable "shard_count" {
  type        = number
  description = "Shards of the market data stream."
  default     = 10
}

variable "alert_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the alerts topic."
  default     = []
}

variable "enable_dlq_redrive_allow_policy" {
  type        = bool
  description = "Redrive-allow policies on the dead-letter queues (off only for an emulator that cannot store them)."
  default     = true
}

variable "protect" {
  type        = bool
  description = "Protect the stores against deletion (RDS deletion protection and final snapshot, DynamoDB deletion protection, no force_destroy). null follows env: on in prod."
  default     = null
}

variable "rds_instance_class" {
  type        = string
  description = "Instance class of the trade-history PostgreSQL database."
  default     = "db.r6g.large"
}

variable "multi_az" {
  type        = bool
  description = "Run the PostgreSQL database Multi-AZ (required in prod)."
  default     = true
}

variable "object_lock" {
  type        = bool
  description = "Object Lock in compliance mode on the audit bucket (cannot be turned off once on)."
  default     = true
}

variable "backup_vault_lock" {
  type        = bool
  description = "Lock the backup vault in compliance mode (recovery points cannot be deleted early)."
  default     = true
}

variable "create_backup_selection" {
  type        = bool
  description = "Create the AWS Backup selections (off only for an emulator without the Backup selection API)."
  default     = true
}

variable "create_efs_file_system_policy" {
  type        = bool
  description = "Attach the TLS-only file system policy to the monitoring EFS (off only for an emulator without it)."
  default     = true
}

variable "backup_vault_force_destroy" {
  type        = bool
  description = "Let destroy delete the backup vault with its recovery points; null follows protect."
  default     = null
}
