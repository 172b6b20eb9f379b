# One environment from the stack module: every host group becomes a trading_hosts call with its
# count, placement group and tier security group; the lowlat:* tags; the network and the on-premises
# paths wired in; the outputs. Offline: every AWS answer comes from the mock.
#
# A run can read the stack's outputs and its child modules' outputs (module.<name>.<output>), not
# the resources inside the children. Where a child has no output for a setting, the runs use the
# child's own checks as the witness: trading_hosts refuses a security group ID that does not look
# like sg-..., and refuses an AMI without ENA unless verify_ami is off, so a run that would hand a
# host the wrong group, or drop verify_ami = false, errors instead of passing.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-2" }
  }
  # The provider checks the policy arguments it receives for valid JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  # A c5n-ready image unless a run overrides it.
  mock_data "aws_ami" {
    defaults = { ena_support = true, architecture = "x86_64" }
  }
  # One trading AZ: each role's availability_zone output needs its hosts to agree.
  mock_resource "aws_instance" {
    defaults = { availability_zone = "eu-west-2a" }
  }
  # The provider checks the flow log's destination and role, and the log groups' keys, are ARNs.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-prod/vpc-flow-logs" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-prod-vpc-flow-logs" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }
  }
  # IDs the child modules' input validations accept once they are known (apply).
  mock_resource "aws_vpc" {
    defaults = { id = "vpc-0123456789abcdef0" }
  }
  mock_resource "aws_subnet" {
    defaults = { id = "subnet-0123456789abcdef0" }
  }
  mock_resource "aws_route_table" {
    defaults = { id = "rtb-0123456789abcdef0" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0123456789abcdef0" }
  }
}

# The prod example (environments/prod/terraform.tfvars.example) without the on-premises paths.
variables {
  env     = "prod"
  cluster = "ldn1"

  vpc_cidr = "10.50.0.0/16"
  subnets = {
    "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
    "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
    "eu-west-2c" = { public_cidr = "10.50.2.0/24", private_cidr = "10.50.48.0/20" }
  }
  trading_az = "eu-west-2a"

  ami_id = "ami-0123456789abcdef0"
  host_groups = {
    engine     = { instance_type = "c5n.18xlarge", instances = 2 }
    feed       = { instance_type = "c5n.18xlarge", instances = 2 }
    venue      = { instance_type = "c5n.18xlarge", instances = 1 }
    monitoring = { instance_type = "c5n.2xlarge", instances = 1 }
  }
  host_secret_arns = {
    engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/engine-AbCdEf"
    feed       = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/feed-GhIjKl"
    venue      = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/venue-MnOpQr"
    monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/monitoring-StUvWx"
  }
  kms_key_admin_arns = ["arn:aws:iam::123456789012:role/lowlat-platform-admin"]

  market_data_source_cidrs = ["198.51.100.0/26"]
  venue_cidrs              = ["198.51.100.64/26"]
  venue_tcp_ports          = [9001, 9002]
  ops_cidrs                = ["192.0.2.0/27"]
}

################################################################################
# Host groups
################################################################################

run "every_host_group_becomes_one_trading_hosts_call_with_its_count" {
  command = plan

  assert {
    condition     = toset(keys(module.hosts)) == toset(["engine", "feed", "venue", "monitoring"])
    error_message = "Each key of host_groups (engine, feed, venue, monitoring) gets one trading_hosts call, no more."
  }
  assert {
    condition     = alltrue([for role, g in var.host_groups : length(module.hosts[role].instance_ids) == g.instances])
    error_message = "Each role launches host_groups[role].instances hosts (engine 2, feed 2, venue 1, monitoring 1)."
  }
  assert {
    condition = (
      toset(keys(module.hosts["engine"].hosts)) == toset(["lowlat-prod-engine-01", "lowlat-prod-engine-02"]) &&
      toset(keys(module.hosts["feed"].hosts)) == toset(["lowlat-prod-feed-01", "lowlat-prod-feed-02"]) &&
      toset(keys(module.hosts["venue"].hosts)) == toset(["lowlat-prod-venue-01"]) &&
      toset(keys(module.hosts["monitoring"].hosts)) == toset(["lowlat-prod-monitoring-01"])
    )
    error_message = "Hosts are named lowlat-<env>-<role>-NN: the stack names everything lowlat-<env> and passes the role."
  }
  assert {
    condition     = alltrue([for role, m in module.hosts : m.iam_role_name == "lowlat-prod-${role}" && m.instance_profile_name == "lowlat-prod-${role}"])
    error_message = "Each role has its own IAM role and instance profile, lowlat-<env>-<role>."
  }
}

