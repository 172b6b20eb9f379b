# The network ACLs: which subnets each guards, the exact entries (rule number, direction, protocol,
# CIDR, ports), the internet return range split around RDP (1024-3388 and 3390-65535, never 3389),
# and the transit-gateway networks that only the private subnets admit. Entries are described as
# "<ingress|egress> <rule number> <protocol> <cidr> <from>-<to>".
# Offline: every AWS answer comes from the mock.


mock_provider "aws" {
  source = "./tests/mocks"
}


run "each_nacl_guards_its_own_subnet_tier" {
  command = apply

  assert {
    condition     = aws_network_acl.public.vpc_id == aws_vpc.this.id && aws_network_acl.private.vpc_id == aws_vpc.this.id
    error_message = "Both NACLs are in the module's VPC."
  }
  assert {
    condition = (
      toset(aws_network_acl.public.subnet_ids) == toset([for s in aws_subnet.public : s.id]) &&
      toset(aws_network_acl.private.subnet_ids) == toset([for s in aws_subnet.private : s.id])
    )
    error_message = "The public NACL covers exactly the public subnets, the private NACL exactly the private ones."
  }
  assert {
    condition = (
      alltrue([for r in aws_network_acl_rule.public : r.network_acl_id == aws_network_acl.public.id]) &&
      alltrue([for r in aws_network_acl_rule.private : r.network_acl_id == aws_network_acl.private.id])
    )
    error_message = "Every entry belongs to its own NACL."
  }
  assert {
    condition     = aws_network_acl.public.tags["Name"] == "lowlat-test-public" && aws_network_acl.private.tags["Name"] == "lowlat-test-private"
    error_message = "The NACLs are named <name>-public and <name>-private."
  }
}

run "default_entries_of_both_nacls" {
  command = plan

  assert {
    condition = toset([for r in aws_network_acl_rule.public : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.protocol} ${r.cidr_block} ${r.from_port}-${r.to_port}"]) == toset([
      "ingress 100 -1 10.50.0.0/16 0-0",
      "ingress 200 tcp 0.0.0.0/0 1024-3388",
      "ingress 250 tcp 0.0.0.0/0 3390-65535",
      "egress 100 -1 10.50.0.0/16 0-0",
      "egress 200 tcp 0.0.0.0/0 443-443",
    ])
    error_message = "Public NACL: all traffic with the VPC both ways, HTTPS out to 0.0.0.0/0, replies in on 1024-3388 (rule 200) and 3390-65535 (rule 250)."
  }
  assert {
    condition = toset([for r in aws_network_acl_rule.private : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.protocol} ${r.cidr_block} ${r.from_port}-${r.to_port}"]) == toset([
      "ingress 100 -1 10.50.0.0/16 0-0",
      "ingress 200 tcp 0.0.0.0/0 1024-3388",
      "ingress 250 tcp 0.0.0.0/0 3390-65535",
      "egress 100 -1 10.50.0.0/16 0-0",
      "egress 200 tcp 0.0.0.0/0 443-443",
    ])
    error_message = "Private NACL without transit-gateway networks: the same five entries as the public one."
  }
  assert {
    condition     = alltrue([for r in concat(values(aws_network_acl_rule.public), values(aws_network_acl_rule.private)) : r.rule_action == "allow"])
    error_message = "Every entry is an allow (the NACLs' implicit final deny does the rest)."
  }
  assert {
    condition     = alltrue([for r in concat(values(aws_network_acl_rule.public), values(aws_network_acl_rule.private)) : r.ipv6_cidr_block == null])
    error_message = "No entry uses an IPv6 range."
  }
}

run "internet_replies_never_reach_rdp" {
  command = plan

  variables {
    https_egress_cidrs = ["0.0.0.0/0", "203.0.113.0/24"]
  }

  assert {
    condition = alltrue([for r in concat(values(aws_network_acl_rule.public), values(aws_network_acl_rule.private)) : (
      r.egress || r.cidr_block == var.cidr_block || !(r.protocol == "-1" || (r.from_port <= 3389 && r.to_port >= 3389))
    )])
    error_message = "No ingress entry from outside the VPC admits port 3389 (RDP), neither by range nor by protocol -1."
  }
  assert {
    condition = alltrue(flatten([for rules in [aws_network_acl_rule.public, aws_network_acl_rule.private] : [for cidr in var.https_egress_cidrs : (
      toset([for r in rules : "${r.protocol} ${r.from_port}-${r.to_port}" if !r.egress && r.cidr_block == cidr]) == toset(["tcp 1024-3388", "tcp 3390-65535"])
    )]]))
    error_message = "On both NACLs every https_egress_cidr admits replies on exactly tcp 1024-3388 and 3390-65535: the whole ephemeral range except 3389."
  }
  assert {
    condition = alltrue(flatten([for rules in [aws_network_acl_rule.public, aws_network_acl_rule.private] : [
      for r in rules : r.from_port >= 1024 if !r.egress && r.cidr_block != var.cidr_block
    ]]))
    error_message = "No internet reply entry reaches a privileged port (below 1024)."
  }
  assert {
    condition = (
      aws_network_acl_rule.public["ingress-return-0"].rule_number == 200 && aws_network_acl_rule.public["ingress-return-1"].rule_number == 201 &&
      aws_network_acl_rule.public["ingress-return-high-0"].rule_number == 250 && aws_network_acl_rule.public["ingress-return-high-1"].rule_number == 251 &&
      aws_network_acl_rule.private["ingress-return-high-1"].cidr_block == "203.0.113.0/24"
    )
    error_message = "The lower reply range takes rule numbers 200+i, the upper one 250+i, for the i-th https_egress_cidr."
  }
}

