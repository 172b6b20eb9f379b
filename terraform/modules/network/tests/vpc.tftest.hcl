# The VPC itself: subnets per AZ, one NAT gateway per AZ with its own private route table, the
# gateway and interface endpoints, the flow logs with their KMS key and IAM role, tags and outputs.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}


################################################################################
# VPC and subnets
################################################################################

run "vpc_with_dns_and_one_public_and_one_private_subnet_per_az" {
  command = plan

  assert {
    condition     = aws_vpc.this.cidr_block == "10.50.0.0/16"
    error_message = "The VPC uses cidr_block as given (10.50.0.0/16)."
  }
  assert {
    condition     = aws_vpc.this.enable_dns_support && aws_vpc.this.enable_dns_hostnames
    error_message = "DNS support and DNS hostnames are both on (the Kinesis endpoint's private DNS needs them)."
  }
  assert {
    condition     = keys(aws_subnet.public) == ["eu-west-2a", "eu-west-2b"] && keys(aws_subnet.private) == ["eu-west-2a", "eu-west-2b"]
    error_message = "Every AZ key of subnets gets one public and one private subnet (eu-west-2a and eu-west-2b)."
  }
  assert {
    condition     = alltrue([for az, s in aws_subnet.public : s.availability_zone == az && s.cidr_block == var.subnets[az].public_cidr])
    error_message = "Each public subnet is in the AZ of its key with that AZ's public_cidr."
  }
  assert {
    condition     = alltrue([for az, s in aws_subnet.private : s.availability_zone == az && s.cidr_block == var.subnets[az].private_cidr])
    error_message = "Each private subnet is in the AZ of its key with that AZ's private_cidr."
  }
  assert {
    condition     = alltrue([for s in concat(values(aws_subnet.public), values(aws_subnet.private)) : !s.map_public_ip_on_launch])
    error_message = "No subnet, public or private, hands out public IPs on launch."
  }
  assert {
    condition     = aws_default_security_group.this.tags["Name"] == "lowlat-test-default-deny"
    error_message = "The VPC's default security group is adopted (and so emptied) as <name>-default-deny."
  }
}

run "one_nat_gateway_per_az_and_each_private_route_table_uses_its_own" {
  command = apply

  assert {
    condition     = length(aws_eip.nat) == 2 && alltrue([for e in aws_eip.nat : e.domain == "vpc"])
    error_message = "One VPC Elastic IP per AZ for the NAT gateways (2 AZs, 2 EIPs)."
  }
  assert {
    condition     = keys(aws_nat_gateway.this) == ["eu-west-2a", "eu-west-2b"]
    error_message = "One NAT gateway per AZ, keyed by AZ."
  }
  assert {
    condition = alltrue([for az, n in aws_nat_gateway.this : (
      n.subnet_id == aws_subnet.public[az].id && n.allocation_id == aws_eip.nat[az].id
    )])
    error_message = "Each NAT gateway sits in the public subnet of its AZ with the Elastic IP of its AZ."
  }
  assert {
    condition = (
      aws_route.public_internet.route_table_id == aws_route_table.public.id &&
      aws_route.public_internet.destination_cidr_block == "0.0.0.0/0" &&
      aws_route.public_internet.gateway_id == aws_internet_gateway.this.id
    )
    error_message = "The one public route table sends 0.0.0.0/0 to the internet gateway."
  }
  assert {
    condition     = alltrue([for az, a in aws_route_table_association.public : a.subnet_id == aws_subnet.public[az].id && a.route_table_id == aws_route_table.public.id])
    error_message = "Every public subnet is associated with the public route table."
  }
  assert {
    condition = alltrue([for az, r in aws_route.private_nat : (
      r.route_table_id == aws_route_table.private[az].id &&
      r.destination_cidr_block == "0.0.0.0/0" &&
      r.nat_gateway_id == aws_nat_gateway.this[az].id
    )])
    error_message = "Each private route table sends 0.0.0.0/0 to the NAT gateway of its own AZ."
  }
  assert {
    condition     = alltrue([for az, a in aws_route_table_association.private : a.subnet_id == aws_subnet.private[az].id && a.route_table_id == aws_route_table.private[az].id])
    error_message = "Each private subnet is associated with the private route table of its AZ."
  }
  assert {
    condition     = aws_internet_gateway.this.vpc_id == aws_vpc.this.id && aws_default_security_group.this.vpc_id == aws_vpc.this.id
    error_message = "The internet gateway and the adopted default security group belong to the module's VPC."
  }
}

