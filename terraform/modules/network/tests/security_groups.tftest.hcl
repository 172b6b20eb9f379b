# The host tiers' security groups: the exact rules each tier gets (ports, protocols, the peer group
# or CIDR), that nothing is open to 0.0.0.0/0 inbound, the optional latency-probe rules, and the
# rules the CIDR and port inputs turn on and off. Rules are described as
# "<protocol> <from>-<to> <peer>" with the peer a security group, CIDR or prefix list.
# Offline: every AWS answer comes from the mock.


mock_provider "aws" {
  source = "./tests/mocks"
}


################################################################################
# Groups
################################################################################

run "three_tier_groups_and_an_endpoints_group_in_the_vpc" {
  command = apply

  assert {
    condition = (
      aws_security_group.engine.name_prefix == "lowlat-test-engine-" &&
      aws_security_group.market_data.name_prefix == "lowlat-test-market-data-" &&
      aws_security_group.monitoring.name_prefix == "lowlat-test-monitoring-" &&
      aws_security_group.endpoints.name_prefix == "lowlat-test-endpoints-"
    )
    error_message = "Groups use name_prefix <name>-<tier>- (engine, market-data, monitoring, endpoints) so they can be replaced before destroy."
  }
  assert {
    condition     = alltrue([for g in [aws_security_group.engine, aws_security_group.market_data, aws_security_group.monitoring, aws_security_group.endpoints] : g.vpc_id == aws_vpc.this.id])
    error_message = "All four groups are in the module's VPC."
  }
  assert {
    condition = (
      aws_security_group.engine.tags == tomap({ Name = "lowlat-test-engine", "lowlat:tier" = "engine" }) &&
      aws_security_group.market_data.tags == tomap({ Name = "lowlat-test-market-data", "lowlat:tier" = "market_data" }) &&
      aws_security_group.monitoring.tags == tomap({ Name = "lowlat-test-monitoring", "lowlat:tier" = "monitoring" }) &&
      aws_security_group.endpoints.tags == tomap({ Name = "lowlat-test-endpoints" })
    )
    error_message = "Tier groups carry Name = <name>-<tier> and lowlat:tier; the endpoints group only its Name."
  }
  assert {
    condition = alltrue([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
      values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter),
      [aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics, aws_vpc_security_group_egress_rule.market_data_to_engine],
      values(aws_vpc_security_group_egress_rule.tiers_to_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_https_out),
    ) : r.description != null && r.description != ""])
    error_message = "Every rule has a description."
  }
}

################################################################################
# Exact rules of each tier, with every optional input set
################################################################################

run "ingress_of_each_group_is_exactly_the_promised_rules" {
  command = apply

  variables {
    market_data_source_cidrs = ["198.51.100.0/26"]
    venue_cidrs              = ["198.51.100.64/26"]
    venue_tcp_ports          = [9001]
    ops_cidrs                = ["192.0.2.0/27"]
    latency_probe_port       = 11111
  }

  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.engine.id
      ]) == toset([
      "tcp 9100-9100 ${aws_security_group.monitoring.id}",
      "tcp 9102-9102 ${aws_security_group.monitoring.id}",
      "udp 30001-30010 ${aws_security_group.market_data.id}",
      "udp 11111-11111 ${aws_security_group.engine.id}",
      "tcp 11111-11111 ${aws_security_group.engine.id}",
    ])
    error_message = "Engine ingress is exactly: node_exporter and engine metrics from monitoring, the UDP feed from market data, the latency probe (udp+tcp) from engines."
  }
  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.market_data.id
      ]) == toset([
      "tcp 9100-9100 ${aws_security_group.monitoring.id}",
      "udp 30001-30010 198.51.100.0/26",
    ])
    error_message = "Market data ingress is exactly: node_exporter from monitoring and the raw UDP feed from market_data_source_cidrs."
  }
  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.monitoring.id
      ]) == toset([
      "tcp 9100-9100 ${aws_security_group.monitoring.id}",
      "tcp 9090-9090 192.0.2.0/27",
      "tcp 9093-9093 192.0.2.0/27",
      "tcp 3000-3000 192.0.2.0/27",
    ])
    error_message = "Monitoring ingress is exactly: its own node_exporter from monitoring, and 9090/9093/3000 from ops_cidrs."
  }
  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.endpoints.id
      ]) == toset([
      "tcp 443-443 ${aws_security_group.engine.id}",
      "tcp 443-443 ${aws_security_group.market_data.id}",
      "tcp 443-443 ${aws_security_group.monitoring.id}",
    ])
    error_message = "The endpoints group admits exactly HTTPS from the three tier groups."
  }
}

