variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "cidr_block" {
  type        = string
  description = "IPv4 CIDR block of the VPC."

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && can(regex("/(1[6-9]|2[0-4])$", var.cidr_block))
    error_message = "cidr_block must be a valid IPv4 CIDR between /16 and /24."
  }
}

variable "subnets" {
  type = map(object({
    public_cidr  = string
    private_cidr = string
  }))
  description = "Subnet CIDRs keyed by availability zone name. Every AZ gets one public subnet (NAT gateway) and one private subnet (hosts)."

  validation {
    condition     = length(var.subnets) >= 2
    error_message = "subnets must cover at least two availability zones."
  }

  validation {
    condition = alltrue(flatten([
      for az, s in var.subnets : [can(cidrhost(s.public_cidr, 0)), can(cidrhost(s.private_cidr, 0))]
    ]))
    error_message = "Every public_cidr and private_cidr must be a valid IPv4 CIDR."
  }
}

variable "flow_log_retention_days" {
  type        = number
  description = "Retention of the VPC flow log group in days (at least one year for audit)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "flow_log_traffic_type" {
  type        = string
  description = "Which traffic the VPC flow log records: ACCEPT, REJECT or ALL."
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

variable "node_exporter_port" {
  type        = number
  description = "TCP port of the Prometheus node_exporter on every host."
  default     = 9100

  validation {
    condition     = var.node_exporter_port >= 1024 && var.node_exporter_port <= 65535
    error_message = "node_exporter_port must be an unprivileged TCP port (1024-65535)."
  }
}

variable "engine_metrics_port" {
  type        = number
  description = "TCP port on which the trading engine exposes its Prometheus metrics."
  default     = 9102

  validation {
    condition     = var.engine_metrics_port >= 1024 && var.engine_metrics_port <= 65535
    error_message = "engine_metrics_port must be an unprivileged TCP port (1024-65535)."
  }
}

variable "market_data_udp_ports" {
  type = object({
    from = number
    to   = number
  })
  description = "UDP port range of the market data feed (unicast or multicast) that feed handlers publish to the engines."
  default = {
    from = 30001
    to   = 30010
  }

  validation {
    condition = (
      var.market_data_udp_ports.from >= 1024 &&
      var.market_data_udp_ports.to <= 65535 &&
      var.market_data_udp_ports.from <= var.market_data_udp_ports.to
    )
    error_message = "market_data_udp_ports must be an ordered range inside 1024-65535."
  }
}

variable "latency_probe_port" {
  type        = number
  description = "Port of the sockperf latency probe (playbooks/latency_probe.yml, latency_probe_sockperf_port) opened between engines over UDP and TCP, for the probe's window. null = closed."
  default     = null

  validation {
    # coalesce: comparisons on null fail, and Terraform evaluates both sides of || and ?:.
    condition = (
      coalesce(var.latency_probe_port, 1024) >= 1024 &&
      coalesce(var.latency_probe_port, 1024) <= 65535 &&
      floor(coalesce(var.latency_probe_port, 1024)) == coalesce(var.latency_probe_port, 1024)
    )
    error_message = "latency_probe_port must be null or a whole port number inside 1024-65535."
  }
}

variable "market_data_source_cidrs" {
  type        = list(string)
  description = "Venue networks (reached through the transit gateway) that send the raw feed to the market data tier."
  default     = []

  validation {
    condition     = alltrue([for c in var.market_data_source_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "market_data_source_cidrs must be valid, specific IPv4 CIDRs (no /0)."
  }
}

variable "venue_cidrs" {
  type        = list(string)
  description = "Venue order-entry networks the engine tier may connect to."
  default     = []

  validation {
    condition     = alltrue([for c in var.venue_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "venue_cidrs must be valid, specific IPv4 CIDRs (no /0)."
  }
}

variable "venue_tcp_ports" {
  type        = list(number)
  description = "TCP ports (FIX / native order entry) the engine tier may open towards venue_cidrs."
  default     = []

  validation {
    condition     = alltrue([for p in var.venue_tcp_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "venue_tcp_ports must be TCP port numbers (1-65535)."
  }
}

variable "ops_cidrs" {
  type        = list(string)
  description = "Operator networks allowed to reach the monitoring tier's web ports (Prometheus, Grafana)."
  default     = []

  validation {
    condition     = alltrue([for c in var.ops_cidrs : can(cidrhost(c, 0)) && !endswith(c, "/0")])
    error_message = "ops_cidrs must be valid, specific IPv4 CIDRs (no /0)."
  }
}

variable "monitoring_web_ports" {
  type        = list(number)
  description = "TCP ports of the monitoring tier reachable from ops_cidrs."
  default     = [9090, 9093, 3000]

  validation {
    condition     = alltrue([for p in var.monitoring_web_ports : p >= 1 && p <= 65535 && floor(p) == p])
    error_message = "monitoring_web_ports must be TCP port numbers (1-65535)."
  }
}

variable "https_egress_cidrs" {
  type        = list(string)
  description = "Destinations every tier may reach on TCP 443 through the NAT gateways (package mirrors, AWS APIs without an endpoint). Empty list = no internet egress."
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.https_egress_cidrs : can(cidrhost(c, 0))])
    error_message = "https_egress_cidrs must be valid IPv4 CIDRs."
  }

  validation {
    condition     = length(var.https_egress_cidrs) <= 50
    error_message = "https_egress_cidrs takes at most 50 CIDRs (each needs NACL rule numbers 200-249 and 250-299); summarise them."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags for every resource of the module."
  default     = {}
}