run "a_third_az_adds_its_own_subnets_nat_gateway_and_route_table" {
  command = plan

  variables {
    subnets = {
      "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
      "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
      "eu-west-2c" = { public_cidr = "10.50.2.0/24", private_cidr = "10.50.48.0/20" }
    }
  }

  assert {
    condition = (
      length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 &&
      length(aws_eip.nat) == 3 && length(aws_nat_gateway.this) == 3 &&
      length(aws_route_table.private) == 3 && length(aws_route.private_nat) == 3 &&
      length(aws_route_table_association.private) == 3 && length(aws_route_table_association.public) == 3
    )
    error_message = "Three AZs give three of every per-AZ resource (subnets, EIPs, NAT gateways, private route tables, routes, associations)."
  }
  assert {
    condition     = aws_subnet.private["eu-west-2c"].cidr_block == "10.50.48.0/20" && aws_subnet.public["eu-west-2c"].cidr_block == "10.50.2.0/24"
    error_message = "The third AZ's subnets use its own CIDRs."
  }
}

################################################################################
# VPC endpoints
################################################################################

run "gateway_endpoints_on_every_private_route_table_and_kinesis_interface_endpoint" {
  command = apply

  assert {
    condition = (
      aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-2.s3" &&
      aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" &&
      aws_vpc_endpoint.dynamodb.service_name == "com.amazonaws.eu-west-2.dynamodb" &&
      aws_vpc_endpoint.dynamodb.vpc_endpoint_type == "Gateway"
    )
    error_message = "S3 and DynamoDB get Gateway endpoints for the region's services (com.amazonaws.eu-west-2.s3 / .dynamodb)."
  }
  assert {
    condition = (
      toset(aws_vpc_endpoint.s3.route_table_ids) == toset([for rt in aws_route_table.private : rt.id]) &&
      toset(aws_vpc_endpoint.dynamodb.route_table_ids) == toset([for rt in aws_route_table.private : rt.id])
    )
    error_message = "Both gateway endpoints are on every private route table, and only those (not the public one)."
  }
  assert {
    condition = (
      aws_vpc_endpoint.kinesis_streams.service_name == "com.amazonaws.eu-west-2.kinesis-streams" &&
      aws_vpc_endpoint.kinesis_streams.vpc_endpoint_type == "Interface" &&
      aws_vpc_endpoint.kinesis_streams.private_dns_enabled
    )
    error_message = "Kinesis Data Streams gets an Interface endpoint (kinesis-streams) with private DNS."
  }
  assert {
    condition     = toset(aws_vpc_endpoint.kinesis_streams.subnet_ids) == toset([for s in aws_subnet.private : s.id])
    error_message = "The Kinesis endpoint has one interface in every private subnet and none in the public ones."
  }
  assert {
    condition     = toset(aws_vpc_endpoint.kinesis_streams.security_group_ids) == toset([aws_security_group.endpoints.id])
    error_message = "The Kinesis endpoint uses only the endpoints security group."
  }
  assert {
    condition = (
      aws_vpc_endpoint.execute_api.service_name == "com.amazonaws.eu-west-2.execute-api" &&
      aws_vpc_endpoint.execute_api.vpc_endpoint_type == "Interface" &&
      aws_vpc_endpoint.execute_api.private_dns_enabled &&
      toset(aws_vpc_endpoint.execute_api.subnet_ids) == toset([for s in aws_subnet.private : s.id]) &&
      toset(aws_vpc_endpoint.execute_api.security_group_ids) == toset([aws_security_group.endpoints.id])
    )
    error_message = "API Gateway gets an Interface endpoint (execute-api) with private DNS in every private subnet, behind the endpoints security group: the serverless module's private API is called through it."
  }
  assert {
    condition     = alltrue([for e in [aws_vpc_endpoint.s3, aws_vpc_endpoint.dynamodb, aws_vpc_endpoint.kinesis_streams, aws_vpc_endpoint.execute_api] : e.vpc_id == aws_vpc.this.id])
    error_message = "All four endpoints are in the module's VPC."
  }
}

################################################################################
# Flow logs
################################################################################

