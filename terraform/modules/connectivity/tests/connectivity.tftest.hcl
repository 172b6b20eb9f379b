# The transit gateway hub, its VPC attachment and routes, the Direct Connect association and the
# backup VPN that the switches turn on and off, the tags, the outputs and every input validation.
# Offline: every AWS answer comes from the mock.

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
}

variables {
  name       = "lowlat-test"
  vpc_id     = "vpc-0123456789abcdef0"
  subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  route_table_ids = {
    "eu-west-2a" = "rtb-0123456789abcdef0"
    "eu-west-2b" = "rtb-0123456789abcdef1"
  }
  onprem_cidrs = ["198.51.100.0/26", "192.0.2.0/27"]
}

################################################################################
# Defaults: the hub, the attachment and the routes; no Direct Connect, no VPN
################################################################################

run "transit_gateway_is_a_private_hub_that_accepts_nothing_by_itself" {
  command = plan

  assert {
    condition     = aws_ec2_transit_gateway.this.amazon_side_asn == 64512
    error_message = "The transit gateway uses the default private ASN 64512."
  }
  assert {
    condition     = aws_ec2_transit_gateway.this.auto_accept_shared_attachments == "disable"
    error_message = "Shared attachments are never auto-accepted."
  }
  assert {
    condition = (
      aws_ec2_transit_gateway.this.default_route_table_association == "enable" &&
      aws_ec2_transit_gateway.this.default_route_table_propagation == "enable"
    )
    error_message = "Attachments associate with and propagate into the default route table (so VPN BGP routes reach it)."
  }
  assert {
    condition     = aws_ec2_transit_gateway.this.dns_support == "enable" && aws_ec2_transit_gateway.this.vpn_ecmp_support == "enable"
    error_message = "DNS support and VPN ECMP are on."
  }
  assert {
    condition     = aws_ec2_transit_gateway.this.description == "lowlat-test hub: Direct Connect primary, IPsec VPN backup"
    error_message = "The description names the hub and its two paths."
  }
  assert {
    condition     = aws_ec2_transit_gateway.this.tags == tomap({ Name = "lowlat-test" })
    error_message = "Without var.tags the transit gateway carries only Name = <name>."
  }
}

run "vpc_is_attached_through_the_given_subnets" {
  command = plan

  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.vpc_id == "vpc-0123456789abcdef0"
    error_message = "The attachment is for vpc_id."
  }
  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.subnet_ids == toset(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])
    error_message = "The attachment's interfaces sit in exactly subnet_ids."
  }
  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.dns_support == "enable"
    error_message = "DNS support is on for the attachment."
  }
  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.tags == tomap({ Name = "lowlat-test-vpc" })
    error_message = "The attachment is named <name>-vpc."
  }
}

run "every_route_table_gets_a_route_to_every_onprem_cidr" {
  command = plan

  assert {
    condition     = length(aws_route.to_onprem) == 4
    error_message = "Two route tables x two on-premises CIDRs make four routes."
  }
  assert {
    condition = toset(keys(aws_route.to_onprem)) == toset([
      "eu-west-2a-198.51.100.0/26", "eu-west-2a-192.0.2.0/27",
      "eu-west-2b-198.51.100.0/26", "eu-west-2b-192.0.2.0/27",
    ])
    error_message = "Routes are keyed <route table key>-<cidr> (static keys, so plans stay stable)."
  }
  assert {
    condition = toset([for r in aws_route.to_onprem : "${r.route_table_id} ${r.destination_cidr_block}"]) == toset([
      "rtb-0123456789abcdef0 198.51.100.0/26", "rtb-0123456789abcdef0 192.0.2.0/27",
      "rtb-0123456789abcdef1 198.51.100.0/26", "rtb-0123456789abcdef1 192.0.2.0/27",
    ])
    error_message = "Each route pairs one route table of route_table_ids with one CIDR of onprem_cidrs."
  }
  assert {
    condition = alltrue([for r in aws_route.to_onprem : (
      r.gateway_id == null && r.nat_gateway_id == null && r.vpc_peering_connection_id == null
    )])
    error_message = "On-premises routes go through the transit gateway only (no internet, NAT or peering target)."
  }
}

