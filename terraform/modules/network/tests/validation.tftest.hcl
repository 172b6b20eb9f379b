# Every validation of variables.tf: one run per validation with a value it must refuse, a few more
# where a condition has several parts, and two passing runs with the accepted edge values (lower and
# upper), which also check that those values reach the resources.
# Offline: every AWS answer comes from the mock.


mock_provider "aws" {
  source = "./tests/mocks"
}


################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name                  = "abc" # 3 characters
    cidr_block            = "10.50.0.0/16"
    node_exporter_port    = 1024
    engine_metrics_port   = 1025
    market_data_udp_ports = { from = 1024, to = 1024 }
    latency_probe_port    = 1024
    venue_cidrs           = ["198.51.100.64/26"]
    venue_tcp_ports       = [1]
    ops_cidrs             = ["192.0.2.0/27"]
    monitoring_web_ports  = [1]
    https_egress_cidrs    = []
    flow_log_traffic_type = "ACCEPT"
  }

  assert {
    condition     = aws_vpc.this.tags["Name"] == "abc" && aws_iam_role.flow_logs.name == "abc-vpc-flow-logs"
    error_message = "A 3-character name is accepted and used as the prefix."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring["engine"].from_port == 1024 &&
      aws_vpc_security_group_ingress_rule.engine_metrics_from_monitoring.from_port == 1025 &&
      aws_vpc_security_group_ingress_rule.engine_from_market_data.from_port == 1024 &&
      aws_vpc_security_group_ingress_rule.engine_from_market_data.to_port == 1024 &&
      aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe["udp"].from_port == 1024
    )
    error_message = "Port 1024 is accepted for node_exporter_port, market_data_udp_ports (from = to) and latency_probe_port."
  }
  assert {
    condition = (
      one(values(aws_vpc_security_group_egress_rule.engine_to_venue)).from_port == 1 &&
      one(values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops)).from_port == 1
    )
    error_message = "Port 1 is accepted for venue_tcp_ports and monitoring_web_ports."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tiers_https_out) == 0
    error_message = "An empty https_egress_cidrs (zero CIDRs) is accepted."
  }
  assert {
    condition     = aws_flow_log.this.traffic_type == "ACCEPT"
    error_message = "flow_log_traffic_type = ACCEPT reaches the flow log."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name       = "lowlat-abcdefghijklmnopqrstuvwxy" # 32 characters
    cidr_block = "10.50.0.0/24"
    subnets = {
      "eu-west-2a" = { public_cidr = "10.50.0.0/27", private_cidr = "10.50.0.128/26" }
      "eu-west-2b" = { public_cidr = "10.50.0.32/27", private_cidr = "10.50.0.192/26" }
    }
    flow_log_retention_days = 3653
    flow_log_traffic_type   = "REJECT"
    node_exporter_port      = 65535
    engine_metrics_port     = 65534
    market_data_udp_ports   = { from = 1024, to = 65535 }
    latency_probe_port      = 65535
    venue_cidrs             = ["198.51.100.64/26"]
    venue_tcp_ports         = [65535]
    ops_cidrs               = ["192.0.2.0/27"]
    monitoring_web_ports    = [65535]
    https_egress_cidrs      = [for i in range(50) : "100.${i}.0.0/16"]
  }

  assert {
    condition     = aws_vpc.this.tags["Name"] == "lowlat-abcdefghijklmnopqrstuvwxy" && aws_vpc.this.cidr_block == "10.50.0.0/24"
    error_message = "A 32-character name and a /24 VPC are accepted."
  }
  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days == 3653 && aws_flow_log.this.traffic_type == "REJECT"
    error_message = "flow_log_retention_days = 3653 and flow_log_traffic_type = REJECT reach the log group and the flow log."
  }
  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.node_exporter_from_monitoring["engine"].to_port == 65535 &&
      aws_vpc_security_group_ingress_rule.engine_from_market_data.from_port == 1024 &&
      aws_vpc_security_group_ingress_rule.engine_from_market_data.to_port == 65535 &&
      aws_vpc_security_group_ingress_rule.engine_from_engine_latency_probe["tcp"].to_port == 65535 &&
      one(values(aws_vpc_security_group_egress_rule.engine_to_venue)).to_port == 65535 &&
      one(values(aws_vpc_security_group_ingress_rule.monitoring_web_from_ops)).to_port == 65535
    )
    error_message = "Port 65535 is accepted wherever a port is an input, and market_data_udp_ports may span 1024-65535."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.tiers_https_out) == 150
    error_message = "50 https_egress_cidrs (the maximum) are accepted: 3 tiers x 50 HTTPS rules."
  }
  assert {
    condition = alltrue([for rules in [aws_network_acl_rule.public, aws_network_acl_rule.private] : (
      toset([for r in rules : r.rule_number if !r.egress && r.rule_number >= 200 && r.rule_number < 300]) == toset(range(200, 300)) &&
      toset([for r in rules : r.rule_number if r.egress && r.rule_number >= 200 && r.rule_number < 300]) == toset(range(200, 250))
    )])
    error_message = "With 50 https_egress_cidrs the reply entries use exactly rule numbers 200-299 and HTTPS egress 200-249, without running into the 300+ block."
  }
}