run "egress_of_each_group_is_exactly_the_promised_rules" {
  command = apply

  variables {
    market_data_source_cidrs = ["198.51.100.0/26"]
    venue_cidrs              = ["198.51.100.64/26"]
    venue_tcp_ports          = [9001]
    ops_cidrs                = ["192.0.2.0/27"]
    latency_probe_port       = 11111
  }

  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter),
      [aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics, aws_vpc_security_group_egress_rule.market_data_to_engine],
      values(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe),
      values(aws_vpc_security_group_egress_rule.engine_to_venue),
      values(aws_vpc_security_group_egress_rule.tiers_to_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_https_out),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.engine.id
      ]) == toset([
      "udp 11111-11111 ${aws_security_group.engine.id}",
      "tcp 11111-11111 ${aws_security_group.engine.id}",
      "tcp 9001-9001 198.51.100.64/26",
      "tcp 443-443 ${aws_security_group.endpoints.id}",
      "tcp 443-443 ${aws_vpc_endpoint.s3.prefix_list_id}",
      "tcp 443-443 ${aws_vpc_endpoint.dynamodb.prefix_list_id}",
      "tcp 443-443 0.0.0.0/0",
    ])
    error_message = "Engine egress is exactly: the latency probe to engines, order entry to the venues, HTTPS to the endpoints group, the S3/DynamoDB prefix lists and https_egress_cidrs."
  }
  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter),
      [aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics, aws_vpc_security_group_egress_rule.market_data_to_engine],
      values(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe),
      values(aws_vpc_security_group_egress_rule.engine_to_venue),
      values(aws_vpc_security_group_egress_rule.tiers_to_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_https_out),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.market_data.id
      ]) == toset([
      "udp 30001-30010 ${aws_security_group.engine.id}",
      "tcp 443-443 ${aws_security_group.endpoints.id}",
      "tcp 443-443 ${aws_vpc_endpoint.s3.prefix_list_id}",
      "tcp 443-443 ${aws_vpc_endpoint.dynamodb.prefix_list_id}",
      "tcp 443-443 0.0.0.0/0",
    ])
    error_message = "Market data egress is exactly: the UDP feed to the engines and the four HTTPS rules (endpoints group, S3, DynamoDB, https_egress_cidrs)."
  }
  assert {
    condition = toset([for r in concat(
      values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter),
      [aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics, aws_vpc_security_group_egress_rule.market_data_to_engine],
      values(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe),
      values(aws_vpc_security_group_egress_rule.engine_to_venue),
      values(aws_vpc_security_group_egress_rule.tiers_to_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_https_out),
      ) : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${coalesce(r.referenced_security_group_id, r.cidr_ipv4, r.prefix_list_id)}"
      if r.security_group_id == aws_security_group.monitoring.id
      ]) == toset([
      "tcp 9100-9100 ${aws_security_group.engine.id}",
      "tcp 9100-9100 ${aws_security_group.market_data.id}",
      "tcp 9100-9100 ${aws_security_group.monitoring.id}",
      "tcp 9102-9102 ${aws_security_group.engine.id}",
      "tcp 443-443 ${aws_security_group.endpoints.id}",
      "tcp 443-443 ${aws_vpc_endpoint.s3.prefix_list_id}",
      "tcp 443-443 ${aws_vpc_endpoint.dynamodb.prefix_list_id}",
      "tcp 443-443 0.0.0.0/0",
    ])
    error_message = "Monitoring egress is exactly: node_exporter scrapes of all three tiers, the engine metrics scrape and the four HTTPS rules."
  }
  assert {
    condition = length([for r in concat(
      values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter),
      [aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics, aws_vpc_security_group_egress_rule.market_data_to_engine],
      values(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe),
      values(aws_vpc_security_group_egress_rule.engine_to_venue),
      values(aws_vpc_security_group_egress_rule.tiers_to_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints),
      values(aws_vpc_security_group_egress_rule.tiers_https_out),
    ) : r if r.security_group_id == aws_security_group.endpoints.id]) == 0
    error_message = "The endpoints group has no egress rule (interface endpoints only answer)."
  }
}

