data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  vpn_count          = var.enable_vpn_backup ? 1 : 0
  vpn_log_group_name = "/lowlat/${var.name}/vpn-tunnels"

  onprem_routes = {
    for pair in setproduct(keys(var.route_table_ids), var.onprem_cidrs) :
    "${pair[0]}-${pair[1]}" => { route_table = pair[0], cidr = pair[1] }
  }

  # Strong, widely supported IKEv2 proposals; the on-premises device must offer at least one.
  tunnel = {
    ike_versions            = ["ikev2"]
    phase1_encryption       = ["AES256", "AES256-GCM-16"]
    phase1_integrity        = ["SHA2-256", "SHA2-384"]
    phase1_dh_groups        = [20, 21]
    phase1_lifetime_seconds = 28800
    phase2_encryption       = ["AES256", "AES256-GCM-16"]
    phase2_integrity        = ["SHA2-256", "SHA2-384"]
    phase2_dh_groups        = [20, 21]
    phase2_lifetime_seconds = 3600
    dpd_timeout_action      = "restart" # a backup path must come back by itself
    dpd_timeout_seconds     = 30
    startup_action          = "start"
  }
}

################################################################################
# Transit gateway: the one hub for Direct Connect (primary) and VPN (backup)
################################################################################

resource "aws_ec2_transit_gateway" "this" {
  description                     = "${var.name} hub: Direct Connect primary, IPsec VPN backup"
  amazon_side_asn                 = var.amazon_side_asn
  auto_accept_shared_attachments  = "disable"
  default_route_table_association = "enable"
  default_route_table_propagation = "enable"
  dns_support                     = "enable"
  vpn_ecmp_support                = "enable"

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_ec2_transit_gateway_vpc_attachment" "this" {
  transit_gateway_id = aws_ec2_transit_gateway.this.id
  vpc_id             = var.vpc_id
  subnet_ids         = var.subnet_ids
  dns_support        = "enable"

  tags = merge(var.tags, { Name = "${var.name}-vpc" })
}

resource "aws_route" "to_onprem" {
  for_each = local.onprem_routes

  route_table_id         = var.route_table_ids[each.value.route_table]
  destination_cidr_block = each.value.cidr
  transit_gateway_id     = aws_ec2_transit_gateway.this.id

  depends_on = [aws_ec2_transit_gateway_vpc_attachment.this]
}

# The transit gateway prefers Direct Connect routes over VPN routes for the same prefix,
# so with both present the VPN only carries traffic when Direct Connect is down.
resource "aws_dx_gateway_association" "primary" {
  count = var.direct_connect_gateway_id == null ? 0 : 1

  dx_gateway_id         = var.direct_connect_gateway_id
  associated_gateway_id = aws_ec2_transit_gateway.this.id
  allowed_prefixes      = var.direct_connect_allowed_prefixes
}

################################################################################
# Backup path: site-to-site IPsec VPN (off unless enable_vpn_backup)
################################################################################

resource "aws_customer_gateway" "backup" {
  count = local.vpn_count

  bgp_asn    = var.customer_gateway_bgp_asn
  ip_address = var.customer_gateway_ip
  type       = "ipsec.1"

  tags = merge(var.tags, { Name = "${var.name}-backup" })

  lifecycle {
    precondition {
      condition     = var.customer_gateway_ip != null
      error_message = "enable_vpn_backup is true, so customer_gateway_ip must be set to the on-premises device's public IPv4 address."
    }
  }
}

resource "aws_kms_key" "vpn_logs" {
  count = local.vpn_count

  description             = "${var.name}: encrypts the VPN tunnel log group"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # Resource "*" in a key policy means this key only.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsUsesKeyForTheTunnelLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnEquals = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.vpn_log_group_name}"
          }
        }
      },
    ]
  })

  tags = merge(var.tags, { Name = "${var.name}-vpn-logs" })
}

resource "aws_cloudwatch_log_group" "vpn" {
  count = local.vpn_count

  name              = local.vpn_log_group_name
  retention_in_days = var.vpn_log_retention_days
  kms_key_id        = aws_kms_key.vpn_logs[0].arn

  tags = merge(var.tags, { Name = "${var.name}-vpn-tunnels" })
}

# No pre-shared keys are set here: AWS generates them. They end up in the (encrypted) state
# and in the downloadable device configuration, never in code.
resource "aws_vpn_connection" "backup" {
  count = local.vpn_count

  customer_gateway_id = aws_customer_gateway.backup[0].id
  transit_gateway_id  = aws_ec2_transit_gateway.this.id
  type                = "ipsec.1"
  static_routes_only  = false

  tunnel1_ike_versions                 = local.tunnel.ike_versions
  tunnel1_phase1_encryption_algorithms = local.tunnel.phase1_encryption
  tunnel1_phase1_integrity_algorithms  = local.tunnel.phase1_integrity
  tunnel1_phase1_dh_group_numbers      = local.tunnel.phase1_dh_groups
  tunnel1_phase1_lifetime_seconds      = local.tunnel.phase1_lifetime_seconds
  tunnel1_phase2_encryption_algorithms = local.tunnel.phase2_encryption
  tunnel1_phase2_integrity_algorithms  = local.tunnel.phase2_integrity
  tunnel1_phase2_dh_group_numbers      = local.tunnel.phase2_dh_groups
  tunnel1_phase2_lifetime_seconds      = local.tunnel.phase2_lifetime_seconds
  tunnel1_dpd_timeout_action           = local.tunnel.dpd_timeout_action
  tunnel1_dpd_timeout_seconds          = local.tunnel.dpd_timeout_seconds
  tunnel1_startup_action               = local.tunnel.startup_action

  tunnel1_log_options {
    cloudwatch_log_options {
      log_enabled       = true
      log_group_arn     = aws_cloudwatch_log_group.vpn[0].arn
      log_output_format = "json"
    }
  }

  tunnel2_ike_versions                 = local.tunnel.ike_versions
  tunnel2_phase1_encryption_algorithms = local.tunnel.phase1_encryption
  tunnel2_phase1_integrity_algorithms  = local.tunnel.phase1_integrity
  tunnel2_phase1_dh_group_numbers      = local.tunnel.phase1_dh_groups
  tunnel2_phase1_lifetime_seconds      = local.tunnel.phase1_lifetime_seconds
  tunnel2_phase2_encryption_algorithms = local.tunnel.phase2_encryption
  tunnel2_phase2_integrity_algorithms  = local.tunnel.phase2_integrity
  tunnel2_phase2_dh_group_numbers      = local.tunnel.phase2_dh_groups
  tunnel2_phase2_lifetime_seconds      = local.tunnel.phase2_lifetime_seconds
  tunnel2_dpd_timeout_action           = local.tunnel.dpd_timeout_action
  tunnel2_dpd_timeout_seconds          = local.tunnel.dpd_timeout_seconds
  tunnel2_startup_action               = local.tunnel.startup_action

  tunnel2_log_options {
    cloudwatch_log_options {
      log_enabled       = true
      log_group_arn     = aws_cloudwatch_log_group.vpn[0].arn
      log_output_format = "json"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-backup" })
}
