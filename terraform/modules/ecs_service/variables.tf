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
# Network (from the network module)
################################################################################

variable "vpc_id" {
  type        = string
  description = "ID of the VPC (network module) the load balancer, the services and their security groups live in."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "public_subnet_ids" {
  type        = list(string)
  description = "Public subnets (network module), one per availability zone, for the Application Load Balancer."

  validation {
    condition     = length(var.public_subnet_ids) >= 2 && length(distinct(var.public_subnet_ids)) == length(var.public_subnet_ids) && alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "public_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (an Application Load Balancer spans two or more availability zones)."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (network module), one per availability zone, for the Fargate tasks (no public IPs)."

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && length(distinct(var.private_subnet_ids)) == length(var.private_subnet_ids) && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "private_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (tasks are spread over two or more availability zones)."
  }
}

variable "ingress_cidrs" {
  type        = list(string)
  description = "IPv4 CIDRs allowed to reach the load balancer on 443 (and 80, which only redirects to 443), e.g. the office and VPN ranges. 0.0.0.0/0 only together with public_ingress = true."

  validation {
    condition     = length(var.ingress_cidrs) > 0 && alltrue([for c in var.ingress_cidrs : can(cidrhost(c, 0)) && can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c))])
    error_message = "ingress_cidrs must hold at least one valid IPv4 CIDR such as 203.0.113.0/24."
  }

  validation {
    condition     = var.public_ingress || alltrue([for c in var.ingress_cidrs : !endswith(c, "/0")])
    error_message = "ingress_cidrs may contain 0.0.0.0/0 only when public_ingress is true; list the office and VPN ranges instead, or set public_ingress = true on purpose."
  }
}

variable "ingress_prefix_lists" {
  type        = map(string)
  description = "Name => managed prefix list ID that may also reach the load balancer on 443, e.g. { route53_health_checks = <the id of com.amazonaws.REGION.route53-healthchecks> } so a Route 53 health check can probe the endpoint. A map, so the rules are known at plan time. {} by default."
  default     = {}

  validation {
    condition     = alltrue([for k, p in var.ingress_prefix_lists : can(regex("^[a-z][a-z0-9_-]{0,31}$", k)) && can(regex("^pl-[0-9a-f]{8}([0-9a-f]{9})?$", p))])
    error_message = "ingress_prefix_lists must map short lower-case names (e.g. route53_health_checks) to prefix list IDs like pl-0123456789abcdef0."
  }
}

variable "public_ingress" {
  type        = bool
  description = "Explicitly allow ingress_cidrs to contain 0.0.0.0/0 (the applications open to the whole internet, behind the WAF). Off by default."
  default     = false
}

variable "service_https_egress_cidrs" {
  type        = list(string)
  description = "IPv4 CIDRs the tasks may reach on 443: ECR, S3 (image layers), CloudWatch Logs and Secrets Manager through the NAT gateways or interface endpoints. Narrow it to the VPC CIDR when every AWS API has an interface endpoint."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.service_https_egress_cidrs : can(cidrhost(c, 0)) && can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c))])
    error_message = "service_https_egress_cidrs must hold valid IPv4 CIDRs such as 10.0.0.0/16."
  }
}

variable "service_egress_security_groups" {
  type = map(object({
    security_group_id = string
    port              = number
  }))
  description = "Further TCP egress of the tasks, by name: { security_group_id, port } of what they call, e.g. { rds = { security_group_id = \"sg-...\", port = 5432 } }. Empty by default."
  default     = {}

  validation {
    condition = alltrue([
      for k, e in var.service_egress_security_groups :
      can(regex("^[a-z][a-z0-9-]{0,31}$", k)) && can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", e.security_group_id)) &&
      e.port >= 1 && e.port <= 65535 && floor(e.port) == e.port
    ])
    error_message = "service_egress_security_groups must map short lower-case names to a security_group_id like sg-0123456789abcdef0 and a whole TCP port between 1 and 65535."
  }
}

################################################################################
# Keys and logs (from the security module)
################################################################################

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the logs KMS CMK (security module): encrypts the services' log groups, the execute-command log group and ECS Exec sessions. Its key policy must let logs.REGION.amazonaws.com use it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "secrets_kms_key_arn" {
  type        = string
  description = "ARN of the secrets KMS CMK (security module) that encrypts the Secrets Manager secrets the services read; the execution roles may decrypt with it through Secrets Manager only."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the service and execute-command log groups in days (at least one year for audit)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

################################################################################
# Load balancer
################################################################################

variable "certificate_arn" {
  type        = string
  description = "ARN of the ACM certificate of the HTTPS listener (issued or imported in ACM, same region)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/UUID), not an IAM server certificate or a domain name."
  }
}

variable "alb_deletion_protection" {
  type        = bool
  description = "Deletion protection of the load balancer. Keep it on; turn it off only to tear an environment down."
  default     = true
}

variable "alb_access_logs_bucket" {
  type        = string
  description = "Name of the S3 bucket (SSE-S3 encrypted, with a policy letting Elastic Load Balancing write) for the load balancer's access logs, under the prefix <name>/. null = access logs off; set it in prod (see README)."
  default     = null

  validation {
    condition     = var.alb_access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.alb_access_logs_bucket))
    error_message = "alb_access_logs_bucket must be null or an S3 bucket name (3-63 lower-case letters, digits, dots or dashes), not an ARN."
  }
}

################################################################################
# Services
################################################################################

