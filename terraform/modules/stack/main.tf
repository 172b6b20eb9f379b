# One trading environment: the network, a group of hosts per role and the on-premises paths.
# Environments (terraform/environments/*) are a backend, a provider and one call of this module.

locals {
  standby = var.standby_of != null
  name    = local.standby ? "${var.standby_of.name}-dr" : "lowlat-${var.env}"
  # Where a host stands: the pilot-light standby's hosts are the ones the failover function starts.
  site_tags = { "lowlat:site" = local.standby ? "standby" : "primary" }

  # Security group tier of each host role: order gateways ("venue") sit with the engines.
  role_tier = {
    engine     = "engine"
    venue      = "engine"
    feed       = "market_data"
    monitoring = "monitoring"
  }

  onprem_cidrs = distinct(concat(var.market_data_source_cidrs, var.venue_cidrs, var.ops_cidrs))
}

module "network" {
  source = "../network"

  name       = local.name
  cidr_block = var.vpc_cidr
  subnets    = var.subnets

  market_data_source_cidrs = var.market_data_source_cidrs
  venue_cidrs              = var.venue_cidrs
  venue_tcp_ports          = var.venue_tcp_ports
  ops_cidrs                = var.ops_cidrs
  latency_probe_port       = var.latency_probe_port
}

module "hosts" {
  source   = "../trading_hosts"
  for_each = var.host_groups

  name    = local.name
  role    = each.key
  env     = var.env
  cluster = var.cluster

  instance_type        = each.value.instance_type
  instance_count       = each.value.instances
  threads_per_core     = each.value.threads_per_core
  placement_group_name = each.value.placement_group_name
  ami_id               = var.ami_id
  verify_ami           = var.verify_ami
  subnet_id            = module.network.private_subnet_ids[var.trading_az]
  security_group_ids   = [module.network.security_group_ids[local.role_tier[each.key]]]

  host_secret_arn    = var.host_secret_arns[each.key]
  kms_key_admin_arns = var.kms_key_admin_arns

  detailed_monitoring    = var.detailed_monitoring
  termination_protection = var.termination_protection
  initial_state          = local.standby ? "stopped" : "running"
  tags                   = local.site_tags

  # The engines publish their metrics for the alarms; Alertmanager (monitoring) publishes to the alert topic.
  metrics_namespace = each.key == "engine" ? module.observability.engine_metrics.namespace : null
  alert_topic = each.key == "monitoring" ? {
    arn         = module.events.alert_topic_arn
    kms_key_arn = module.security.kms_key_arns["orders"]
  } : null
}

module "connectivity" {
  source = "../connectivity"

  name            = local.name
  vpc_id          = module.network.vpc_id
  subnet_ids      = values(module.network.private_subnet_ids)
  route_table_ids = module.network.private_route_table_ids
  onprem_cidrs    = local.onprem_cidrs

  direct_connect_gateway_id       = var.direct_connect_gateway_id
  direct_connect_allowed_prefixes = [var.vpc_cidr]

  enable_vpn_backup        = var.enable_vpn_backup
  customer_gateway_ip      = var.customer_gateway_ip
  customer_gateway_bgp_asn = var.customer_gateway_bgp_asn
}