run "no_direct_connect_and_no_vpn_unless_asked_for" {
  command = plan

  assert {
    condition     = length(aws_dx_gateway_association.primary) == 0
    error_message = "Without direct_connect_gateway_id there is no Direct Connect association."
  }
  assert {
    condition = (
      length(aws_customer_gateway.backup) == 0 &&
      length(aws_vpn_connection.backup) == 0 &&
      length(aws_kms_key.vpn_logs) == 0 &&
      length(aws_cloudwatch_log_group.vpn) == 0
    )
    error_message = "enable_vpn_backup is off by default: no customer gateway, VPN, log key or log group."
  }
}

run "no_routes_without_onprem_cidrs" {
  command = plan

  variables {
    onprem_cidrs = []
  }

  assert {
    condition     = length(aws_route.to_onprem) == 0
    error_message = "No on-premises CIDRs, no routes."
  }
}

run "no_routes_without_route_tables" {
  command = plan

  variables {
    route_table_ids = {}
  }

  assert {
    condition     = length(aws_route.to_onprem) == 0
    error_message = "No route tables, no routes."
  }
  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.vpc_id == var.vpc_id
    error_message = "The VPC is attached even when no route tables are given."
  }
}

run "outputs_without_direct_connect_or_vpn" {
  command = apply

  assert {
    condition     = output.transit_gateway_id == aws_ec2_transit_gateway.this.id
    error_message = "transit_gateway_id is the hub's ID."
  }
  assert {
    condition     = output.transit_gateway_route_table_id == aws_ec2_transit_gateway.this.association_default_route_table_id
    error_message = "transit_gateway_route_table_id is the default association route table."
  }
  assert {
    condition     = output.vpc_attachment_id == aws_ec2_transit_gateway_vpc_attachment.this.id
    error_message = "vpc_attachment_id is the VPC attachment's ID."
  }
  assert {
    condition     = aws_ec2_transit_gateway_vpc_attachment.this.transit_gateway_id == aws_ec2_transit_gateway.this.id
    error_message = "The VPC attaches to the module's transit gateway."
  }
  assert {
    condition     = alltrue([for r in aws_route.to_onprem : r.transit_gateway_id == aws_ec2_transit_gateway.this.id])
    error_message = "Every on-premises route targets the module's transit gateway."
  }
  assert {
    condition     = output.direct_connect_association_id == null
    error_message = "direct_connect_association_id is null without Direct Connect."
  }
  assert {
    condition     = output.vpn_backup_enabled == false
    error_message = "vpn_backup_enabled is false by default."
  }
  assert {
    condition = (
      output.customer_gateway_id == null &&
      output.vpn_connection_id == null &&
      output.vpn_log_group_name == null
    )
    error_message = "customer_gateway_id, vpn_connection_id and vpn_log_group_name are null when the VPN is off."
  }
  assert {
    condition     = length(output.vpn_tunnel_outside_addresses) == 0
    error_message = "vpn_tunnel_outside_addresses is empty when the VPN is off."
  }
}

################################################################################
# Primary path: Direct Connect
################################################################################

run "direct_connect_gateway_is_associated_with_the_allowed_prefixes" {
  command = plan

  variables {
    direct_connect_gateway_id       = "11111111-2222-3333-4444-555555555555"
    direct_connect_allowed_prefixes = ["10.50.0.0/16"]
  }

  assert {
    condition     = length(aws_dx_gateway_association.primary) == 1
    error_message = "direct_connect_gateway_id creates one Direct Connect association."
  }
  assert {
    condition     = aws_dx_gateway_association.primary[0].dx_gateway_id == "11111111-2222-3333-4444-555555555555"
    error_message = "The association is for the given Direct Connect gateway."
  }
  assert {
    condition     = aws_dx_gateway_association.primary[0].allowed_prefixes == toset(["10.50.0.0/16"])
    error_message = "Only direct_connect_allowed_prefixes are advertised on-premises."
  }
  assert {
    condition     = length(aws_vpn_connection.backup) == 0
    error_message = "Direct Connect does not turn the VPN on."
  }
}

run "direct_connect_association_and_its_output" {
  command = apply

  variables {
    direct_connect_gateway_id       = "11111111-2222-3333-4444-555555555555"
    direct_connect_allowed_prefixes = ["10.50.0.0/16"]
  }

  assert {
    condition     = aws_dx_gateway_association.primary[0].associated_gateway_id == aws_ec2_transit_gateway.this.id
    error_message = "Direct Connect is associated with the module's transit gateway."
  }
  assert {
    condition     = output.direct_connect_association_id == aws_dx_gateway_association.primary[0].id
    error_message = "direct_connect_association_id is the association's ID."
  }
  assert {
    condition     = output.vpn_connection_id == null && output.vpn_backup_enabled == false
    error_message = "With Direct Connect only, the VPN outputs stay off."
  }
}