run "several_https_cidrs_get_consecutive_rule_numbers_in_both_directions" {
  command = plan

  variables {
    https_egress_cidrs = ["10.200.0.0/16", "172.16.0.0/12", "203.0.113.0/24"]
  }

  assert {
    condition = toset([for r in aws_network_acl_rule.public : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.cidr_block} ${r.from_port}-${r.to_port}" if r.rule_number >= 200]) == toset([
      "ingress 200 10.200.0.0/16 1024-3388",
      "ingress 201 172.16.0.0/12 1024-3388",
      "ingress 202 203.0.113.0/24 1024-3388",
      "ingress 250 10.200.0.0/16 3390-65535",
      "ingress 251 172.16.0.0/12 3390-65535",
      "ingress 252 203.0.113.0/24 3390-65535",
      "egress 200 10.200.0.0/16 443-443",
      "egress 201 172.16.0.0/12 443-443",
      "egress 202 203.0.113.0/24 443-443",
    ])
    error_message = "Each https_egress_cidr i gets egress 443 as rule 200+i and the two reply ranges as ingress 200+i and 250+i."
  }
  assert {
    condition = alltrue([for rules in [aws_network_acl_rule.public, aws_network_acl_rule.private] : (
      length(distinct([for r in rules : r.rule_number if r.egress])) == length([for r in rules : r if r.egress]) &&
      length(distinct([for r in rules : r.rule_number if !r.egress])) == length([for r in rules : r if !r.egress])
    )])
    error_message = "Rule numbers are unique per NACL and direction."
  }
}

run "transit_gateway_networks_are_admitted_by_the_private_nacl_only" {
  command = plan

  variables {
    market_data_source_cidrs = ["198.51.100.0/26"]
    venue_cidrs              = ["198.51.100.64/26", "198.51.100.0/26"]
    ops_cidrs                = ["192.0.2.0/27"]
  }

  assert {
    condition = toset([for r in aws_network_acl_rule.private : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.protocol} ${r.cidr_block} ${r.from_port}-${r.to_port}" if r.rule_number >= 300]) == toset([
      "ingress 300 -1 198.51.100.0/26 0-0",
      "ingress 301 -1 198.51.100.64/26 0-0",
      "ingress 302 -1 192.0.2.0/27 0-0",
      "egress 300 -1 198.51.100.0/26 0-0",
      "egress 301 -1 198.51.100.64/26 0-0",
      "egress 302 -1 192.0.2.0/27 0-0",
    ])
    error_message = "Market data, venue and ops networks (deduplicated, in that order) get rules 300+ both ways on the private NACL."
  }
  assert {
    condition     = length(aws_network_acl_rule.private) == 5 + 6
    error_message = "The private NACL has the five default entries plus one per transit-gateway network and direction."
  }
  assert {
    condition     = length([for r in aws_network_acl_rule.public : r if r.rule_number >= 300]) == 0 && length(aws_network_acl_rule.public) == 5
    error_message = "The public NACL (NAT gateways only) admits no transit-gateway network."
  }
}

run "no_internet_entries_without_https_egress" {
  command = plan

  variables {
    https_egress_cidrs = []
    venue_cidrs        = ["198.51.100.64/26"]
  }

  assert {
    condition = toset([for r in aws_network_acl_rule.public : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.protocol} ${r.cidr_block}"]) == toset([
      "ingress 100 -1 10.50.0.0/16",
      "egress 100 -1 10.50.0.0/16",
    ])
    error_message = "With https_egress_cidrs = [] the public NACL admits only the VPC, both ways."
  }
  assert {
    condition = toset([for r in aws_network_acl_rule.private : "${r.egress ? "egress" : "ingress"} ${r.rule_number} ${r.protocol} ${r.cidr_block}"]) == toset([
      "ingress 100 -1 10.50.0.0/16",
      "egress 100 -1 10.50.0.0/16",
      "ingress 300 -1 198.51.100.64/26",
      "egress 300 -1 198.51.100.64/26",
    ])
    error_message = "With https_egress_cidrs = [] the private NACL admits only the VPC and the transit-gateway networks."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.engine_to_venue) == 0 && length(aws_vpc_security_group_egress_rule.tiers_https_out) == 0
    error_message = "The security groups match: venue_cidrs without venue_tcp_ports open no order-entry port, and no HTTPS-through-NAT rule is left."
  }
}
