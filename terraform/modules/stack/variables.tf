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
  description = "Operator networks allowed to the monitoring web ports, and to the load balancer and the EKS API when those are on."
  default     = []

  validation {
    condition     = !var.enable_ecs_service || length(var.ops_cidrs) > 0
    error_message = "ops_cidrs must hold at least one operator network while enable_ecs_service is true: the load balancer is open to ops_cidrs only."
  }
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

variable "backup_vault_force_destroy" {
  type        = bool
  description = "Let destroy delete the backup vault with its recovery points; null follows protect."
  default     = null
}

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
    dynamodb_replicas          = optional(bool, false)
  })
  description = "What an AWS emulator lacks, by name: true leaves the thing out (backup_vault_force_destroy: true never force-destroys the vault). Leave it {} against AWS; only tests/terraform/test_emulator_apply.py sets it (see terraform/README.md, Emulator gaps)."
  default     = {}

  validation {
    condition     = var.emulator_gaps != null
    error_message = "emulator_gaps must be an object such as { cloudtrail = true }; leave it {} (the default) against AWS."
  }
}

################################################################################
# Application platform (ecs_service, eks_cluster, serverless, cicd)
################################################################################

variable "enable_ecs_service" {
  type        = bool
  description = "Run the ECS Fargate services (ecs_services) behind an HTTPS Application Load Balancer in the public subnets, with the security module's WAF."
  default     = true
}

variable "certificate_arn" {
  type        = string
  description = "ACM certificate of the load balancer's HTTPS listener (needed when enable_ecs_service is true; checked by ecs_service)."
  default     = null
}

variable "alb_access_logs_bucket" {
  type        = string
  description = "S3 bucket (SSE-S3, with the Elastic Load Balancing log-delivery policy) for the load balancer's access logs; null = off (checked by ecs_service)."
  default     = null
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
  description = "The ECS services by name, each routed by its path_patterns on the load balancer (see modules/ecs_service, input services). Secrets are Secrets Manager ARNs, never values. The load balancer is open to ops_cidrs only."
  default     = {}

  validation {
    condition     = !var.enable_ecs_service || length(var.ecs_services) > 0
    error_message = "ecs_services must hold at least one service while enable_ecs_service is true; list the services or set enable_ecs_service = false."
  }
}

variable "enable_eks_cluster" {
  type        = bool
  description = "Run the private EKS cluster in the private subnets (secrets encrypted with the secrets key)."
  default     = true
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
  description = "Managed node groups of the EKS cluster by name: instance types, ON_DEMAND or SPOT, min/desired/max size (see modules/eks_cluster, input node_groups)."
  default = {
    general = { instance_types = ["t3.medium"], min_size = 1, desired_size = 1, max_size = 2 }
  }

  validation {
    condition     = !var.enable_eks_cluster || length(var.eks_node_groups) > 0
    error_message = "eks_node_groups must hold at least one node group while enable_eks_cluster is true; add one or set enable_eks_cluster = false."
  }
}

variable "enable_serverless" {
  type        = bool
  description = "Run the VPC Lambda functions (the order status lookup on the orders table) behind the private REST API."
  default     = true
}

variable "order_status_zip_path" {
  type        = string
  description = "Package of the order status function; null = terraform/build/lambda/order_status.zip, built by tools/build_lambdas.py."
  default     = null

  validation {
    condition     = var.order_status_zip_path == null || endswith(coalesce(var.order_status_zip_path, "x"), ".zip")
    error_message = "order_status_zip_path must be null (the package tools/build_lambdas.py builds) or the path of a .zip file."
  }
}

variable "enable_cicd" {
  type        = bool
  description = "Run the delivery pipeline of this repository (CodeCommit, CodeBuild with .ci/buildspecs, CodePipeline with manual approval) that plans and applies this environment."
  default     = true
}

variable "deployment_role_arn" {
  type        = string
  description = "IAM role the pipeline's plan and apply builds assume (needed when enable_cicd is true; checked by cicd)."
  default     = null
}