run "flow_logs_record_all_traffic_into_an_encrypted_log_group_kept_a_year" {
  command = apply

  assert {
    condition = (
      aws_flow_log.this.vpc_id == aws_vpc.this.id &&
      aws_flow_log.this.traffic_type == "ALL" &&
      aws_flow_log.this.max_aggregation_interval == 60
    )
    error_message = "The VPC's flow log records ALL traffic with 60 s aggregation by default."
  }
  assert {
    condition = (
      aws_flow_log.this.log_destination_type == "cloud-watch-logs" &&
      aws_flow_log.this.log_destination == aws_cloudwatch_log_group.flow_logs.arn &&
      aws_flow_log.this.iam_role_arn == aws_iam_role.flow_logs.arn
    )
    error_message = "The flow log writes to the module's CloudWatch log group through the module's role."
  }
  assert {
    condition = (
      aws_cloudwatch_log_group.flow_logs.name == "/lowlat/lowlat-test/vpc-flow-logs" &&
      aws_cloudwatch_log_group.flow_logs.retention_in_days == 365 &&
      aws_cloudwatch_log_group.flow_logs.kms_key_id == aws_kms_key.logs.arn
    )
    error_message = "The log group is /lowlat/<name>/vpc-flow-logs, kept 365 days, encrypted with the module's key."
  }
  assert {
    condition     = aws_kms_alias.logs.name == "alias/lowlat-test-logs" && aws_kms_alias.logs.target_key_id == aws_kms_key.logs.key_id
    error_message = "The logs key has the alias alias/<name>-logs."
  }
  assert {
    condition     = aws_iam_role.flow_logs.name == "lowlat-test-vpc-flow-logs"
    error_message = "The flow log role is named <name>-vpc-flow-logs."
  }
  assert {
    condition     = aws_iam_role_policy.flow_logs.role == aws_iam_role.flow_logs.id && aws_iam_role_policy.flow_logs.name == "write-vpc-flow-logs"
    error_message = "The inline write-vpc-flow-logs policy is attached to the flow log role."
  }
  assert {
    condition = (
      length(data.aws_iam_policy_document.flow_logs_write.statement) == 2 &&
      data.aws_iam_policy_document.flow_logs_write.statement[0].actions == toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]) &&
      data.aws_iam_policy_document.flow_logs_write.statement[0].resources == toset(["${aws_cloudwatch_log_group.flow_logs.arn}:*"])
    )
    error_message = "The role writes log streams and events into the flow log group's streams only (<log group ARN>:*)."
  }
  assert {
    condition = (
      data.aws_iam_policy_document.flow_logs_write.statement[1].actions == toset(["logs:DescribeLogGroups"]) &&
      data.aws_iam_policy_document.flow_logs_write.statement[1].resources == toset(["arn:aws:logs:eu-west-2:123456789012:log-group:*"])
    )
    error_message = "The only other permission is DescribeLogGroups in the account and region."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.flow_logs_write.statement : coalesce(s.effect, "Allow") == "Allow" && !contains(s.resources, "*") && length([for a in s.actions : a if strcontains(a, "*")]) == 0])
    error_message = "The write policy has no wildcard action and no \"*\" resource."
  }
}

run "flow_log_role_is_assumable_by_the_flow_log_service_of_this_account_only" {
  command = plan

  assert {
    condition = (
      length(data.aws_iam_policy_document.flow_logs_assume.statement) == 1 &&
      data.aws_iam_policy_document.flow_logs_assume.statement[0].actions == toset(["sts:AssumeRole"]) &&
      one(data.aws_iam_policy_document.flow_logs_assume.statement[0].principals).type == "Service" &&
      one(data.aws_iam_policy_document.flow_logs_assume.statement[0].principals).identifiers == toset(["vpc-flow-logs.amazonaws.com"])
    )
    error_message = "Only vpc-flow-logs.amazonaws.com may assume the flow log role."
  }
  assert {
    condition = toset([for c in data.aws_iam_policy_document.flow_logs_assume.statement[0].condition : "${c.test} ${c.variable} ${join(",", c.values)}"]) == toset([
      "StringEquals aws:SourceAccount 123456789012",
      "ArnLike aws:SourceArn arn:aws:ec2:eu-west-2:123456789012:vpc-flow-log/*",
    ])
    error_message = "The trust is confined to this account's flow logs (aws:SourceAccount and aws:SourceArn conditions), against the confused deputy."
  }
}