variable "services" {
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
  description = "The applications, by service name (1-16 lower-case letters, digits, dashes): image, Fargate cpu/memory, container_port, the ALB path_patterns routed to it, health_check_path, desired/min/max task counts, target_cpu_percent of the autoscaling, environment (non-secret values), secrets (env name => Secrets Manager ARN, optionally with :json-key:version-stage:version-id), user (numeric non-root UID[:GID]; null = the image's USER), writable_paths (ephemeral volumes on the read-only root), priority of the listener rule (null = 1000 + position in name order) and task_role_policy_json (extra task role policy; null = no permissions)."

  validation {
    condition     = length(var.services) > 0 && alltrue([for k in keys(var.services) : can(regex("^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$", k))])
    error_message = "services must hold at least one service, each named with 1-16 lower-case letters, digits or dashes, starting with a letter and not ending with a dash."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) : contains(lookup({
        "256"   = [512, 1024, 2048]
        "512"   = range(1024, 4097, 1024)
        "1024"  = range(2048, 8193, 1024)
        "2048"  = range(4096, 16385, 1024)
        "4096"  = range(8192, 30721, 1024)
        "8192"  = range(16384, 61441, 4096)
        "16384" = range(32768, 122881, 8192)
      }, tostring(s.cpu), []), s.memory)
    ])
    error_message = "Every service's cpu and memory must be a Fargate combination: cpu 256 with memory 512, 1024 or 2048; 512 with 1024-4096; 1024 with 2048-8192; 2048 with 4096-16384; 4096 with 8192-30720 (steps of 1024); 8192 with 16384-61440 (steps of 4096); 16384 with 32768-122880 (steps of 8192)."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.container_port >= 1024 && s.container_port <= 65535 && floor(s.container_port) == s.container_port])
    error_message = "Every service's container_port must be a whole unprivileged TCP port between 1024 and 65535 (the containers do not run as root)."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) :
      can(regex("^([a-z0-9][a-z0-9.-]*(:[0-9]+)?/)?[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", s.image)) &&
      !endswith(s.image, ":latest")
    ])
    error_message = "Every service's image must be REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST with a tag other than latest, so a deployment names one image."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) :
      floor(s.min_count) == s.min_count && floor(s.desired_count) == s.desired_count && floor(s.max_count) == s.max_count &&
      s.min_count >= 1 && s.min_count <= s.desired_count && s.desired_count <= s.max_count && s.max_count <= 100
    ])
    error_message = "Every service's counts must be whole numbers with 1 <= min_count <= desired_count <= max_count <= 100."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : s.target_cpu_percent >= 10 && s.target_cpu_percent <= 90])
    error_message = "Every service's target_cpu_percent must be between 10 and 90."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) :
      length(s.path_patterns) >= 1 && length(s.path_patterns) <= 5 &&
      alltrue([for p in s.path_patterns : can(regex("^/[A-Za-z0-9_.~/*?&=:%+@!$'(),;-]{0,127}$", p))])
    ])
    error_message = "Every service's path_patterns must hold 1-5 patterns, each starting with \"/\" and at most 128 characters without spaces."
  }

  validation {
    condition     = alltrue([for s in values(var.services) : can(regex("^/[A-Za-z0-9_.~/?&=%+-]*$", s.health_check_path)) && length(s.health_check_path) <= 1024])
    error_message = "Every service's health_check_path must start with \"/\" and be a URL path without spaces or wildcards."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) :
      alltrue([for n in concat(keys(s.environment), keys(s.secrets)) : can(regex("^[A-Za-z_][A-Za-z0-9_]{0,254}$", n))]) &&
      length(setintersection(keys(s.environment), keys(s.secrets))) == 0
    ])
    error_message = "Every service's environment and secrets names must be environment variable names (letters, digits, underscores, not starting with a digit), and no name may be in both."
  }

  validation {
    condition = alltrue(flatten([
      for s in values(var.services) : [
        for v in values(s.secrets) :
        can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[A-Za-z0-9_.-]*:[A-Za-z0-9_-]*:[A-Za-z0-9-]*)?$", v))
      ]
    ]))
    error_message = "Every service's secrets must map names to Secrets Manager secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, optionally followed by :json-key:version-stage:version-id), never to values."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) : s.user == null || can(regex("^[1-9][0-9]{0,9}(:[0-9]{1,10})?$", s.user))
    ])
    error_message = "Every service's user must be null or a numeric non-root UID or UID:GID such as 1000:1000."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) :
      length(s.writable_paths) <= 10 && alltrue([for p in s.writable_paths : can(regex("^(/[A-Za-z0-9_.-]+)+$", p))])
    ])
    error_message = "Every service's writable_paths must be at most 10 absolute directory paths such as /tmp (not / itself)."
  }

  validation {
    condition = length(distinct([
      for i, k in sort(keys(var.services)) : coalesce(var.services[k].priority, 1000 + i)
      ])) == length(var.services) && alltrue([
      for s in values(var.services) : s.priority == null || (try(s.priority >= 1 && s.priority <= 999 && floor(s.priority) == s.priority, false))
    ])
    error_message = "Every service's priority must be null or a distinct whole number between 1 and 999 (1000 and up are given to services without one)."
  }

  validation {
    condition = alltrue([
      for s in values(var.services) : s.task_role_policy_json == null || can(jsondecode(s.task_role_policy_json).Statement)
    ])
    error_message = "Every service's task_role_policy_json must be null or an IAM policy document in JSON with a Statement."
  }
}

variable "enable_execute_command" {
  type        = bool
  description = "ECS Exec into the tasks (SSM sessions, logged to the KMS-encrypted execute-command log group). Off by default; on adds the SSM channel permissions to the task roles and writable directories for the SSM agent."
  default     = false
}

variable "enable_autoscaling" {
  type        = bool
  description = "CPU target-tracking autoscaling of every service between its min_count and max_count. Off only for the moto emulator, which lacks Application Auto Scaling's tag APIs (see Emulator gaps)."
  default     = true
}
