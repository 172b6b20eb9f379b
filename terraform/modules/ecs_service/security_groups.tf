# The chain ingress_cidrs -> ALB (443, 80) -> tasks (each container port). The ALB's group sends
# only to the tasks' group, the tasks' group accepts only from the ALB's group. Groups carry no
# inline rules; every rule is its own resource with a description. Groups use name_prefix so a
# replacement can be created before the old group is detached (create_before_destroy).

locals {
  # One ingress/egress rule per distinct container port (two services may share a port).
  container_ports = { for p in distinct([for s in values(var.services) : s.container_port]) : tostring(p) => p }
  listener_ports  = { https = 443, http = 80 }
  alb_ingress = {
    for pair in setproduct(keys(local.listener_ports), var.ingress_cidrs) :
    "${pair[0]}-${pair[1]}" => { port = local.listener_ports[pair[0]], cidr = pair[1] }
  }
}

resource "aws_security_group" "alb" {
  name_prefix = "${var.name}-apps-alb-"
  description = "Application load balancer of the trading applications"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-apps-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  for_each = local.alb_ingress

  security_group_id = aws_security_group.alb.id
  description       = each.value.port == 443 ? "HTTPS from ${each.value.cidr}" : "HTTP from ${each.value.cidr} (redirected to HTTPS)"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr

  tags = merge(local.tags, { Name = "${var.name}-apps-alb-${each.key}" })
}

resource "aws_vpc_security_group_ingress_rule" "alb_from_prefix_list" {
  for_each = var.ingress_prefix_lists

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from the ${each.key} prefix list"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value

  tags = merge(local.tags, { Name = "${var.name}-apps-alb-https-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "alb_to_services" {
  for_each = local.container_ports

  security_group_id            = aws_security_group.alb.id
  description                  = "To the application tasks on ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.service.id

  tags = merge(local.tags, { Name = "${var.name}-apps-alb-to-services-${each.key}" })
}

resource "aws_security_group" "service" {
  name_prefix = "${var.name}-apps-tasks-"
  description = "Fargate tasks of the trading applications"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-apps-tasks" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "service_from_alb" {
  for_each = local.container_ports

  security_group_id            = aws_security_group.service.id
  description                  = "From the application load balancer on ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = aws_security_group.alb.id

  tags = merge(local.tags, { Name = "${var.name}-apps-tasks-from-alb-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "service_https" {
  for_each = toset(var.service_https_egress_cidrs)

  security_group_id = aws_security_group.service.id
  description       = "HTTPS to ${each.value} (ECR, S3, CloudWatch Logs, Secrets Manager)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value

  tags = merge(local.tags, { Name = "${var.name}-apps-tasks-https-${each.value}" })
}

resource "aws_vpc_security_group_egress_rule" "service_to_groups" {
  for_each = var.service_egress_security_groups

  security_group_id            = aws_security_group.service.id
  description                  = "To ${each.key} on ${each.value.port}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id

  tags = merge(local.tags, { Name = "${var.name}-apps-tasks-to-${each.key}" })
}
