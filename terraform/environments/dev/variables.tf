variable "region" {
  type        = string
  description = "AWS region of the environment."
  default     = "eu-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-2."
  }
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

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}$", var.cluster))
    error_message = "cluster must be up to 31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "vpc_cidr" {
  type        = string
  description = "IPv4 CIDR block of the VPC."
  default     = "10.40.0.0/16"

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
  default = {
    "eu-west-2a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
    "eu-west-2b" = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
  }

  validation {
    condition     = length(var.subnets) >= 2
    error_message = "subnets must cover at least two availability zones."
  }
}

variable "trading_az" {
  type        = string
  description = "Availability zone (a key of subnets) of the cluster placement groups; pick the one closest to the venues."
  default     = "eu-west-2a"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", var.trading_az))
    error_message = "trading_az must be an availability zone name such as eu-west-2a."
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

variable "host_groups" {
  type = map(object({
    instance_type = string
    instances     = number
  }))
  description = "Hosts per role (engine, feed, venue, monitoring); each role gets its own cluster placement group."
  default = {
    engine     = { instance_type = "c5n.xlarge", instances = 1 }
    feed       = { instance_type = "c5n.large", instances = 1 }
    monitoring = { instance_type = "c5n.large", instances = 1 }
  }

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

variable "tags" {
  type        = map(string)
  description = "Extra tags applied to every resource through the provider's default_tags."
  default     = {}
}
