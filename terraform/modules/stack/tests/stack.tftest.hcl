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
  source = "./tests/mocks"
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
    # The pipeline deploys terraform/environments/<env>, and there is no uat directory.
    enable_cicd = false
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

# The network module is replaced by outputs where only the private subnets and private route tables
# are acceptable to connectivity: the run errors if it is handed the public ones.
run "connectivity_attaches_through_the_private_subnets_and_route_tables" {
  command = plan

  # The replaced network has no public subnets, endpoints or CIDR the application platform could use.
  variables {
    enable_ecs_service = false
    enable_serverless  = false
  }

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
