variable "name" {
  type        = string
  description = "Prefix for resource names, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "role" {
  type        = string
  description = "Role of the hosts; becomes the lowlat:role tag the Ansible inventory groups on."

  validation {
    condition     = contains(["engine", "feed", "venue", "monitoring"], var.role)
    error_message = "role must be one of: engine, feed, venue, monitoring."
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

variable "cluster" {
  type        = string
  description = "Trading cluster the hosts belong to; becomes the lowlat:cluster tag."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.cluster))
    error_message = "cluster must be up to 31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "instance_type" {
  type        = string
  description = "EC2 instance type. Only c5n sizes (ENA, 100 Gbit/s on 18xlarge and metal) are accepted."

  validation {
    condition     = can(regex("^c5n\\.(large|xlarge|2xlarge|4xlarge|9xlarge|18xlarge|metal)$", var.instance_type))
    error_message = "instance_type must be a c5n size: c5n.large, c5n.xlarge, c5n.2xlarge, c5n.4xlarge, c5n.9xlarge, c5n.18xlarge or c5n.metal."
  }
}

variable "instance_count" {
  type        = number
  description = "Number of hosts to launch into the cluster placement group."
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 32 && floor(var.instance_count) == var.instance_count
    error_message = "instance_count must be a whole number between 1 and 32."
  }
}

variable "subnet_id" {
  type        = string
  description = "Private subnet for the hosts. A cluster placement group lives in one AZ, so all hosts share one subnet."

  validation {
    condition     = can(regex("^subnet-[0-9a-f]{8,17}$", var.subnet_id))
    error_message = "subnet_id must look like subnet-0123456789abcdef0."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups of the hosts' tier (from the network module)."

  validation {
    condition     = length(var.security_group_ids) > 0 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", id))])
    error_message = "security_group_ids must hold at least one ID like sg-0123456789abcdef0."
  }
}

variable "ami_id" {
  type        = string
  description = "AMI to launch. It must be x86_64 and ENA-enabled; this is checked before anything is created."

  validation {
    condition     = can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0."
  }
}

variable "verify_ami" {
  type        = bool
  description = "Describe the AMI before launch and refuse one without ENA or not x86_64. Turn off only where the AMI cannot be described with its ENA flag (an emulator); a c5n host does not boot from an AMI without ENA."
  default     = true
}

variable "ami_owners" {
  type        = list(string)
  description = "Owners to look ami_id up under (account IDs, \"self\", \"amazon\")."
  default     = ["self", "amazon"]

  validation {
    condition     = length(var.ami_owners) > 0
    error_message = "ami_owners must not be empty."
  }
}

variable "root_volume_size" {
  type        = number
  description = "Size of the encrypted gp3 root volume in GiB."
  default     = 100

  validation {
    condition     = var.root_volume_size >= 20 && var.root_volume_size <= 16384
    error_message = "root_volume_size must be between 20 and 16384 GiB."
  }
}

variable "root_volume_iops" {
  type        = number
  description = "Provisioned IOPS of the gp3 root volume."
  default     = 3000

  validation {
    condition     = var.root_volume_iops >= 3000 && var.root_volume_iops <= 16000
    error_message = "root_volume_iops must be between 3000 and 16000 for gp3."
  }
}

variable "root_volume_throughput" {
  type        = number
  description = "Provisioned throughput of the gp3 root volume in MiB/s."
  default     = 125

  validation {
    condition     = var.root_volume_throughput >= 125 && var.root_volume_throughput <= 1000
    error_message = "root_volume_throughput must be between 125 and 1000 MiB/s for gp3."
  }
}

variable "host_secret_arn" {
  type        = string
  description = "Full ARN of the Secrets Manager secret these hosts may read (and nothing else)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.host_secret_arn))
    error_message = "host_secret_arn must be the full ARN of one secret, without wildcards."
  }
}

