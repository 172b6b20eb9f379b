variable "name" {
  type        = string
  description = "Name prefix of the platform (the primary stack's name, e.g. lowlat-prod)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lower-case letters, digits or dashes, starting with a letter (e.g. lowlat-prod)."
  }
}

variable "env" {
  type        = string
  description = "Environment name (lowlat:env tag)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags; the module's lowlat:* tags win."
  default     = {}
}

################################################################################
# DNS
################################################################################

variable "zone_name" {
  type        = string
  description = "DNS zone of the trading endpoint, e.g. trading.example.com. Created here (public, query-logged, DNSSEC-signed) unless zone_id names an existing zone of that name."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}\\.?$", var.zone_name))
    error_message = "zone_name must be a DNS domain name such as trading.example.com."
  }
}

variable "zone_id" {
  type        = string
  description = "ID of an existing hosted zone for zone_name (its query logging and DNSSEC are then the zone owner's); null creates the zone here."
  default     = null

  validation {
    condition     = var.zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.zone_id))
    error_message = "zone_id must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ."
  }
}

variable "record_name" {
  type        = string
  description = "Label of the failover record inside the zone (record_name.zone_name is what clients resolve)."
  default     = "api"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.record_name))
    error_message = "record_name must be one DNS label (letters, digits, dashes), e.g. api."
  }
}

variable "enable_query_logging" {
  type        = bool
  description = "Log the created zone's DNS queries to /aws/route53/<zone> in us-east-1 (encrypted, log_retention_days)."
  default     = true
}

variable "enable_dnssec" {
  type        = bool
  description = "Sign the created zone with DNSSEC (a key-signing key on an ECC_NIST_P256 KMS key in us-east-1). Add the DS record at the parent zone afterwards."
  default     = true
}

variable "primary_endpoint" {
  type = object({
    dns_name = string
    zone_id  = string
  })
  description = "The primary region's load balancer: its DNS name (probed by the health check, alias target of the PRIMARY record) and its hosted zone ID."

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+$", var.primary_endpoint.dns_name)) && can(regex("^Z[A-Z0-9]{1,31}$", var.primary_endpoint.zone_id))
    error_message = "primary_endpoint needs the load balancer's DNS name and its canonical hosted zone ID (Z...)."
  }
}

variable "secondary_endpoint" {
  type = object({
    dns_name = string
    zone_id  = string
  })
  description = "The standby region's load balancer (alias target of the SECONDARY record)."

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+$", var.secondary_endpoint.dns_name)) && can(regex("^Z[A-Z0-9]{1,31}$", var.secondary_endpoint.zone_id))
    error_message = "secondary_endpoint needs the load balancer's DNS name and its canonical hosted zone ID (Z...)."
  }
}

variable "health_check" {
  type = object({
    path              = optional(string, "/orders/health")
    port              = optional(number, 443)
    request_interval  = optional(number, 10)
    failure_threshold = optional(number, 3)
    regions           = optional(list(string))
  })
  description = "HTTPS health check of the primary's endpoint: path (routed by the load balancer to a service's health endpoint), port, request_interval 10 (fast) or 30 seconds, failure_threshold 1-10 failed checks before unhealthy, regions (at least 3 Route 53 checker regions; null = Route 53's default set). Time to detect a failure: about request_interval x failure_threshold."
  default     = {}

  validation {
    condition     = startswith(var.health_check.path, "/") && var.health_check.port >= 1 && var.health_check.port <= 65535
    error_message = "health_check.path must start with / and port must be 1-65535."
  }

  validation {
    condition     = contains([10, 30], var.health_check.request_interval) && var.health_check.failure_threshold >= 1 && var.health_check.failure_threshold <= 10
    error_message = "health_check.request_interval must be 10 or 30 seconds (Route 53 offers no other), failure_threshold 1-10."
  }

  validation {
    condition     = var.health_check.regions == null || length(coalesce(var.health_check.regions, [])) >= 3
    error_message = "health_check.regions needs at least 3 Route 53 checker regions (Route 53's minimum), or null for its default set."
  }
}

variable "alarm_evaluation_periods" {
  type        = number
  description = "Minutes the health check must fail before the alarm (and the failover) fires: 1 reacts fastest, more rides out a blip."
  default     = 1

  validation {
    condition     = var.alarm_evaluation_periods >= 1 && var.alarm_evaluation_periods <= 10 && floor(var.alarm_evaluation_periods) == var.alarm_evaluation_periods
    error_message = "alarm_evaluation_periods must be a whole number of minutes from 1 to 10."
  }
}

variable "alert_email_addresses" {
  type        = list(string)
  description = "Addresses subscribed to the alarm topic (each confirms by e-mail)."
  default     = []

  validation {
    condition     = alltrue([for a in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "alert_email_addresses must be e-mail addresses."
  }
}

################################################################################
# The function the alarm drives, keys and logs
################################################################################

variable "function_name" {
  type        = string
  description = "Name of the sync-cluster-sizes function in the standby region (the standby stack's disaster_recovery.sync_function_name)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be a Lambda function name (letters, digits, - and _, at most 64)."
  }
}

variable "function_arn" {
  type        = string
  description = "ARN of that function (the standby stack's disaster_recovery.sync_function_arn)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$", var.function_arn))
    error_message = "function_arn must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Days the zone's query logs are kept."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (e.g. 30, 90, 365, 3653)."
  }
}

variable "kms_deletion_window_in_days" {
  type        = number
  description = "Waiting period before a deleted key of this module is gone (7-30)."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30 && floor(var.kms_deletion_window_in_days) == var.kms_deletion_window_in_days
    error_message = "kms_deletion_window_in_days must be a whole number of days from 7 to 30."
  }
}
