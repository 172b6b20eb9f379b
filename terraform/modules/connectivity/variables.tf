variable "name" {
  type        = string
  description = "Prefix for resource names, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "vpc_id" {
  type        = string
  description = "VPC to attach to the transit gateway."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets (one per AZ, normally the private ones) that hold the transit gateway attachment's interfaces."

  validation {
    condition     = length(var.subnet_ids) >= 1 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", id))])
    error_message = "subnet_ids must hold at least one ID like subnet-0123456789abcdef0."
  }
}

variable "route_table_ids" {
  type        = map(string)
  description = "VPC route tables that get routes to onprem_cidrs through the transit gateway, keyed by a static name (e.g. the AZ)."
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.route_table_ids) : can(regex("^rtb-[0-9a-f]{8,17}$", id))])
    error_message = "route_table_ids values must look like rtb-0123456789abcdef0."
  }
}

variable "onprem_cidrs" {
  type        = list(string)
  description = "Venue and office networks reached through the transit gateway (Direct Connect first, VPN as backup)."
  default     = []

  validation {
    condition     = alltrue([for c in var.onprem_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "onprem_cidrs must be valid, specific IPv4 CIDRs (no default route)."
  }
}

variable "amazon_side_asn" {
  type        = number
  description = "Private BGP ASN of the transit gateway."
  default     = 64512

  validation {
    condition = (
      (var.amazon_side_asn >= 64512 && var.amazon_side_asn <= 65534) ||
      (var.amazon_side_asn >= 4200000000 && var.amazon_side_asn <= 4294967294)
    )
    error_message = "amazon_side_asn must be a private ASN (64512-65534 or 4200000000-4294967294)."
  }
}

variable "direct_connect_gateway_id" {
  type        = string
  description = "Direct Connect gateway of the primary path to associate with the transit gateway; null to skip."
  default     = null

  validation {
    condition     = var.direct_connect_gateway_id == null || can(regex("^[0-9a-f-]{36}$", var.direct_connect_gateway_id))
    error_message = "direct_connect_gateway_id must be null or a Direct Connect gateway ID (a UUID)."
  }
}

variable "direct_connect_allowed_prefixes" {
  type        = list(string)
  description = "Prefixes advertised to the on-premises side over Direct Connect (normally the VPC CIDR)."
  default     = []

  validation {
    condition     = alltrue([for c in var.direct_connect_allowed_prefixes : can(cidrhost(c, 0))])
    error_message = "direct_connect_allowed_prefixes must be valid IPv4 CIDRs."
  }
}

variable "enable_vpn_backup" {
  type        = bool
  description = "Create the customer gateway and the site-to-site IPsec VPN used as the backup path."
  default     = false
}

variable "customer_gateway_ip" {
  type        = string
  description = "Public IPv4 address of the on-premises VPN device; required when enable_vpn_backup is true."
  default     = null

  validation {
    condition     = var.customer_gateway_ip == null || can(regex("^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$", var.customer_gateway_ip))
    error_message = "customer_gateway_ip must be null or a dotted IPv4 address."
  }
}

variable "customer_gateway_bgp_asn" {
  type        = number
  description = "BGP ASN of the on-premises VPN device."
  default     = 65000

  validation {
    condition     = var.customer_gateway_bgp_asn >= 1 && var.customer_gateway_bgp_asn <= 2147483647
    error_message = "customer_gateway_bgp_asn must be between 1 and 2147483647."
  }
}

variable "vpn_log_retention_days" {
  type        = number
  description = "Retention of the VPN tunnel log group in days."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.vpn_log_retention_days)
    error_message = "vpn_log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource of the module."
  default     = {}
}