################################################################################
# Backup path: site-to-site IPsec VPN
################################################################################

run "vpn_backup_creates_a_bgp_customer_gateway" {
  command = plan

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition     = length(aws_customer_gateway.backup) == 1
    error_message = "enable_vpn_backup creates one customer gateway."
  }
  assert {
    condition = (
      aws_customer_gateway.backup[0].ip_address == "203.0.113.10" &&
      aws_customer_gateway.backup[0].type == "ipsec.1" &&
      tostring(aws_customer_gateway.backup[0].bgp_asn) == "65000"
    )
    error_message = "The customer gateway is the on-premises device (ipsec.1) with the default BGP ASN 65000."
  }
  assert {
    condition     = aws_customer_gateway.backup[0].tags == tomap({ Name = "lowlat-test-backup" })
    error_message = "The customer gateway is named <name>-backup."
  }
}

run "vpn_backup_tunnels_are_ikev2_aes256_sha2_and_restart_on_dpd" {
  command = plan

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition     = length(aws_vpn_connection.backup) == 1
    error_message = "enable_vpn_backup creates one VPN connection."
  }
  assert {
    condition = (
      aws_vpn_connection.backup[0].type == "ipsec.1" &&
      aws_vpn_connection.backup[0].static_routes_only == false
    )
    error_message = "The VPN is ipsec.1 with BGP (no static routes), so routes propagate into the transit gateway."
  }
  assert {
    condition = alltrue([for t in [
      {
        ike = aws_vpn_connection.backup[0].tunnel1_ike_versions
        e1  = aws_vpn_connection.backup[0].tunnel1_phase1_encryption_algorithms
        i1  = aws_vpn_connection.backup[0].tunnel1_phase1_integrity_algorithms
        d1  = aws_vpn_connection.backup[0].tunnel1_phase1_dh_group_numbers
        e2  = aws_vpn_connection.backup[0].tunnel1_phase2_encryption_algorithms
        i2  = aws_vpn_connection.backup[0].tunnel1_phase2_integrity_algorithms
        d2  = aws_vpn_connection.backup[0].tunnel1_phase2_dh_group_numbers
      },
      {
        ike = aws_vpn_connection.backup[0].tunnel2_ike_versions
        e1  = aws_vpn_connection.backup[0].tunnel2_phase1_encryption_algorithms
        i1  = aws_vpn_connection.backup[0].tunnel2_phase1_integrity_algorithms
        d1  = aws_vpn_connection.backup[0].tunnel2_phase1_dh_group_numbers
        e2  = aws_vpn_connection.backup[0].tunnel2_phase2_encryption_algorithms
        i2  = aws_vpn_connection.backup[0].tunnel2_phase2_integrity_algorithms
        d2  = aws_vpn_connection.backup[0].tunnel2_phase2_dh_group_numbers
      },
      ] : (
      t.ike == toset(["ikev2"]) &&
      t.e1 == toset(["AES256", "AES256-GCM-16"]) && t.e2 == toset(["AES256", "AES256-GCM-16"]) &&
      t.i1 == toset(["SHA2-256", "SHA2-384"]) && t.i2 == toset(["SHA2-256", "SHA2-384"]) &&
      t.d1 == toset([20, 21]) && t.d2 == toset([20, 21])
    )])
    error_message = "Both tunnels offer only IKEv2, AES-256 (CBC or GCM), SHA2-256/384 and DH groups 20/21 in both phases."
  }
  assert {
    condition = (
      aws_vpn_connection.backup[0].tunnel1_phase1_lifetime_seconds == 28800 &&
      aws_vpn_connection.backup[0].tunnel2_phase1_lifetime_seconds == 28800 &&
      aws_vpn_connection.backup[0].tunnel1_phase2_lifetime_seconds == 3600 &&
      aws_vpn_connection.backup[0].tunnel2_phase2_lifetime_seconds == 3600
    )
    error_message = "Phase 1 lives 8 hours and phase 2 one hour on both tunnels."
  }
  assert {
    condition = (
      aws_vpn_connection.backup[0].tunnel1_dpd_timeout_action == "restart" &&
      aws_vpn_connection.backup[0].tunnel2_dpd_timeout_action == "restart" &&
      aws_vpn_connection.backup[0].tunnel1_dpd_timeout_seconds == 30 &&
      aws_vpn_connection.backup[0].tunnel2_dpd_timeout_seconds == 30 &&
      aws_vpn_connection.backup[0].tunnel1_startup_action == "start" &&
      aws_vpn_connection.backup[0].tunnel2_startup_action == "start"
    )
    error_message = "Both tunnels start from the AWS side and restart after 30 s of dead-peer detection."
  }
  assert {
    condition = alltrue([for o in [
      one(one(aws_vpn_connection.backup[0].tunnel1_log_options).cloudwatch_log_options),
      one(one(aws_vpn_connection.backup[0].tunnel2_log_options).cloudwatch_log_options),
    ] : o.log_enabled && o.log_output_format == "json"])
    error_message = "Both tunnels log to CloudWatch in JSON."
  }
  assert {
    condition     = aws_vpn_connection.backup[0].tags == tomap({ Name = "lowlat-test-backup" })
    error_message = "The VPN connection is named <name>-backup."
  }
}