################################################################################
# Refused values
################################################################################

run "name_with_upper_case_or_underscore_is_refused" {
  command = plan

  variables {
    name = "Lowlat_test"
  }

  expect_failures = [var.name]
}

run "name_of_33_characters_is_refused" {
  command = plan

  variables {
    name = "lowlat-abcdefghijklmnopqrstuvwxyz"
  }

  expect_failures = [var.name]
}

run "cidr_block_smaller_than_24_is_refused" {
  command = plan

  variables {
    cidr_block = "10.50.0.0/25"
  }

  expect_failures = [var.cidr_block]
}

run "cidr_block_that_is_not_a_cidr_is_refused" {
  command = plan

  variables {
    cidr_block = "10.50.300.0/16"
  }

  expect_failures = [var.cidr_block]
}

run "subnets_in_a_single_az_are_refused" {
  command = plan

  variables {
    subnets = {
      "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
    }
  }

  expect_failures = [var.subnets]
}

run "subnet_with_an_invalid_cidr_is_refused" {
  command = plan

  variables {
    subnets = {
      "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
      "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/33" }
    }
  }

  expect_failures = [var.subnets]
}

run "flow_log_retention_under_a_year_is_refused" {
  command = plan

  variables {
    flow_log_retention_days = 180
  }

  expect_failures = [var.flow_log_retention_days]
}

run "flow_log_traffic_type_in_lower_case_is_refused" {
  command = plan

  variables {
    flow_log_traffic_type = "all"
  }

  expect_failures = [var.flow_log_traffic_type]
}

run "privileged_node_exporter_port_is_refused" {
  command = plan

  variables {
    node_exporter_port = 1023
  }

  expect_failures = [var.node_exporter_port]
}

run "engine_metrics_port_above_65535_is_refused" {
  command = plan

  variables {
    engine_metrics_port = 65536
  }

  expect_failures = [var.engine_metrics_port]
}

run "reversed_market_data_udp_ports_are_refused" {
  command = plan

  variables {
    market_data_udp_ports = { from = 30010, to = 30001 }
  }

  expect_failures = [var.market_data_udp_ports]
}

run "privileged_latency_probe_port_is_refused" {
  command = plan

  variables {
    latency_probe_port = 1023
  }

  expect_failures = [var.latency_probe_port]
}

run "fractional_latency_probe_port_is_refused" {
  command = plan

  variables {
    latency_probe_port = 20000.5
  }

  expect_failures = [var.latency_probe_port]
}

run "market_data_source_cidr_of_everything_is_refused" {
  command = plan

  variables {
    market_data_source_cidrs = ["198.51.100.0/26", "0.0.0.0/0"]
  }

  expect_failures = [var.market_data_source_cidrs]
}

run "venue_cidr_of_everything_is_refused" {
  command = plan

  variables {
    venue_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.venue_cidrs]
}

run "venue_tcp_port_zero_is_refused" {
  command = plan

  variables {
    venue_tcp_ports = [9001, 0]
  }

  expect_failures = [var.venue_tcp_ports]
}

run "invalid_ops_cidr_is_refused" {
  command = plan

  variables {
    ops_cidrs = ["192.0.2.0/33"]
  }

  expect_failures = [var.ops_cidrs]
}

run "monitoring_web_port_above_65535_is_refused" {
  command = plan

  variables {
    monitoring_web_ports = [9090, 70000]
  }

  expect_failures = [var.monitoring_web_ports]
}

run "invalid_https_egress_cidr_is_refused" {
  command = plan

  variables {
    https_egress_cidrs = ["0.0.0.0/0", "not-a-cidr"]
  }

  expect_failures = [var.https_egress_cidrs]
}

run "more_than_50_https_egress_cidrs_are_refused" {
  command = plan

  variables {
    https_egress_cidrs = [for i in range(51) : "100.${i}.0.0/16"]
  }

  expect_failures = [var.https_egress_cidrs]
}