variable "state_bucket_name" {
  type        = string
  description = "S3 bucket of the environment's Terraform state, which the pipeline's builds use (needed when enable_cicd is true; checked by cicd)."
  default     = null
}

variable "state_lock_table_name" {
  type        = string
  description = "DynamoDB lock table of the state; null = S3 native locking (checked by cicd)."
  default     = null
}

################################################################################
# Disaster recovery (terraform/environments/prod-with-dr composes a primary and a standby stack)
################################################################################

variable "standby_of" {
  type = object({
    name           = string
    rds_source_arn = string
  })
  description = "null: a primary stack. Set: this stack is the pilot-light standby of the primary named `name` (its stack's name, e.g. lowlat-prod): its own name gets -dr, the trades database is a cross-region read replica of rds_source_arn, the DynamoDB tables are the primary's global-table replicas, the hosts are built and stopped, and the primary's multi-region CloudTrail trail records this region (no second trail)."
  default     = null

  validation {
    condition     = var.standby_of == null || can(regex("^lowlat-[a-z][a-z0-9]{1,15}$", var.standby_of.name))
    error_message = "standby_of.name must be the primary stack's name, lowlat-<env> (e.g. lowlat-prod)."
  }
}

variable "replication" {
  type = object({
    buckets = map(object({
      destination_bucket_arn   = string
      destination_kms_key_arn  = optional(string)
      replication_time_control = optional(bool, false)
    }))
    dynamodb_replica_regions = map(string)
    backup_copy_vault_arn    = string
  })
  description = "Primary stack of a disaster-recovery pair: what is copied to the standby region. buckets: S3 cross-region replication by bucket key (archive, audit, access_logs) into the standby's buckets, under its keys; dynamodb_replica_regions: region => that region's KMS key, making the three tables global; backup_copy_vault_arn: the standby's vault every recovery point is copied to. null: nothing leaves the region."
  default     = null

  validation {
    condition     = var.replication == null || var.standby_of == null
    error_message = "replication belongs to the primary stack; a standby (standby_of set) receives copies and sends none."
  }
}

variable "failover_sync" {
  type = object({
    primary_region       = string
    primary_cluster_name = string
    primary_node_groups = map(object({
      name           = string
      instance_types = list(string)
      min_size       = number
      desired_size   = number
      max_size       = number
    }))
    health_alarm_name   = string
    health_alarm_region = string
    auto_failback       = optional(bool, false)
    zip_path            = optional(string)
  })
  description = "Standby stack only: run the sync-cluster-sizes function (lambda/sync_cluster_sizes) next to the order status function. On failover it gives this region's EKS node groups the primary's instance types and sizes (read live; primary_node_groups is what it uses when the primary cannot be read) and starts the stopped hosts; on failback it returns both to pilot light, refusing while the health alarm (in health_alarm_region) is not OK. primary_node_groups keys match eks_node_groups keys. null: no function."
  default     = null

  validation {
    condition     = var.failover_sync == null || alltrue([for g in values(try(var.failover_sync.primary_node_groups, {})) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && length(g.instance_types) > 0])
    error_message = "failover_sync.primary_node_groups: each group needs instance types and min_size <= desired_size <= max_size."
  }

  validation {
    condition     = var.failover_sync == null || (var.standby_of != null && var.enable_serverless && var.enable_eks_cluster)
    error_message = "failover_sync belongs to a standby stack (standby_of set) with enable_serverless and enable_eks_cluster on: it runs as a function there and resizes that cluster."
  }

  validation {
    condition     = var.failover_sync == null || alltrue([for k in keys(try(var.failover_sync.primary_node_groups, {})) : contains(keys(var.eks_node_groups), k)])
    error_message = "failover_sync.primary_node_groups keys must be keys of eks_node_groups: each primary group is matched by the standby group of the same key."
  }
}

variable "ingress_prefix_lists" {
  type        = map(string)
  description = "Managed prefix lists that may also reach the load balancer on 443 (ecs_service input of the same name), e.g. the Route 53 health checkers' list so the failover health check can probe the primary."
  default     = {}
}