run "vpn_tunnel_logs_are_kept_a_year_under_their_own_rotating_key" {
  command = plan

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.vpn) == 1 && aws_cloudwatch_log_group.vpn[0].name == "/lowlat/lowlat-test/vpn-tunnels"
    error_message = "The tunnel log group is /lowlat/<name>/vpn-tunnels."
  }
  assert {
    condition     = aws_cloudwatch_log_group.vpn[0].retention_in_days == 365
    error_message = "Tunnel logs are kept 365 days by default."
  }
  assert {
    condition = (
      length(aws_kms_key.vpn_logs) == 1 &&
      aws_kms_key.vpn_logs[0].enable_key_rotation &&
      aws_kms_key.vpn_logs[0].deletion_window_in_days == 30
    )
    error_message = "The log key rotates and has a 30-day deletion window."
  }
  assert {
    condition     = aws_kms_key.vpn_logs[0].tags == tomap({ Name = "lowlat-test-vpn-logs" }) && aws_cloudwatch_log_group.vpn[0].tags == tomap({ Name = "lowlat-test-vpn-tunnels" })
    error_message = "The key is named <name>-vpn-logs and the log group <name>-vpn-tunnels."
  }
}

run "vpn_log_key_policy_is_the_account_plus_logs_for_that_one_group" {
  command = plan

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.vpn_logs[0].policy).Statement) == 2
    error_message = "The log key policy has two statements: the account and CloudWatch Logs."
  }
  assert {
    condition = (
      jsondecode(aws_kms_key.vpn_logs[0].policy).Statement[0].Principal == { AWS = "arn:aws:iam::123456789012:root" } &&
      jsondecode(aws_kms_key.vpn_logs[0].policy).Statement[0].Action == "kms:*"
    )
    error_message = "The first statement delegates the key to the account's IAM (its root principal)."
  }
  assert {
    condition = (
      jsondecode(aws_kms_key.vpn_logs[0].policy).Statement[1].Principal == { Service = "logs.eu-west-2.amazonaws.com" } &&
      !contains(jsondecode(aws_kms_key.vpn_logs[0].policy).Statement[1].Action, "kms:*")
    )
    error_message = "The second statement lets the region's CloudWatch Logs use (not administer) the key."
  }
  assert {
    condition = jsondecode(aws_kms_key.vpn_logs[0].policy).Statement[1].Condition == {
      ArnEquals = {
        "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/vpn-tunnels"
      }
    }
    error_message = "CloudWatch Logs may use the key for the tunnel log group only (ArnEquals on its exact ARN)."
  }
  assert {
    condition     = !strcontains(jsonencode([for s in jsondecode(aws_kms_key.vpn_logs[0].policy).Statement : s.Principal]), "\"*\"")
    error_message = "The log key policy has no wildcard principal."
  }
}

