# Runs with the stores (data module) replaced by their outputs, because the stores would refuse
# what these runs hand the hosts on purpose, and they are not what these runs are about:
# - which security group and subnet each host group gets: trading_hosts has no output for them, so
#   its own input checks are the witness (every tier but the expected one gets an ID that is not
#   an sg-... or subnet-..., and a host handed the wrong one makes the plan fail);
# - the outputs after a (mocked) apply: the mock gives every subnet the same ID, which the stores
#   rightly refuse (they need two different subnets), as do the load balancer, EKS and the functions.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The application platform needs distinct subnets too (the load balancer, EKS and the functions
# span availability zones): tests/compute.tftest.hcl covers it with a network of distinct IDs.
variables {
  enable_ecs_service = false
  enable_eks_cluster = false
  enable_serverless  = false
}

override_module {
  target = module.data
  outputs = {
    audit_bucket_name    = "lowlat-prod-123456789012-audit"
    archive_bucket_arn   = "arn:aws:s3:::lowlat-prod-123456789012-tick-archive"
    rds_instance_id      = "lowlat-prod-trades"
    rds_resource_id      = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    dynamodb_table_names = { orders = "lowlat-prod-orders", order_books = "lowlat-prod-order-books", market_data = "lowlat-prod-market-data" }
    dynamodb_table_arns = {
      orders      = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-orders"
      order_books = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-order-books"
      market_data = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-market-data"
    }
  }
}

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
