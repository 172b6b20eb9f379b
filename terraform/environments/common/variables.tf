# Inputs that belong to the account and the venues, the same in every environment (each links
# this file); their checks live in modules/stack. What makes an environment itself (its sizes,
# protections, networks) is written in its main.tf.

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
  description = "Hosts per role (engine, feed, venue, monitoring); see modules/stack. null: the environment's sizes (local.host_groups in its main.tf)."
  default     = null
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

variable "persona_principal_arns" {
  type        = map(list(string))
  description = "Persona (trader, risk_manager, compliance_auditor, platform_operator) => IAM principals that may assume its role with MFA."
}

variable "alert_email_addresses" {
  type        = list(string)
  description = "E-mail addresses subscribed to the platform's alerts topic."
  default     = []
}

################################################################################
# Application platform: ECS services behind the HTTPS load balancer, EKS, the pipeline
################################################################################

variable "certificate_arn" {
  type        = string
  description = "ACM certificate (issued or imported in this region) of the load balancer's HTTPS listener."
}

variable "ecs_services" {
  type = map(object({
    image                 = string
    cpu                   = number
    memory                = number
    container_port        = number
    path_patterns         = list(string)
    health_check_path     = string
    desired_count         = optional(number, 2)
    min_count             = optional(number, 2)
    max_count             = optional(number, 4)
    target_cpu_percent    = optional(number, 60)
    environment           = optional(map(string), {})
    secrets               = optional(map(string), {})
    user                  = optional(string)
    writable_paths        = optional(list(string), ["/tmp"])
    priority              = optional(number)
    task_role_policy_json = optional(string)
  }))
  description = "ECS Fargate services by name, each routed by its path_patterns on the load balancer (see modules/ecs_service); secrets are Secrets Manager ARNs, never values."
}

variable "eks_node_groups" {
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
  description = "Managed node groups of the EKS cluster. null: the environment's node groups (local.eks_node_groups in its main.tf)."
  default     = null
}

variable "deployment_role_arn" {
  type        = string
  description = "IAM role the pipeline's plan and apply builds assume to deploy this environment (its trust policy allows the pipeline's deploy role)."
}

# What an AWS emulator lacks (tests/terraform/test_emulator_apply.py): true leaves the thing out.
# Leave it {} against AWS.
variable "emulator_gaps" {
  type = object({
    cloudtrail                 = optional(bool, false)
    dlq_redrive_allow_policy   = optional(bool, false)
    backup_selection           = optional(bool, false)
    efs_file_system_policy     = optional(bool, false)
    backup_vault_force_destroy = optional(bool, false)
    ecs_autoscaling            = optional(bool, false)
    eks_addons                 = optional(bool, false)
    api_resource_policy        = optional(bool, false)
    api_client_certificate     = optional(bool, false)
    codecommit_repository      = optional(bool, false)
    codebuild_projects         = optional(bool, false)
  })
  description = "Only for an AWS emulator: what it lacks, by name (see terraform/README.md, Emulator gaps). {} against AWS."
  default     = {}
}
