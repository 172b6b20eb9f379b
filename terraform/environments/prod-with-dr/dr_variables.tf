# Inputs of the standby region and the failover path. The primary's inputs are prod's own
# (variables.tf is prod's file), so the primary here is prod exactly.

variable "dr_region" {
  type        = string
  description = "AWS region of the pilot-light standby."
  default     = "eu-west-1"

  validation {
    condition     = var.dr_region != var.region && var.dr_region != "us-east-1"
    error_message = "dr_region must differ from region (the primary) and from us-east-1 (where the failover alarm lives, so a us-east-1 outage cannot take the alarm and the standby together)."
  }
}

variable "dr_ami_id" {
  type        = string
  description = "The hosts' AMI in dr_region (AMIs are regional: copy the pinned image there)."
}

variable "dr_host_groups" {
  type = map(object({
    instance_type        = string
    instances            = number
    threads_per_core     = optional(number)
    placement_group_name = optional(string)
  }))
  description = "Standby hosts per role, built and stopped (pilot light); the failover function starts them. null: the primary's host_groups."
  default     = null
}

variable "dr_host_secret_arns" {
  type        = map(string)
  description = "Secrets Manager secret ARN per role in dr_region (replicas of the primary's host secrets)."
}

variable "dr_certificate_arn" {
  type        = string
  description = "ACM certificate in dr_region for the standby load balancer (same names as the primary's)."
}

variable "dr_eks_node_groups" {
  type = map(object({
    instance_types = list(string)
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = number
    desired_size   = number
    max_size       = number
    disk_size      = optional(number, 50)
    ami_type       = optional(string, "AL2023_x86_64_STANDARD")
    labels         = optional(map(string), {})
  }))
  description = "The standby cluster's node groups at pilot light, keyed like eks_node_groups (the failover function matches each to the primary group of the same key)."
  default = {
    general = { instance_types = ["t3.small"], min_size = 1, desired_size = 1, max_size = 2 }
  }
}

variable "dr_shard_count" {
  type        = number
  description = "Shards of the standby's market data stream while it is a standby (raise it at failover)."
  default     = 2
}

variable "zone_name" {
  type        = string
  description = "DNS zone of the trading endpoint (created, query-logged and DNSSEC-signed; delegate it to the output name servers)."
}

variable "failover_record_name" {
  type        = string
  description = "Label of the failover record: <failover_record_name>.<zone_name> is what clients resolve."
  default     = "api"
}

variable "failover_health_check_path" {
  type        = string
  description = "Path the Route 53 health check requests on the primary's load balancer (a service's health endpoint, routed by its path pattern)."
  default     = "/orders/healthz"
}

variable "route53_health_check_prefix_list_id" {
  type        = string
  description = "ID of the AWS-managed prefix list com.amazonaws.<region>.route53-healthchecks in the primary region (aws ec2 describe-managed-prefix-lists), admitted on 443 so the health checkers reach the load balancer."
}

variable "auto_failback" {
  type        = bool
  description = "Fail back automatically when the health alarm returns to OK. Off by default: a recovered endpoint is not yet a caught-up primary; operators fail back with the runbook (docs/disaster-recovery.md)."
  default     = false
}

variable "replication_time_control" {
  type        = bool
  description = "S3 Replication Time Control on the tick archive and audit buckets (15-minute replication SLA, charged per GB)."
  default     = true
}

# What an AWS emulator lacks of the pairing (tests/terraform/test_emulator_dr.py). {} against AWS.
variable "dr_emulator_gaps" {
  type = object({
    dynamodb_replicas = optional(bool, false)
    dnssec            = optional(bool, false)
    query_logging     = optional(bool, false)
  })
  description = "Only for an AWS emulator: the DynamoDB global-table replicas, the zone's DNSSEC signing and its query logging, left out by name (see terraform/README.md, Emulator gaps). {} against AWS."
  default     = {}
}
