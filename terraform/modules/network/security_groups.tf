# Three host tiers plus one group for the interface endpoints. Groups carry no inline rules;
# every rule is its own resource with a description, and tier-to-tier traffic always names the
# peer group instead of a CIDR. Nothing is open to 0.0.0.0/0 inbound. Groups use name_prefix so a
# replacement can be created before the old group is detached (create_before_destroy).

locals {
  tier_security_group_ids = {
    engine      = aws_security_group.engine.id
    market_data = aws_security_group.market_data.id
    monitoring  = aws_security_group.monitoring.id
  }

  https_egress = {
    for pair in setproduct(keys(local.tier_security_group_ids), var.https_egress_cidrs) :
    "${pair[0]}-${pair[1]}" => { tier = pair[0], cidr = pair[1] }
  }

  gateway_endpoint_prefix_lists = {
    s3       = aws_vpc_endpoint.s3.prefix_list_id
    dynamodb = aws_vpc_endpoint.dynamodb.prefix_list_id
  }

  gateway_endpoint_egress = {
    for pair in setproduct(keys(local.tier_security_group_ids), keys(local.gateway_endpoint_prefix_lists)) :
    "${pair[0]}-${pair[1]}" => { tier = pair[0], endpoint = pair[1] }
  }

  venue_order_entry = {
    for pair in setproduct(var.venue_cidrs, var.venue_tcp_ports) :
    "${pair[0]}-${pair[1]}" => { cidr = pair[0], port = pair[1] }
  }

  # No probe rule at all while the port is null; UDP and TCP on that one port when it is set.
  latency_probe_protocols = toset(var.latency_probe_port == null ? [] : ["udp", "tcp"])

  ops_web = {
    for pair in setproduct(var.ops_cidrs, var.monitoring_web_ports) :
    "${pair[0]}-${pair[1]}" => { cidr = pair[0], port = pair[1] }
  }
}