run "no_ingress_rule_is_open_to_the_internet" {
  command = plan

  variables {
    market_data_source_cidrs = ["198.51.100.0/26", "203.0.113.0/28"]
    venue_cidrs              = ["198.51.100.64/26"]
    venue_tcp_ports          = [9001, 9002]
    ops_cidrs                = ["192.0.2.0/27"]
    latency_probe_port       = 11111
  }

  assert {
    condition = alltrue([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
    ) : r.cidr_ipv4 != "0.0.0.0/0" && r.cidr_ipv6 == null && r.prefix_list_id == null])
    error_message = "No ingress rule admits 0.0.0.0/0 (or any IPv6 range or prefix list)."
  }
  assert {
    condition = toset(compact([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
    ) : r.cidr_ipv4])) == toset(["198.51.100.0/26", "203.0.113.0/28", "192.0.2.0/27"])
    error_message = "The only CIDRs any ingress rule admits are market_data_source_cidrs and ops_cidrs (venue_cidrs are egress only)."
  }
  assert {
    condition = alltrue([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops),
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
    ) : contains(["tcp", "udp"], r.ip_protocol)])
    error_message = "Every ingress rule is TCP or UDP on named ports: no all-protocols (-1) or ICMP rule."
  }
  assert {
    condition = toset([for k, r in aws_vpc_security_group_egress_rule.tiers_https_out : r.cidr_ipv4 if r.cidr_ipv4 == "0.0.0.0/0"]) == toset(["0.0.0.0/0"]) && alltrue([
      for r in aws_vpc_security_group_egress_rule.tiers_https_out : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443
    ])
    error_message = "0.0.0.0/0 appears only as the default HTTPS (tcp/443) egress destination."
  }
}

################################################################################
# Latency probe
################################################################################

run "latency_probe_opens_udp_and_tcp_on_one_port_between_engines_only" {
  command = apply

  variables {
    latency_probe_port = 11111
  }

  assert {
    condition = (
      toset(keys(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe)) == toset(["udp", "tcp"]) &&
      toset(keys(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe)) == toset(["udp", "tcp"])
    )
    error_message = "A latency_probe_port opens exactly one UDP and one TCP rule each way."
  }
  assert {
    condition = (
      alltrue([for p, r in aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe : r.ip_protocol == p && r.from_port == 11111 && r.to_port == 11111]) &&
      alltrue([for p, r in aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe : r.ip_protocol == p && r.from_port == 11111 && r.to_port == 11111])
    )
    error_message = "Each probe rule uses its own protocol on the probe port only (11111-11111)."
  }
  assert {
    condition = alltrue([for r in concat(values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe), values(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe)) : (
      r.security_group_id == aws_security_group.engine.id && r.referenced_security_group_id == aws_security_group.engine.id && r.cidr_ipv4 == null
    )])
    error_message = "The probe rules are engine group to engine group, with no CIDR."
  }
  assert {
    condition = length([for r in concat(
      values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring),
      [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_ingress_rule.engine_from_market_data],
      values(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe),
      values(aws_vpc_security_group_ingress_rule.endpoints_from_tiers),
    ) : r if r.from_port <= 11111 && r.to_port >= 11111]) == 2
    error_message = "Nothing but the two probe rules admits the probe port."
  }
}

################################################################################
# Inputs that add or remove rules
################################################################################

run "defaults_open_no_cidr_ingress_and_https_to_anywhere_for_every_tier" {
  command = plan

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.market_data_from_venue) == 0 &&
      length(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops) == 0 &&
      length(aws_vpc_security_group_egress_rule.engine_to_venue) == 0
    )
    error_message = "Without market_data_source_cidrs, ops_cidrs and venue_cidrs there is no CIDR-based rule besides HTTPS egress."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe) == 0 && length(aws_vpc_security_group_egress_rule.engine_to_engine_latency_probe) == 0
    error_message = "With latency_probe_port = null (the default) there is no latency-probe rule, in or out."
  }
  assert {
    condition     = toset(keys(aws_vpc_security_group_egress_rule.tiers_https_out)) == toset(["engine-0.0.0.0/0", "market_data-0.0.0.0/0", "monitoring-0.0.0.0/0"])
    error_message = "By default every tier may reach 0.0.0.0/0 on HTTPS (one rule per tier)."
  }
  assert {
    condition     = toset(keys(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints)) == toset(["engine-s3", "engine-dynamodb", "market_data-s3", "market_data-dynamodb", "monitoring-s3", "monitoring-dynamodb"])
    error_message = "Every tier gets HTTPS to both gateway endpoints' prefix lists (3 tiers x S3, DynamoDB)."
  }
  assert {
    condition = (
      toset(keys(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring)) == toset(["engine", "market_data", "monitoring"]) &&
      toset(keys(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter)) == toset(["engine", "market_data", "monitoring"]) &&
      toset(keys(aws_vpc_security_group_ingress_rule.endpoints_from_tiers)) == toset(["engine", "market_data", "monitoring"]) &&
      toset(keys(aws_vpc_security_group_egress_rule.tiers_to_endpoints)) == toset(["engine", "market_data", "monitoring"])
    )
    error_message = "The node_exporter and interface-endpoint rules exist once per tier."
  }
}

