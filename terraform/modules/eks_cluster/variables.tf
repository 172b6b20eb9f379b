################################################################################
# Identity
################################################################################

variable "name" {
  type        = string
  description = "Name of the EKS cluster and prefix of every other resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod, ...); becomes the lowlat:env tag of every taggable resource."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every taggable resource of the module (the lowlat:env tag and the node groups' autoscaler tags win over these)."
  default     = {}
}

################################################################################
# Cluster
################################################################################

variable "kubernetes_version" {
  type        = string
  description = "Kubernetes minor version of the control plane and the node groups, e.g. \"1.33\"."
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must be a Kubernetes minor version such as \"1.30\" (major.minor, no patch and no leading v)."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC of the cluster (the network module's vpc_id); holds the additional control-plane security group."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (the network module's private_subnet_ids, in at least two availability zones) for the control-plane network interfaces and the nodes."

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "private_subnet_ids must hold at least two IDs like subnet-0123456789abcdef0 (EKS needs subnets in two availability zones)."
  }
}

variable "endpoint_public_access" {
  type        = bool
  description = "Also expose the Kubernetes API on a public endpoint, reachable only from public_access_cidrs. The private endpoint is always on."
  default     = false
}

variable "public_access_cidrs" {
  type        = list(string)
  description = "Networks allowed to reach the public API endpoint; required (non-empty, no 0.0.0.0/0) when endpoint_public_access is true, ignored otherwise."
  default     = []

  validation {
    condition     = alltrue([for c in var.public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "public_access_cidrs must be valid IPv4 CIDRs such as 192.0.2.0/27."
  }

  validation {
    condition     = !anytrue([for c in var.public_access_cidrs : endswith(c, "/0")])
    error_message = "public_access_cidrs must not contain 0.0.0.0/0 (or any /0): list the networks that may reach the public endpoint."
  }

  validation {
    condition     = !var.endpoint_public_access || length(var.public_access_cidrs) > 0
    error_message = "public_access_cidrs must list at least one CIDR when endpoint_public_access is true."
  }
}

variable "api_ingress_cidrs" {
  type        = list(string)
  description = "Networks inside the VPC or behind the transit gateway (operators, CI runners) allowed to the private API endpoint on TCP 443. Nodes reach it through the EKS cluster security group without this."
  default     = []

  validation {
    condition     = alltrue([for c in var.api_ingress_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "api_ingress_cidrs must be valid, specific IPv4 CIDRs (no /0)."
  }
}

variable "secrets_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key (symmetric, same region) for envelope encryption of Kubernetes secrets (the security module's kms_key_arns[\"secrets\"])."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key encrypting the control-plane log group (the security module's kms_key_arns[\"logs\"]); its policy must let logs.<region>.amazonaws.com use it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the control-plane log group /aws/eks/<name>/cluster in days (a CloudWatch value of at least 365)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "oidc_thumbprints" {
  type        = list(string)
  description = "SHA-1 thumbprints (40 hex digits) of the IRSA OIDC issuer's root CA. IAM ignores them for EKS issuers (it trusts its own CA library); the default is the documented root CA thumbprint of oidc.eks.<region>.amazonaws.com. [] lets IAM fetch one."
  default     = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]

  validation {
    condition     = length(var.oidc_thumbprints) <= 5 && alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "oidc_thumbprints must hold at most 5 SHA-1 thumbprints of 40 hex digits each."
  }
}

################################################################################
# Nodes
################################################################################

variable "node_groups" {
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
  description = "Managed node groups by name: instance types, ON_DEMAND or SPOT, min/desired/max size (desired is only the initial size: the cluster autoscaler owns it afterwards), root volume GiB, EKS AMI type, Kubernetes labels."
  default = {
    general = {
      instance_types = ["t3.medium"]
      capacity_type  = "ON_DEMAND"
      min_size       = 1
      desired_size   = 2
      max_size       = 10
    }
  }

  validation {
    condition     = length(var.node_groups) >= 1 && alltrue([for k in keys(var.node_groups) : can(regex("^[a-z][a-z0-9-]{0,29}$", k))])
    error_message = "node_groups must hold at least one group, each named with up to 30 lower-case letters, digits or dashes, starting with a letter (the node group name <name>-<key> has at most 63 characters)."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : length(g.instance_types) >= 1 && alltrue([for t in g.instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9-]+$", t))])])
    error_message = "Every node group needs at least one instance type such as t3.medium."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "Every node group's capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition = alltrue([for g in values(var.node_groups) : (
      floor(g.min_size) == g.min_size && floor(g.desired_size) == g.desired_size && floor(g.max_size) == g.max_size &&
      g.min_size >= 0 && g.max_size >= 1 && g.max_size <= 1000
    )])
    error_message = "Every node group needs whole-number sizes with min_size >= 0 and max_size between 1 and 1000."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size])
    error_message = "Every node group's min_size must not be greater than its desired_size."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.desired_size <= g.max_size])
    error_message = "Every node group's desired_size must not be greater than its max_size."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : g.disk_size >= 20 && g.disk_size <= 16384 && floor(g.disk_size) == g.disk_size])
    error_message = "Every node group's disk_size must be a whole number of GiB between 20 and 16384."
  }

  validation {
    condition = alltrue([for g in values(var.node_groups) : contains([
      "AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD", "AL2023_x86_64_NVIDIA", "AL2023_x86_64_NEURON",
      "BOTTLEROCKET_x86_64", "BOTTLEROCKET_ARM_64", "AL2_x86_64", "AL2_ARM_64",
    ], g.ami_type)])
    error_message = "Every node group's ami_type must be one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_x86_64_NEURON, BOTTLEROCKET_x86_64, BOTTLEROCKET_ARM_64, AL2_x86_64 or AL2_ARM_64."
  }
}

variable "node_metadata_hop_limit" {
  type        = number
  description = "IMDSv2 response hop limit of the nodes: 1 keeps pods (one network hop further) away from the node role's credentials, so they must use IRSA; 2 only for workloads that must read IMDS from a pod network namespace."
  default     = 1

  validation {
    condition     = contains([1, 2], var.node_metadata_hop_limit)
    error_message = "node_metadata_hop_limit must be 1 (pods cannot reach IMDS) or 2 (pods can)."
  }
}

variable "node_volume_kms_key_arn" {
  type        = string
  description = "ARN of a customer-managed KMS key for the nodes' encrypted root volumes; null uses the account's default EBS key. A CMK's policy must let the AWSServiceRoleForAutoScaling role use it."
  default     = null

  validation {
    condition     = var.node_volume_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.node_volume_kms_key_arn))
    error_message = "node_volume_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}

################################################################################
# Add-ons
################################################################################

variable "enable_addons" {
  type        = bool
  description = "Manage the vpc-cni, coredns and kube-proxy EKS add-ons. Keep on against AWS; off only for an emulator without the add-on API (moto)."
  default     = true
}

variable "addon_versions" {
  type = object({
    vpc_cni    = optional(string)
    coredns    = optional(string)
    kube_proxy = optional(string)
  })
  description = "Pinned versions of the add-ons (e.g. \"v1.19.2-eksbuild.1\"); null takes the default version for kubernetes_version."
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.addon_versions) : v == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", v))])
    error_message = "addon_versions values must be null or EKS add-on versions such as v1.19.2-eksbuild.1."
  }
}