run "each_role_gets_its_own_cluster_placement_group" {
  command = plan

  assert {
    condition = output.placement_groups == {
      engine     = "lowlat-prod-engine"
      feed       = "lowlat-prod-feed"
      venue      = "lowlat-prod-venue"
      monitoring = "lowlat-prod-monitoring"
    }
    error_message = "Without placement_group_name every role gets its own placement group lowlat-<env>-<role>."
  }
}

run "placement_group_name_joins_roles_to_an_existing_group" {
  command = plan

  variables {
    host_groups = {
      engine     = { instance_type = "c5n.18xlarge", instances = 2, placement_group_name = "lowlat-prod-trading" }
      feed       = { instance_type = "c5n.18xlarge", instances = 2 }
      venue      = { instance_type = "c5n.18xlarge", instances = 1, placement_group_name = "lowlat-prod-trading" }
      monitoring = { instance_type = "c5n.2xlarge", instances = 1 }
    }
  }

  assert {
    condition = output.placement_groups == {
      engine     = "lowlat-prod-trading"
      feed       = "lowlat-prod-feed"
      venue      = "lowlat-prod-trading"
      monitoring = "lowlat-prod-monitoring"
    }
    error_message = "placement_group_name puts engine and venue into the named group; the other roles keep their own."
  }
}

run "smt_off_and_bare_metal_groups_are_accepted" {
  command = plan

  # trading_hosts refuses threads_per_core on c5n.metal: this run errors if the stack set
  # threads_per_core for a group that does not ask for it.
  variables {
    host_groups = {
      engine     = { instance_type = "c5n.18xlarge", instances = 2, threads_per_core = 1 }
      feed       = { instance_type = "c5n.9xlarge", instances = 1, threads_per_core = 2 }
      monitoring = { instance_type = "c5n.metal", instances = 1 }
    }
  }

  assert {
    condition = (
      length(module.hosts["engine"].instance_ids) == 2 &&
      length(module.hosts["feed"].instance_ids) == 1 &&
      length(module.hosts["monitoring"].instance_ids) == 1
    )
    error_message = "SMT-off, SMT-on and bare-metal groups are each planned with their own count."
  }
}

################################################################################
# Tier security groups: each role's hosts get exactly their tier's group
################################################################################