run "logs_key_rotates_and_cloudwatch_logs_may_use_it_for_this_vpcs_log_groups_only" {
  command = plan

  assert {
    condition     = aws_kms_key.logs.enable_key_rotation && aws_kms_key.logs.deletion_window_in_days == 30
    error_message = "The logs key rotates and has a 30-day deletion window."
  }
  assert {
    condition     = length(jsondecode(aws_kms_key.logs.policy).Statement) == 2
    error_message = "The key policy has two statements: the account, and CloudWatch Logs."
  }
  assert {
    condition = (
      jsondecode(aws_kms_key.logs.policy).Statement[0].Principal == { AWS = "arn:aws:iam::123456789012:root" } &&
      jsondecode(aws_kms_key.logs.policy).Statement[0].Action == "kms:*"
    )
    error_message = "The first statement delegates the key to the account's IAM (its root principal)."
  }
  assert {
    condition = (
      jsondecode(aws_kms_key.logs.policy).Statement[1].Principal == { Service = "logs.eu-west-2.amazonaws.com" } &&
      !contains(jsondecode(aws_kms_key.logs.policy).Statement[1].Action, "kms:*")
    )
    error_message = "The second statement is for the region's CloudWatch Logs service, without kms:*."
  }
  assert {
    condition = jsondecode(aws_kms_key.logs.policy).Statement[1].Condition == {
      ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/*" }
    }
    error_message = "CloudWatch Logs may use the key only for log groups under /lowlat/<name>/ of this account and region."
  }
  assert {
    condition     = !strcontains(jsonencode([for s in jsondecode(aws_kms_key.logs.policy).Statement : s.Principal]), "\"*\"")
    error_message = "The key policy has no wildcard principal."
  }
}

################################################################################
# Tags
################################################################################

run "names_and_tier_tags_without_user_tags" {
  command = plan

  assert {
    condition     = aws_vpc.this.tags == tomap({ Name = "lowlat-test" })
    error_message = "Without tags the VPC carries only Name = <name>."
  }
  assert {
    condition = (
      aws_subnet.public["eu-west-2a"].tags == tomap({ Name = "lowlat-test-public-eu-west-2a", "lowlat:tier" = "public" }) &&
      aws_subnet.private["eu-west-2b"].tags == tomap({ Name = "lowlat-test-private-eu-west-2b", "lowlat:tier" = "private" })
    )
    error_message = "Subnets are named <name>-<public|private>-<az> and carry lowlat:tier = public/private."
  }
  assert {
    condition = (
      aws_nat_gateway.this["eu-west-2a"].tags["Name"] == "lowlat-test-nat-eu-west-2a" &&
      aws_eip.nat["eu-west-2b"].tags["Name"] == "lowlat-test-nat-eu-west-2b" &&
      aws_route_table.private["eu-west-2a"].tags["Name"] == "lowlat-test-private-eu-west-2a" &&
      aws_route_table.public.tags["Name"] == "lowlat-test-public" &&
      aws_internet_gateway.this.tags["Name"] == "lowlat-test"
    )
    error_message = "NAT gateways and EIPs are <name>-nat-<az>, route tables <name>-private-<az> / <name>-public, the IGW <name>."
  }
  assert {
    condition = (
      aws_vpc_endpoint.s3.tags["Name"] == "lowlat-test-s3" &&
      aws_vpc_endpoint.dynamodb.tags["Name"] == "lowlat-test-dynamodb" &&
      aws_vpc_endpoint.kinesis_streams.tags["Name"] == "lowlat-test-kinesis-streams" &&
      aws_flow_log.this.tags["Name"] == "lowlat-test-vpc" &&
      aws_cloudwatch_log_group.flow_logs.tags["Name"] == "lowlat-test-vpc-flow-logs" &&
      aws_kms_key.logs.tags["Name"] == "lowlat-test-logs"
    )
    error_message = "Endpoints, the flow log, its log group and its key carry their <name>-* Name tags."
  }
}

run "user_tags_reach_every_taggable_resource_but_names_and_tiers_win" {
  command = plan

  variables {
    tags = {
      Owner         = "platform-team"
      Name          = "renamed"
      "lowlat:tier" = "other"
    }
  }

  assert {
    condition = alltrue([for t in concat(
      [aws_vpc.this.tags, aws_default_security_group.this.tags, aws_internet_gateway.this.tags, aws_route_table.public.tags],
      [for s in aws_subnet.public : s.tags], [for s in aws_subnet.private : s.tags],
      [for e in aws_eip.nat : e.tags], [for n in aws_nat_gateway.this : n.tags], [for r in aws_route_table.private : r.tags],
      [aws_vpc_endpoint.s3.tags, aws_vpc_endpoint.dynamodb.tags, aws_vpc_endpoint.kinesis_streams.tags],
      [aws_kms_key.logs.tags, aws_cloudwatch_log_group.flow_logs.tags, aws_iam_role.flow_logs.tags, aws_flow_log.this.tags],
      [aws_security_group.engine.tags, aws_security_group.market_data.tags, aws_security_group.monitoring.tags, aws_security_group.endpoints.tags],
      [aws_network_acl.public.tags, aws_network_acl.private.tags],
    ) : t["Owner"] == "platform-team"])
    error_message = "tags (Owner = platform-team) reach every taggable resource of the module."
  }
  assert {
    condition     = aws_vpc.this.tags["Name"] == "lowlat-test" && aws_nat_gateway.this["eu-west-2a"].tags["Name"] == "lowlat-test-nat-eu-west-2a"
    error_message = "The module's Name tags win over a user Name tag."
  }
  assert {
    condition = (
      aws_subnet.public["eu-west-2a"].tags["lowlat:tier"] == "public" &&
      aws_subnet.private["eu-west-2a"].tags["lowlat:tier"] == "private" &&
      aws_security_group.engine.tags["lowlat:tier"] == "engine" &&
      aws_security_group.market_data.tags["lowlat:tier"] == "market_data" &&
      aws_security_group.monitoring.tags["lowlat:tier"] == "monitoring"
    )
    error_message = "The module's lowlat:tier tags win over a user lowlat:tier tag on subnets and tier security groups."
  }
}

################################################################################
# Outputs
################################################################################

run "outputs" {
  command = apply

  assert {
    condition     = output.vpc_id == aws_vpc.this.id && output.vpc_cidr_block == "10.50.0.0/16"
    error_message = "vpc_id and vpc_cidr_block are the module's VPC."
  }
  assert {
    condition = (
      output.public_subnet_ids == { "eu-west-2a" = aws_subnet.public["eu-west-2a"].id, "eu-west-2b" = aws_subnet.public["eu-west-2b"].id } &&
      output.private_subnet_ids == { "eu-west-2a" = aws_subnet.private["eu-west-2a"].id, "eu-west-2b" = aws_subnet.private["eu-west-2b"].id }
    )
    error_message = "public_subnet_ids and private_subnet_ids map each AZ to its subnet's ID."
  }
  assert {
    condition     = output.private_route_table_ids == { for az, rt in aws_route_table.private : az => rt.id } && length(output.private_route_table_ids) == 2
    error_message = "private_route_table_ids maps each AZ to its private route table's ID."
  }
  assert {
    condition     = output.nat_gateway_public_ips == { "eu-west-2a" = aws_eip.nat["eu-west-2a"].public_ip, "eu-west-2b" = aws_eip.nat["eu-west-2b"].public_ip }
    error_message = "nat_gateway_public_ips maps each AZ to its NAT gateway's Elastic IP."
  }
  assert {
    condition = output.security_group_ids == {
      engine      = aws_security_group.engine.id
      market_data = aws_security_group.market_data.id
      monitoring  = aws_security_group.monitoring.id
    }
    error_message = "security_group_ids has exactly engine, market_data and monitoring, each the tier's group."
  }
  assert {
    condition     = output.endpoints_security_group_id == aws_security_group.endpoints.id && !contains(values(output.security_group_ids), aws_security_group.endpoints.id)
    error_message = "endpoints_security_group_id is the endpoints group, which is not among the host tiers."
  }
  assert {
    condition = output.vpc_endpoint_ids == {
      s3              = aws_vpc_endpoint.s3.id
      dynamodb        = aws_vpc_endpoint.dynamodb.id
      kinesis_streams = aws_vpc_endpoint.kinesis_streams.id
      execute_api     = aws_vpc_endpoint.execute_api.id
    }
    error_message = "vpc_endpoint_ids has exactly s3, dynamodb, kinesis_streams and execute_api."
  }
  assert {
    condition = output.gateway_endpoint_prefix_list_ids == {
      s3       = aws_vpc_endpoint.s3.prefix_list_id
      dynamodb = aws_vpc_endpoint.dynamodb.prefix_list_id
    }
    error_message = "gateway_endpoint_prefix_list_ids gives the prefix lists of the two gateway endpoints, s3 and dynamodb."
  }
  assert {
    condition     = output.flow_log_group_name == "/lowlat/lowlat-test/vpc-flow-logs" && output.flow_log_group_name == aws_cloudwatch_log_group.flow_logs.name
    error_message = "flow_log_group_name is the flow log group, /lowlat/<name>/vpc-flow-logs."
  }
  assert {
    condition     = output.logs_kms_key_arn == aws_kms_key.logs.arn
    error_message = "logs_kms_key_arn is the module's logs key."
  }
}