run "vpn_backup_wiring_and_outputs" {
  command = apply

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition = (
      aws_vpn_connection.backup[0].customer_gateway_id == aws_customer_gateway.backup[0].id &&
      aws_vpn_connection.backup[0].transit_gateway_id == aws_ec2_transit_gateway.this.id
    )
    error_message = "The VPN runs between the customer gateway and the module's transit gateway."
  }
  assert {
    condition = alltrue([for o in [
      one(one(aws_vpn_connection.backup[0].tunnel1_log_options).cloudwatch_log_options),
      one(one(aws_vpn_connection.backup[0].tunnel2_log_options).cloudwatch_log_options),
    ] : o.log_group_arn == aws_cloudwatch_log_group.vpn[0].arn])
    error_message = "Both tunnels log to the module's log group."
  }
  assert {
    condition     = aws_cloudwatch_log_group.vpn[0].kms_key_id == aws_kms_key.vpn_logs[0].arn
    error_message = "The log group is encrypted with the module's log key."
  }
  assert {
    condition     = output.vpn_backup_enabled == true
    error_message = "vpn_backup_enabled is true with enable_vpn_backup."
  }
  assert {
    condition     = output.customer_gateway_id == aws_customer_gateway.backup[0].id
    error_message = "customer_gateway_id is the customer gateway's ID."
  }
  assert {
    condition     = output.vpn_connection_id == aws_vpn_connection.backup[0].id
    error_message = "vpn_connection_id is the VPN connection's ID."
  }
  assert {
    condition = output.vpn_tunnel_outside_addresses == [
      aws_vpn_connection.backup[0].tunnel1_address,
      aws_vpn_connection.backup[0].tunnel2_address,
    ]
    error_message = "vpn_tunnel_outside_addresses lists tunnel 1's then tunnel 2's outside address."
  }
  assert {
    condition     = output.vpn_log_group_name == "/lowlat/lowlat-test/vpn-tunnels"
    error_message = "vpn_log_group_name is the tunnel log group."
  }
  assert {
    condition     = output.direct_connect_association_id == null
    error_message = "The VPN alone does not create a Direct Connect association."
  }
}

run "vpn_backup_without_a_customer_gateway_ip_is_refused" {
  command = plan

  variables {
    enable_vpn_backup = true
  }

  expect_failures = [aws_customer_gateway.backup]
}

run "customer_gateway_ip_alone_does_not_turn_the_vpn_on" {
  command = plan

  variables {
    customer_gateway_ip = "203.0.113.10"
  }

  assert {
    condition     = length(aws_customer_gateway.backup) == 0 && length(aws_vpn_connection.backup) == 0
    error_message = "Only enable_vpn_backup creates the VPN; customer_gateway_ip alone does nothing."
  }
}

run "both_paths_together" {
  command = plan

  variables {
    direct_connect_gateway_id       = "11111111-2222-3333-4444-555555555555"
    direct_connect_allowed_prefixes = ["10.50.0.0/16"]
    enable_vpn_backup               = true
    customer_gateway_ip             = "203.0.113.10"
    customer_gateway_bgp_asn        = 65010
    vpn_log_retention_days          = 3653
  }

  assert {
    condition     = length(aws_dx_gateway_association.primary) == 1 && length(aws_vpn_connection.backup) == 1
    error_message = "Direct Connect (primary) and the VPN (backup) can both terminate on the one transit gateway."
  }
  assert {
    condition     = tostring(aws_customer_gateway.backup[0].bgp_asn) == "65010"
    error_message = "customer_gateway_bgp_asn reaches the customer gateway."
  }
  assert {
    condition     = aws_cloudwatch_log_group.vpn[0].retention_in_days == 3653
    error_message = "vpn_log_retention_days reaches the tunnel log group (upper edge accepted)."
  }
}

################################################################################
# Tags
################################################################################

run "extra_tags_reach_every_taggable_resource_but_name_wins" {
  command = plan

  variables {
    direct_connect_gateway_id = "11111111-2222-3333-4444-555555555555"
    enable_vpn_backup         = true
    customer_gateway_ip       = "203.0.113.10"
    tags = {
      Owner = "platform-team"
      Name  = "renamed"
    }
  }

  assert {
    condition = alltrue([for t in [
      aws_ec2_transit_gateway.this.tags,
      aws_ec2_transit_gateway_vpc_attachment.this.tags,
      aws_customer_gateway.backup[0].tags,
      aws_kms_key.vpn_logs[0].tags,
      aws_cloudwatch_log_group.vpn[0].tags,
      aws_vpn_connection.backup[0].tags,
    ] : t["Owner"] == "platform-team"])
    error_message = "var.tags reach the transit gateway, the attachment, the customer gateway, the log key, the log group and the VPN."
  }
  assert {
    condition = [
      aws_ec2_transit_gateway.this.tags["Name"],
      aws_ec2_transit_gateway_vpc_attachment.this.tags["Name"],
      aws_customer_gateway.backup[0].tags["Name"],
      aws_kms_key.vpn_logs[0].tags["Name"],
      aws_cloudwatch_log_group.vpn[0].tags["Name"],
      aws_vpn_connection.backup[0].tags["Name"],
      ] == [
      "lowlat-test", "lowlat-test-vpc", "lowlat-test-backup",
      "lowlat-test-vpn-logs", "lowlat-test-vpn-tunnels", "lowlat-test-backup",
    ]
    error_message = "The module's Name tags win over a Name in var.tags."
  }
}