run "gateway_endpoint_rules_use_each_endpoints_prefix_list" {
  command = apply

  assert {
    condition = alltrue([for k, r in aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints : (
      r.prefix_list_id == (endswith(k, "-s3") ? aws_vpc_endpoint.s3.prefix_list_id : aws_vpc_endpoint.dynamodb.prefix_list_id) &&
      r.security_group_id == output.security_group_ids[split("-", k)[0]] &&
      r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443
    )])
    error_message = "Each gateway endpoint rule allows tcp/443 to the prefix list of its own endpoint (S3 or DynamoDB), from the tier of its key."
  }
}

run "order_entry_is_every_venue_cidr_on_every_venue_port" {
  command = plan

  variables {
    venue_cidrs     = ["198.51.100.64/26", "203.0.113.128/25"]
    venue_tcp_ports = [9001, 9443]
  }

  assert {
    condition = toset([for r in aws_vpc_security_group_egress_rule.engine_to_venue : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.cidr_ipv4}"]) == toset([
      "tcp 9001-9001 198.51.100.64/26",
      "tcp 9443-9443 198.51.100.64/26",
      "tcp 9001-9001 203.0.113.128/25",
      "tcp 9443-9443 203.0.113.128/25",
    ])
    error_message = "Order entry is one tcp egress rule per venue CIDR and port (2 x 2 = 4)."
  }
}

run "ports_and_cidr_inputs_reach_their_rules" {
  command = plan

  variables {
    node_exporter_port       = 9200
    engine_metrics_port      = 9300
    market_data_udp_ports    = { from = 40000, to = 40000 }
    market_data_source_cidrs = ["198.51.100.0/26", "203.0.113.0/28"]
    ops_cidrs                = ["192.0.2.0/27"]
    monitoring_web_ports     = [8080]
    https_egress_cidrs       = ["10.200.0.0/16", "172.16.0.0/12"]
  }

  assert {
    condition = alltrue([for r in concat(values(aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring), values(aws_vpc_security_group_egress_rule.monitoring_to_node_exporter)) : (
      r.ip_protocol == "tcp" && r.from_port == 9200 && r.to_port == 9200
    )])
    error_message = "node_exporter_port (9200) reaches the node_exporter rules, both directions."
  }
  assert {
    condition = alltrue([for r in [aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring, aws_vpc_security_group_egress_rule.monitoring_to_engine_metrics] : (
      r.ip_protocol == "tcp" && r.from_port == 9300 && r.to_port == 9300
    )])
    error_message = "engine_metrics_port (9300) reaches the engine metrics rules, both directions."
  }
  assert {
    condition = alltrue([for r in concat(
      values(aws_vpc_security_group_ingress_rule.market_data_from_venue),
      [aws_vpc_security_group_egress_rule.market_data_to_engine, aws_vpc_security_group_ingress_rule.engine_from_market_data],
    ) : r.ip_protocol == "udp" && r.from_port == 40000 && r.to_port == 40000])
    error_message = "A one-port market_data_udp_ports (40000-40000) reaches the venue feed and feed-to-engine rules, UDP."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.market_data_from_venue : r.cidr_ipv4]) == toset(["198.51.100.0/26", "203.0.113.0/28"])
    error_message = "One raw-feed ingress rule per market_data_source_cidr."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.monitoring_web_from_ops : "${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.cidr_ipv4}"]) == toset(["tcp 8080-8080 192.0.2.0/27"])
    error_message = "monitoring_web_ports = [8080] replaces the default 9090/9093/3000."
  }
  assert {
    condition = toset(keys(aws_vpc_security_group_egress_rule.tiers_https_out)) == toset([
      "engine-10.200.0.0/16", "engine-172.16.0.0/12",
      "market_data-10.200.0.0/16", "market_data-172.16.0.0/12",
      "monitoring-10.200.0.0/16", "monitoring-172.16.0.0/12",
    ])
    error_message = "https_egress_cidrs replaces 0.0.0.0/0: one HTTPS rule per tier and CIDR (3 x 2)."
  }
}

run "empty_https_egress_cidrs_removes_internet_egress" {
  command = plan

  variables {
    https_egress_cidrs = []
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tiers_https_out) == 0
    error_message = "https_egress_cidrs = [] leaves no HTTPS-through-NAT rule."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tiers_to_endpoints) == 3 && length(aws_vpc_security_group_egress_rule.tiers_to_gateway_endpoints) == 6
    error_message = "The endpoint rules stay (3 to the interface endpoints, 6 to the gateway endpoints)."
  }
}