variable "host_secret_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key encrypting host_secret_arn; null when the secret uses the AWS-managed key."
  default     = null

  validation {
    condition     = var.host_secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.host_secret_kms_key_arn))
    error_message = "host_secret_kms_key_arn must be null or a KMS key ARN (not an alias)."
  }
}

variable "kms_key_admin_arns" {
  type        = list(string)
  description = "IAM principals allowed to administer (not use) the EBS key, in addition to IAM policies of the account."
  default     = []

  validation {
    condition     = alltrue([for a in var.kms_key_admin_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a))])
    error_message = "kms_key_admin_arns must be IAM role or user ARNs."
  }
}

variable "capacity_reservation_id" {
  type        = string
  description = "On-Demand Capacity Reservation (made in this placement group) to launch into; null for open capacity."
  default     = null

  validation {
    condition     = var.capacity_reservation_id == null || can(regex("^cr-[0-9a-f]{8,17}$", var.capacity_reservation_id))
    error_message = "capacity_reservation_id must be null or look like cr-0123456789abcdef0."
  }
}

variable "placement_group_name" {
  type        = string
  description = "Existing cluster placement group to launch the hosts into; null creates one for this role."
  default     = null

  validation {
    condition     = var.placement_group_name == null || can(regex("^[A-Za-z0-9._-]{1,255}$", var.placement_group_name))
    error_message = "placement_group_name must be null or 1-255 letters, digits, dots, dashes or underscores."
  }
}

variable "threads_per_core" {
  type        = number
  description = "CPU options: 1 launches with SMT off (every physical core, one thread each; what plan smt=require_off needs), 2 with SMT on; null keeps the instance type's default (SMT on)."
  default     = null

  validation {
    condition     = contains([1, 2], coalesce(var.threads_per_core, 1))
    error_message = "threads_per_core must be null, 1 (SMT off) or 2 (SMT on)."
  }
}

variable "detailed_monitoring" {
  type        = bool
  description = "CloudWatch detailed (1-minute) monitoring of the hosts."
  default     = true
}

variable "termination_protection" {
  type        = bool
  description = "Protect the hosts against API termination."
  default     = true
}

variable "initial_state" {
  type        = string
  description = "running, or stopped for a pilot-light standby region: the hosts are created (tuned AMI, placement, volumes) and then stopped, ready to start. Afterwards their state belongs to the operators and the failover function; Terraform does not start or stop them again."
  default     = "running"

  validation {
    condition     = contains(["running", "stopped"], var.initial_state)
    error_message = "initial_state must be running or stopped (pilot light)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags. The lowlat:* tags and Name are set by the module and win over these."
  default     = {}
}

################################################################################
# What the hosts' own services may send to the platform (none by default)
################################################################################

variable "metrics_namespace" {
  type        = string
  description = "CloudWatch namespace the hosts may publish custom metrics to (the engine's publisher): cloudwatch:PutMetricData, held to this namespace by the cloudwatch:namespace condition. null = none."
  default     = null

  validation {
    condition     = var.metrics_namespace == null || try(can(regex("^[A-Za-z0-9 ._/#:-]{1,250}$", var.metrics_namespace)) && !startswith(var.metrics_namespace, "AWS/"), false)
    error_message = "metrics_namespace must be null or 1-250 letters, digits, spaces or . _ / # : - characters, and must not start with AWS/ (reserved for AWS services)."
  }
}

variable "alert_topic" {
  type = object({
    arn         = string
    kms_key_arn = optional(string)
  })
  description = "SNS topic the hosts may publish alerts to (Alertmanager on the monitoring hosts), and the customer-managed KMS key that encrypts it (kms_key_arn, null for an unencrypted or AWS-managed topic). null = none."
  default     = null

  validation {
    condition = var.alert_topic == null || try(
      can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alert_topic.arn)) &&
      (var.alert_topic.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.alert_topic.kms_key_arn))),
      false
    )
    error_message = "alert_topic.arn must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) and alert_topic.kms_key_arn null or a KMS key ARN (not an alias)."
  }
}