# Every group but the engine tier's gets an ID trading_hosts refuses: the run errors if an engine
# or venue host is handed any other group.
run "engine_and_venue_hosts_sit_in_the_engine_tier" {
  command = plan

  variables {
    host_groups = {
      engine = { instance_type = "c5n.18xlarge", instances = 2 }
      venue  = { instance_type = "c5n.18xlarge", instances = 1 }
    }
  }

  override_resource {
    target          = module.network.aws_security_group.engine
    override_during = plan
    values          = { id = "sg-00000000000000e01" }
  }
  override_resource {
    target          = module.network.aws_security_group.market_data
    override_during = plan
    values          = { id = "not-the-engine-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.monitoring
    override_during = plan
    values          = { id = "not-the-engine-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.endpoints
    override_during = plan
    values          = { id = "not-the-engine-tier" }
  }

  assert {
    condition     = output.security_group_ids["engine"] == "sg-00000000000000e01"
    error_message = "The engine tier's group is the one in the security_group_ids output."
  }
  assert {
    condition     = length(module.hosts["engine"].instance_ids) == 2 && length(module.hosts["venue"].instance_ids) == 1
    error_message = "Engine and venue hosts are planned in the engine tier."
  }
}

run "feed_hosts_sit_in_the_market_data_tier" {
  command = plan

  variables {
    host_groups = {
      feed = { instance_type = "c5n.18xlarge", instances = 2 }
    }
  }

  override_resource {
    target          = module.network.aws_security_group.engine
    override_during = plan
    values          = { id = "not-the-market-data-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.market_data
    override_during = plan
    values          = { id = "sg-00000000000000fd1" }
  }
  override_resource {
    target          = module.network.aws_security_group.monitoring
    override_during = plan
    values          = { id = "not-the-market-data-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.endpoints
    override_during = plan
    values          = { id = "not-the-market-data-tier" }
  }

  assert {
    condition     = output.security_group_ids["market_data"] == "sg-00000000000000fd1"
    error_message = "The market data tier's group is the one in the security_group_ids output."
  }
  assert {
    condition     = length(module.hosts["feed"].instance_ids) == 2
    error_message = "Feed hosts are planned in the market data tier."
  }
}

run "monitoring_hosts_sit_in_the_monitoring_tier" {
  command = plan

  variables {
    host_groups = {
      monitoring = { instance_type = "c5n.2xlarge", instances = 1 }
    }
  }

  override_resource {
    target          = module.network.aws_security_group.engine
    override_during = plan
    values          = { id = "not-the-monitoring-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.market_data
    override_during = plan
    values          = { id = "not-the-monitoring-tier" }
  }
  override_resource {
    target          = module.network.aws_security_group.monitoring
    override_during = plan
    values          = { id = "sg-00000000000000a01" }
  }
  override_resource {
    target          = module.network.aws_security_group.endpoints
    override_during = plan
    values          = { id = "not-the-monitoring-tier" }
  }

  assert {
    condition     = output.security_group_ids["monitoring"] == "sg-00000000000000a01"
    error_message = "The monitoring tier's group is the one in the security_group_ids output."
  }
  assert {
    condition     = length(module.hosts["monitoring"].instance_ids) == 1
    error_message = "Monitoring hosts are planned in the monitoring tier."
  }
}

################################################################################
# lowlat:* tags (what the Ansible inventory groups on)
################################################################################

run "lowlat_tags_name_each_role_env_and_cluster" {
  command = plan

  assert {
    condition = output.lowlat_tags == {
      engine     = { "lowlat:role" = "engine", "lowlat:env" = "prod", "lowlat:cluster" = "ldn1", "lowlat:managed" = "true" }
      feed       = { "lowlat:role" = "feed", "lowlat:env" = "prod", "lowlat:cluster" = "ldn1", "lowlat:managed" = "true" }
      venue      = { "lowlat:role" = "venue", "lowlat:env" = "prod", "lowlat:cluster" = "ldn1", "lowlat:managed" = "true" }
      monitoring = { "lowlat:role" = "monitoring", "lowlat:env" = "prod", "lowlat:cluster" = "ldn1", "lowlat:managed" = "true" }
    }
    error_message = "lowlat_tags gives, per role, exactly the lowlat:role/env/cluster/managed tags its hosts carry."
  }
}

run "env_and_cluster_reach_every_role" {
  command = plan

  variables {
    env     = "uat"
    cluster = "nyc2"
  }

  assert {
    condition = alltrue([for role, t in output.lowlat_tags : (
      t["lowlat:role"] == role && t["lowlat:env"] == "uat" && t["lowlat:cluster"] == "nyc2" && t["lowlat:managed"] == "true"
    )])
    error_message = "env and cluster reach the lowlat:env and lowlat:cluster tags of every role."
  }
  assert {
    condition     = output.placement_groups["engine"] == "lowlat-uat-engine" && keys(module.hosts["venue"].hosts) == ["lowlat-uat-venue-01"]
    error_message = "Names follow env: lowlat-<env>-<role>."
  }
}

################################################################################
# Switches passed to every host group
################################################################################

run "verify_ami_false_reaches_every_host_group" {
  command = plan

  variables {
    verify_ami = false
  }

  # The image an emulator would describe. With verify_ami passed through, no group reads it and
  # no precondition refuses it; a group that still read it would fail the plan.
  override_data {
    target = module.hosts["engine"].data.aws_ami.selected
    values = { ena_support = false, architecture = "arm64" }
  }
  override_data {
    target = module.hosts["feed"].data.aws_ami.selected
    values = { ena_support = false, architecture = "arm64" }
  }
  override_data {
    target = module.hosts["venue"].data.aws_ami.selected
    values = { ena_support = false, architecture = "arm64" }
  }
  override_data {
    target = module.hosts["monitoring"].data.aws_ami.selected
    values = { ena_support = false, architecture = "arm64" }
  }

  assert {
    condition     = alltrue([for role, g in var.host_groups : length(module.hosts[role].instance_ids) == g.instances])
    error_message = "With verify_ami = false every group is still planned."
  }
}

# trading_hosts has no output for monitoring or termination protection, so from here this run can
# only show that a disposable environment (dev) plans; hosts.tftest.hcl checks the instances.
run "termination_protection_and_detailed_monitoring_off_still_plan" {
  command = plan

  variables {
    termination_protection = false
    detailed_monitoring    = false
  }

  assert {
    condition     = alltrue([for role, g in var.host_groups : length(module.hosts[role].instance_ids) == g.instances])
    error_message = "termination_protection = false and detailed_monitoring = false still plan every group."
  }
}

################################################################################
# Network and on-premises paths
################################################################################

# The network module is replaced by outputs whose only acceptable subnet is trading_az's private
# one (and connectivity, which would refuse the others, by nothing): the run errors if a host is
# put anywhere else.
run "hosts_go_into_the_private_subnet_of_trading_az" {
  command = plan

  variables {
    trading_az = "eu-west-2c"
  }

  override_module {
    target          = module.network
    override_during = plan
    outputs = {
      vpc_id = "vpc-0123456789abcdef0"
      private_subnet_ids = {
        "eu-west-2a" = "not-the-trading-az"
        "eu-west-2b" = "not-the-trading-az"
        "eu-west-2c" = "subnet-00000000000000c0c"
      }
      public_subnet_ids = {
        "eu-west-2a" = "not-a-private-subnet"
        "eu-west-2b" = "not-a-private-subnet"
        "eu-west-2c" = "not-a-private-subnet"
      }
      security_group_ids = {
        engine      = "sg-00000000000000e01"
        market_data = "sg-00000000000000fd1"
        monitoring  = "sg-00000000000000a01"
      }
    }
  }
  override_module {
    target          = module.connectivity
    override_during = plan
    outputs         = {}
  }

  assert {
    condition     = alltrue([for role, g in var.host_groups : length(module.hosts[role].instance_ids) == g.instances])
    error_message = "Every group is planned in the private subnet of trading_az (eu-west-2c)."
  }
  assert {
    condition     = output.private_subnet_ids["eu-west-2c"] == "subnet-00000000000000c0c"
    error_message = "private_subnet_ids passes the network module's map through."
  }
}

# The network module is replaced by outputs where only the private subnets and private route tables
# are acceptable to connectivity: the run errors if it is handed the public ones.
run "connectivity_attaches_through_the_private_subnets_and_route_tables" {
  command = plan

  override_module {
    target          = module.network
    override_during = plan
    outputs = {
      vpc_id = "vpc-0123456789abcdef0"
      private_subnet_ids = {
        "eu-west-2a" = "subnet-00000000000000a0a"
        "eu-west-2b" = "subnet-00000000000000b0b"
        "eu-west-2c" = "subnet-00000000000000c0c"
      }
      public_subnet_ids = {
        "eu-west-2a" = "not-a-private-subnet"
        "eu-west-2b" = "not-a-private-subnet"
        "eu-west-2c" = "not-a-private-subnet"
      }
      private_route_table_ids = {
        "eu-west-2a" = "rtb-00000000000000a0a"
        "eu-west-2b" = "rtb-00000000000000b0b"
        "eu-west-2c" = "rtb-00000000000000c0c"
      }
      security_group_ids = {
        engine      = "sg-00000000000000e01"
        market_data = "sg-00000000000000fd1"
        monitoring  = "sg-00000000000000a01"
      }
    }
  }

  assert {
    condition     = output.vpc_id == "vpc-0123456789abcdef0"
    error_message = "vpc_id passes the network module's VPC through."
  }
}

run "network_gets_the_vpc_and_every_az" {
  command = plan

  assert {
    condition     = module.network.vpc_cidr_block == "10.50.0.0/16"
    error_message = "vpc_cidr reaches the network module."
  }
  assert {
    condition = (
      toset(keys(output.private_subnet_ids)) == toset(["eu-west-2a", "eu-west-2b", "eu-west-2c"]) &&
      toset(keys(module.network.private_route_table_ids)) == toset(["eu-west-2a", "eu-west-2b", "eu-west-2c"]) &&
      toset(keys(output.nat_gateway_public_ips)) == toset(["eu-west-2a", "eu-west-2b", "eu-west-2c"])
    )
    error_message = "Every AZ of subnets gets a private subnet, a private route table and a NAT gateway."
  }
  assert {
    condition     = toset(keys(output.security_group_ids)) == toset(["engine", "market_data", "monitoring"])
    error_message = "security_group_ids lists the three host tiers."
  }
}

run "a_network_listed_twice_is_routed_once" {
  command = plan

  # connectivity keys its routes <route table>-<cidr>: a CIDR handed over twice would be a
  # duplicate key and fail the plan. The plan succeeding is the check.
  variables {
    market_data_source_cidrs = ["198.51.100.0/26"]
    venue_cidrs              = ["198.51.100.0/26", "198.51.100.64/26"]
    ops_cidrs                = ["198.51.100.64/26", "192.0.2.0/27"]
  }
}

run "outputs_without_direct_connect_or_vpn" {
  command = apply

  assert {
    condition     = output.vpc_id == module.network.vpc_id && output.vpc_id == "vpc-0123456789abcdef0"
    error_message = "vpc_id is the network module's VPC."
  }
  assert {
    condition     = output.private_subnet_ids == module.network.private_subnet_ids
    error_message = "private_subnet_ids is the network module's map of private subnets by AZ."
  }
  assert {
    condition     = output.security_group_ids == module.network.security_group_ids
    error_message = "security_group_ids is the network module's map of tier groups."
  }
  assert {
    condition     = output.nat_gateway_public_ips == module.network.nat_gateway_public_ips
    error_message = "nat_gateway_public_ips is the network module's map of NAT Elastic IPs."
  }
  assert {
    condition     = output.hosts == { for role, m in module.hosts : role => m.hosts }
    error_message = "hosts is, per role, the trading_hosts hosts map (name => id and private IP)."
  }
  assert {
    condition = alltrue(flatten([for role, hosts in output.hosts : [
      for name, h in hosts : contains(module.hosts[role].instance_ids, h.id) && contains(module.hosts[role].private_ips, h.private_ip)
    ]]))
    error_message = "Every host in the hosts output is one of its role's instances, with its private IP."
  }
  assert {
    condition     = output.placement_groups == { for role, m in module.hosts : role => m.placement_group_name }
    error_message = "placement_groups is, per role, the trading_hosts placement group."
  }
  assert {
    condition     = output.lowlat_tags == { for role, m in module.hosts : role => m.lowlat_tags }
    error_message = "lowlat_tags is, per role, the trading_hosts lowlat_tags."
  }
  assert {
    condition     = alltrue([for role, m in module.hosts : m.availability_zone == "eu-west-2a"])
    error_message = "Every role's hosts share one AZ."
  }
  assert {
    condition     = output.transit_gateway_id == module.connectivity.transit_gateway_id && output.transit_gateway_id != null
    error_message = "transit_gateway_id is the connectivity module's transit gateway."
  }
  assert {
    condition     = output.vpn_tunnel_outside_addresses == module.connectivity.vpn_tunnel_outside_addresses && length(output.vpn_tunnel_outside_addresses) == 0
    error_message = "vpn_tunnel_outside_addresses is empty while enable_vpn_backup is off."
  }
  assert {
    condition = (
      module.connectivity.direct_connect_association_id == null &&
      module.connectivity.vpn_backup_enabled == false &&
      module.connectivity.customer_gateway_id == null
    )
    error_message = "Without direct_connect_gateway_id and enable_vpn_backup there is no Direct Connect association and no VPN."
  }
}

run "prod_paths_direct_connect_primary_and_vpn_backup" {
  command = apply

  variables {
    direct_connect_gateway_id = "11111111-2222-3333-4444-555555555555"
    enable_vpn_backup         = true
    customer_gateway_ip       = "203.0.113.10"
    customer_gateway_bgp_asn  = 65010
  }

  assert {
    condition     = module.connectivity.direct_connect_association_id != null
    error_message = "direct_connect_gateway_id reaches connectivity: the Direct Connect gateway is associated."
  }
  assert {
    condition     = module.connectivity.vpn_backup_enabled && module.connectivity.customer_gateway_id != null && module.connectivity.vpn_connection_id != null
    error_message = "enable_vpn_backup and customer_gateway_ip reach connectivity: the customer gateway and the VPN exist."
  }
  assert {
    condition     = length(output.vpn_tunnel_outside_addresses) == 2 && output.vpn_tunnel_outside_addresses == module.connectivity.vpn_tunnel_outside_addresses
    error_message = "vpn_tunnel_outside_addresses lists the two tunnels' AWS-side addresses."
  }
  assert {
    condition     = module.connectivity.vpn_log_group_name == "/lowlat/lowlat-prod/vpn-tunnels"
    error_message = "The connectivity module is named lowlat-<env> like the rest of the stack."
  }
}

run "dev_example_plans" {
  command = plan

  # environments/dev: two AZs, three small groups, disposable hosts, no Direct Connect, no VPN.
  variables {
    env                    = "dev"
    termination_protection = false
    vpc_cidr               = "10.40.0.0/16"
    subnets = {
      "eu-west-2a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
      "eu-west-2b" = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
    }
    host_groups = {
      engine     = { instance_type = "c5n.xlarge", instances = 1 }
      feed       = { instance_type = "c5n.large", instances = 1 }
      monitoring = { instance_type = "c5n.large", instances = 1 }
    }
    host_secret_arns = {
      engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
      feed       = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/feed-GhIjKl"
      monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/monitoring-MnOpQr"
    }
    kms_key_admin_arns       = []
    market_data_source_cidrs = []
    venue_cidrs              = []
    venue_tcp_ports          = []
  }

  assert {
    condition     = toset(keys(module.hosts)) == toset(["engine", "feed", "monitoring"])
    error_message = "dev has engine, feed and monitoring hosts and no venue gateways."
  }
  assert {
    condition     = output.placement_groups == { engine = "lowlat-dev-engine", feed = "lowlat-dev-feed", monitoring = "lowlat-dev-monitoring" }
    error_message = "dev names everything lowlat-dev."
  }
  assert {
    condition     = alltrue([for t in values(output.lowlat_tags) : t["lowlat:env"] == "dev"])
    error_message = "dev hosts carry lowlat:env = dev."
  }
  assert {
    condition     = toset(keys(output.private_subnet_ids)) == toset(["eu-west-2a", "eu-west-2b"])
    error_message = "dev has two AZs."
  }
}
