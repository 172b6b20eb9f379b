# Subnet-level guard rail under the security groups. NACLs are stateless, so every allowed
# conversation needs a rule each way; port-level least privilege is left to the security groups.
#
# Rule numbers: 100 = inside the VPC, 200+ = internet through NAT (250+ the upper ephemeral range),
# 300+ = transit gateway networks.

locals {
  # Return traffic of outbound HTTPS arrives on an ephemeral port (NAT gateways use 1024-65535).
  # NACLs cannot match source ports, so the range is split around 3389 (RDP): nothing may reach
  # that port from the internet even as a "reply".
  internet_return = merge(
    {
      for i, cidr in var.https_egress_cidrs : "return-${i}" => {
        rule_number = 200 + i, protocol = "tcp", cidr = cidr, from_port = 1024, to_port = 3388
      }
    },
    {
      for i, cidr in var.https_egress_cidrs : "return-high-${i}" => {
        rule_number = 250 + i, protocol = "tcp", cidr = cidr, from_port = 3390, to_port = 65535
      }
    },
  )

  internet_https = {
    for i, cidr in var.https_egress_cidrs : "https-${i}" => {
      rule_number = 200 + i, protocol = "tcp", cidr = cidr, from_port = 443, to_port = 443
    }
  }

  vpc_all = {
    vpc = { rule_number = 100, protocol = "-1", cidr = var.cidr_block, from_port = 0, to_port = 0 }
  }

  onprem_all = {
    for i, cidr in local.onprem_cidrs : "onprem-${i}" => {
      rule_number = 300 + i, protocol = "-1", cidr = cidr, from_port = 0, to_port = 0
    }
  }

  # Public subnets hold only the NAT gateways: hosts in, HTTPS out, replies back.
  public_nacl_rules = merge(
    { for k, r in merge(local.vpc_all, local.internet_return) : "ingress-${k}" => merge(r, { egress = false }) },
    { for k, r in merge(local.vpc_all, local.internet_https) : "egress-${k}" => merge(r, { egress = true }) },
  )

  # Private subnets hold the hosts, the interface endpoints and the transit gateway attachment.
  private_nacl_rules = merge(
    { for k, r in merge(local.vpc_all, local.internet_return, local.onprem_all) : "ingress-${k}" => merge(r, { egress = false }) },
    { for k, r in merge(local.vpc_all, local.internet_https, local.onprem_all) : "egress-${k}" => merge(r, { egress = true }) },
  )
}

resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.this.id
  subnet_ids = [for s in aws_subnet.public : s.id]

  tags = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_network_acl_rule" "public" {
  for_each = local.public_nacl_rules

  network_acl_id = aws_network_acl.public.id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}

resource "aws_network_acl" "private" {
  vpc_id     = aws_vpc.this.id
  subnet_ids = [for s in aws_subnet.private : s.id]

  tags = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_network_acl_rule" "private" {
  for_each = local.private_nacl_rules

  network_acl_id = aws_network_acl.private.id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}