################################################################################
# Accepted edges
################################################################################

run "four_byte_private_asn_is_accepted" {
  command = plan

  variables {
    amazon_side_asn = 4294967294
  }

  assert {
    condition     = aws_ec2_transit_gateway.this.amazon_side_asn == 4294967294
    error_message = "amazon_side_asn reaches the transit gateway (upper edge of the 4-byte private range)."
  }
}

run "longest_name_is_accepted" {
  command = plan

  variables {
    name = "l2345678901234567890123456789012"
  }

  assert {
    condition     = aws_ec2_transit_gateway.this.tags["Name"] == "l2345678901234567890123456789012"
    error_message = "A 32-character name is accepted."
  }
}

################################################################################
# Validations: one run per validation block
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "vpc_id_that_is_not_a_vpc_is_refused" {
  command = plan

  variables {
    vpc_id = "subnet-0123456789abcdef0"
  }

  expect_failures = [var.vpc_id]
}

run "empty_subnet_ids_are_refused" {
  command = plan

  variables {
    subnet_ids = []
  }

  expect_failures = [var.subnet_ids]
}

run "subnet_ids_that_are_not_subnets_are_refused" {
  command = plan

  variables {
    subnet_ids = ["subnet-0123456789abcdef0", "vpc-0123456789abcdef0"]
  }

  expect_failures = [var.subnet_ids]
}

run "route_table_ids_that_are_not_route_tables_are_refused" {
  command = plan

  variables {
    route_table_ids = { "eu-west-2a" = "rt-0123456789abcdef0" }
  }

  expect_failures = [var.route_table_ids]
}

run "default_route_in_onprem_cidrs_is_refused" {
  command = plan

  variables {
    onprem_cidrs = ["198.51.100.0/26", "0.0.0.0/0"]
  }

  expect_failures = [var.onprem_cidrs]
}

run "invalid_onprem_cidr_is_refused" {
  command = plan

  variables {
    onprem_cidrs = ["198.51.100.0/33"]
  }

  expect_failures = [var.onprem_cidrs]
}

run "public_amazon_side_asn_is_refused" {
  command = plan

  variables {
    amazon_side_asn = 64511
  }

  expect_failures = [var.amazon_side_asn]
}

run "direct_connect_gateway_id_that_is_not_a_uuid_is_refused" {
  command = plan

  variables {
    direct_connect_gateway_id = "dxgw-0123456789abcdef0"
  }

  expect_failures = [var.direct_connect_gateway_id]
}

run "invalid_direct_connect_allowed_prefix_is_refused" {
  command = plan

  variables {
    direct_connect_gateway_id       = "11111111-2222-3333-4444-555555555555"
    direct_connect_allowed_prefixes = ["10.50.0.0"]
  }

  expect_failures = [var.direct_connect_allowed_prefixes]
}

run "customer_gateway_ip_that_is_not_ipv4_is_refused" {
  command = plan

  variables {
    enable_vpn_backup   = true
    customer_gateway_ip = "203.0.113.256"
  }

  expect_failures = [var.customer_gateway_ip]
}

run "customer_gateway_bgp_asn_zero_is_refused" {
  command = plan

  variables {
    enable_vpn_backup        = true
    customer_gateway_ip      = "203.0.113.10"
    customer_gateway_bgp_asn = 0
  }

  expect_failures = [var.customer_gateway_bgp_asn]
}

run "vpn_log_retention_under_a_year_is_refused" {
  command = plan

  variables {
    enable_vpn_backup      = true
    customer_gateway_ip    = "203.0.113.10"
    vpn_log_retention_days = 180
  }

  expect_failures = [var.vpn_log_retention_days]
}
