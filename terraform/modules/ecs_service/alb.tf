# The Application Load Balancer in the public subnets: HTTPS (ACM certificate, TLS 1.3/1.2 policy)
# routing path patterns to one target group per service, HTTP answering only with a 301 to HTTPS.
# Requests no rule matches get a 404 from the load balancer itself. The WAF web ACL is associated
# by the security module (associate_alb, alb_arn = this module's alb_arn).

locals {
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  # Listener rule priority: the service's own, or 1000 + its position in name order.
  rule_priority = { for i, k in sort(keys(var.services)) : k => coalesce(var.services[k].priority, 1000 + i) }

  # Target group names are limited to 32 characters. The short hash covers what forces a new
  # group (port, VPC), so create_before_destroy never meets a name clash.
  target_group_name = {
    for k, s in var.services :
    k => "${trimsuffix(substr(var.name, 0, 26 - length(k)), "-")}-${k}-${substr(md5("${var.vpc_id}/${s.container_port}"), 0, 4)}"
  }
}

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:The WAF web ACL is associated by the security module (associate_alb, alb_arn); checkov cannot see that association across modules.
  name               = local.alb_name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.alb.id]

  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection

  access_logs {
    bucket  = var.alb_access_logs_bucket != null ? var.alb_access_logs_bucket : ""
    prefix  = var.name
    enabled = var.alb_access_logs_bucket != null
  }

  tags = merge(local.tags, { Name = local.alb_name })
}

resource "aws_lb_target_group" "this" {
  #checkov:skip=CKV_AWS_378:HTTP only from the ALB to tasks in private subnets behind the HTTPS listener; checkov links target groups to listeners, not through listener rules.
  for_each = var.services

  name                 = local.target_group_name[each.key]
  vpc_id               = var.vpc_id
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = each.value.container_port
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = each.value.health_check_path
    matcher             = "200-399"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "lowlat:service" = each.key })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = local.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }

  tags = merge(local.tags, { Name = "${var.name}-apps-https" })
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = merge(local.tags, { Name = "${var.name}-apps-http-redirect" })
}

resource "aws_lb_listener_rule" "this" {
  for_each = var.services

  listener_arn = aws_lb_listener.https.arn
  priority     = local.rule_priority[each.key]

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  condition {
    path_pattern {
      values = each.value.path_patterns
    }
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}