resource "aws_security_group" "engine" {
  #checkov:skip=CKV2_AWS_5:Attached to the hosts in the environments via module outputs; checkov does not follow references across modules.
  name_prefix = "${var.name}-engine-"
  description = "Trading engine tier"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-engine", "lowlat:tier" = "engine" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "market_data" {
  #checkov:skip=CKV2_AWS_5:Attached to the hosts in the environments via module outputs; checkov does not follow references across modules.
  name_prefix = "${var.name}-market-data-"
  description = "Market data tier (feed handlers)"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-market-data", "lowlat:tier" = "market_data" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "monitoring" {
  #checkov:skip=CKV2_AWS_5:Attached to the hosts in the environments via module outputs; checkov does not follow references across modules.
  name_prefix = "${var.name}-monitoring-"
  description = "Compliance and monitoring tier (Prometheus, Alertmanager, audit)"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-monitoring", "lowlat:tier" = "monitoring" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "endpoints" {
  name_prefix = "${var.name}-endpoints-"
  description = "Interface VPC endpoints, HTTPS from the host tiers only"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

################################################################################
# Metrics: only the monitoring tier scrapes
################################################################################

# Every tier runs node_exporter, the monitoring tier included.
resource "aws_vpc_security_group_ingress_rule" "node_exporter_from_monitoring" {
  for_each = local.tier_security_group_ids

  security_group_id            = each.value
  description                  = "node_exporter scraped by the monitoring tier"
  ip_protocol                  = "tcp"
  from_port                    = var.node_exporter_port
  to_port                      = var.node_exporter_port
  referenced_security_group_id = aws_security_group.monitoring.id
}

resource "aws_vpc_security_group_ingress_rule" "engine_metrics_from_monitoring" {
  security_group_id            = aws_security_group.engine.id
  description                  = "Engine metrics scraped by the monitoring tier"
  ip_protocol                  = "tcp"
  from_port                    = var.engine_metrics_port
  to_port                      = var.engine_metrics_port
  referenced_security_group_id = aws_security_group.monitoring.id
}

resource "aws_vpc_security_group_egress_rule" "monitoring_to_node_exporter" {
  for_each = local.tier_security_group_ids

  security_group_id            = aws_security_group.monitoring.id
  description                  = "Scrape node_exporter on the ${each.key} tier"
  ip_protocol                  = "tcp"
  from_port                    = var.node_exporter_port
  to_port                      = var.node_exporter_port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "monitoring_to_engine_metrics" {
  security_group_id            = aws_security_group.monitoring.id
  description                  = "Scrape the engine metrics endpoint"
  ip_protocol                  = "tcp"
  from_port                    = var.engine_metrics_port
  to_port                      = var.engine_metrics_port
  referenced_security_group_id = aws_security_group.engine.id
}

resource "aws_vpc_security_group_ingress_rule" "monitoring_web_from_ops" {
  for_each = local.ops_web

  security_group_id = aws_security_group.monitoring.id
  description       = "Monitoring web UI/API from an operator network"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

################################################################################
# Market data: venue -> feed handlers -> engines, UDP only
################################################################################

resource "aws_vpc_security_group_ingress_rule" "market_data_from_venue" {
  for_each = toset(var.market_data_source_cidrs)

  security_group_id = aws_security_group.market_data.id
  description       = "Raw venue feed into the feed handlers"
  ip_protocol       = "udp"
  from_port         = var.market_data_udp_ports.from
  to_port           = var.market_data_udp_ports.to
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "market_data_to_engine" {
  security_group_id            = aws_security_group.market_data.id
  description                  = "Normalised market data feed to the engines"
  ip_protocol                  = "udp"
  from_port                    = var.market_data_udp_ports.from
  to_port                      = var.market_data_udp_ports.to
  referenced_security_group_id = aws_security_group.engine.id
}

resource "aws_vpc_security_group_ingress_rule" "engine_from_market_data" {
  security_group_id            = aws_security_group.engine.id
  description                  = "Market data feed from the feed handlers"
  ip_protocol                  = "udp"
  from_port                    = var.market_data_udp_ports.from
  to_port                      = var.market_data_udp_ports.to
  referenced_security_group_id = aws_security_group.market_data.id
}

################################################################################
# Latency probe between engines (optional): sockperf ping-pong inside the placement group
################################################################################

resource "aws_vpc_security_group_ingress_rule" "engine_from_engine_latency_probe" {
  for_each = local.latency_probe_protocols

  security_group_id            = aws_security_group.engine.id
  description                  = "sockperf latency probe from another engine (${each.key})"
  ip_protocol                  = each.key
  from_port                    = var.latency_probe_port
  to_port                      = var.latency_probe_port
  referenced_security_group_id = aws_security_group.engine.id
}

resource "aws_vpc_security_group_egress_rule" "engine_to_engine_latency_probe" {
  for_each = local.latency_probe_protocols

  security_group_id            = aws_security_group.engine.id
  description                  = "sockperf latency probe to another engine (${each.key})"
  ip_protocol                  = each.key
  from_port                    = var.latency_probe_port
  to_port                      = var.latency_probe_port
  referenced_security_group_id = aws_security_group.engine.id
}

################################################################################
# Order entry: engines -> venues
################################################################################

resource "aws_vpc_security_group_egress_rule" "engine_to_venue" {
  for_each = local.venue_order_entry

  security_group_id = aws_security_group.engine.id
  description       = "Order entry session to a venue"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

################################################################################
# AWS APIs: interface endpoints, gateway endpoints and (optionally) HTTPS through NAT
################################################################################

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tiers" {
  for_each = local.tier_security_group_ids

  security_group_id            = aws_security_group.endpoints.id
  description                  = "HTTPS to interface endpoints from the ${each.key} tier"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "tiers_to_endpoints" {
  for_each = local.tier_security_group_ids

  security_group_id            = each.value
  description                  = "HTTPS to the interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "tiers_to_gateway_endpoints" {
  for_each = local.gateway_endpoint_egress

  security_group_id = local.tier_security_group_ids[each.value.tier]
  description       = "HTTPS to ${each.value.endpoint} through its gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = local.gateway_endpoint_prefix_lists[each.value.endpoint]
}

resource "aws_vpc_security_group_egress_rule" "tiers_https_out" {
  for_each = local.https_egress

  security_group_id = local.tier_security_group_ids[each.value.tier]
  description       = "HTTPS through the NAT gateways"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value.cidr
}
