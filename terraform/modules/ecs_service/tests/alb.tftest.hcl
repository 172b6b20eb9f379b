# The load balancer: public subnets, ALB security group, invalid headers dropped, deletion
# protection (on by default, off when asked), access logs (off without a bucket, on with one);
# the HTTPS listener with the ACM certificate and the TLS 1.3/1.2 policy answering 404 by
# default; HTTP answering only with a 301 to HTTPS; one rule per service routing its path
# patterns to its target group; IP target groups with health checks on health_check_path.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "load_balancer_is_public_drops_invalid_headers_and_is_protected" {
  command = plan

  assert {
    condition = (
      aws_lb.this.name == "lowlat-test-apps" && aws_lb.this.load_balancer_type == "application" &&
      aws_lb.this.internal == false && toset(aws_lb.this.subnets) == toset(var.public_subnet_ids)
    )
    error_message = "An internet-facing application load balancer <name>-apps in the public subnets."
  }
  assert {
    condition     = aws_lb.this.drop_invalid_header_fields == true && aws_lb.this.enable_deletion_protection == true
    error_message = "Invalid headers are dropped and deletion protection is on by default."
  }
  assert {
    condition     = aws_lb.this.access_logs[0].enabled == false
    error_message = "Without alb_access_logs_bucket the access logs are off."
  }
  assert {
    condition     = aws_lb.this.tags["Name"] == "lowlat-test-apps" && aws_lb.this.tags["lowlat:env"] == "test" && aws_lb.this.tags["lowlat:owner"] == "trading-platform"
    error_message = "The load balancer carries its Name, the module tags and the caller's tags."
  }
}

run "access_logs_and_deletion_protection_follow_their_inputs" {
  command = plan

  variables {
    alb_access_logs_bucket  = "lowlat-test-alb-logs"
    alb_deletion_protection = false
  }

  assert {
    condition = (
      aws_lb.this.access_logs[0].enabled == true && aws_lb.this.access_logs[0].bucket == "lowlat-test-alb-logs" &&
      aws_lb.this.access_logs[0].prefix == "lowlat-test"
    )
    error_message = "With a bucket the access logs go to it under the prefix <name>."
  }
  assert {
    condition     = aws_lb.this.enable_deletion_protection == false
    error_message = "alb_deletion_protection = false turns deletion protection off."
  }
}

run "long_names_fit_the_load_balancer_and_target_group_limits" {
  command = plan

  variables {
    name = "lowlat-abcdefghijklmnopqrstuvwxy" # 32 characters
    services = {
      abcdefghijklmnop = { # 16 characters
        image             = "registry.example.com/a:1"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/"]
        health_check_path = "/"
      }
    }
  }

  assert {
    condition     = length(aws_lb.this.name) <= 32 && aws_lb.this.name == "lowlat-abcdefghijklmnopqrst-apps"
    error_message = "The load balancer name is cut to 32 characters."
  }
  assert {
    condition     = length(aws_lb_target_group.this["abcdefghijklmnop"].name) == 32 && startswith(aws_lb_target_group.this["abcdefghijklmnop"].name, "lowlat-abc-abcdefghijklmnop-")
    error_message = "The target group name is cut to 32 characters and keeps the service name."
  }
}

run "https_listener_uses_the_certificate_and_a_modern_tls_policy" {
  command = plan

  assert {
    condition = (
      aws_lb_listener.https.port == 443 && aws_lb_listener.https.protocol == "HTTPS" &&
      aws_lb_listener.https.certificate_arn == var.certificate_arn &&
      aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    )
    error_message = "HTTPS on 443 with the given ACM certificate and ELBSecurityPolicy-TLS13-1-2-2021-06."
  }
  assert {
    condition = (
      aws_lb_listener.https.default_action[0].type == "fixed-response" &&
      aws_lb_listener.https.default_action[0].fixed_response[0].status_code == "404"
    )
    error_message = "A request no rule matches gets a 404 from the load balancer."
  }
}

run "http_listener_only_redirects_to_https" {
  command = plan

  assert {
    condition = (
      aws_lb_listener.http.port == 80 && aws_lb_listener.http.protocol == "HTTP" &&
      length(aws_lb_listener.http.default_action) == 1 && aws_lb_listener.http.default_action[0].type == "redirect"
    )
    error_message = "HTTP on 80 has a single redirect action."
  }
  assert {
    condition = (
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
      aws_lb_listener.http.default_action[0].redirect[0].port == "443" &&
      aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301"
    )
    error_message = "The redirect is a permanent (301) one to HTTPS on 443."
  }
}

run "each_service_gets_a_rule_for_its_paths_and_an_ip_target_group" {
  command = apply

  override_resource {
    target = aws_lb_target_group.this["risk-dashboard"]
    values = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/risk/1111111111111111" }
  }
  override_resource {
    target = aws_lb_target_group.this["refdata-api"]
    values = { arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/refdata/2222222222222222" }
  }

  assert {
    condition     = length(aws_lb_listener_rule.this) == 2 && alltrue([for r in aws_lb_listener_rule.this : r.listener_arn == aws_lb_listener.https.arn])
    error_message = "One rule per service, on the HTTPS listener."
  }
  assert {
    condition = (
      one(aws_lb_listener_rule.this["risk-dashboard"].condition).path_pattern[0].values == toset(["/risk", "/risk/*"]) &&
      one(aws_lb_listener_rule.this["refdata-api"].condition).path_pattern[0].values == toset(["/refdata/*"])
    )
    error_message = "Each rule matches its service's path patterns."
  }
  assert {
    condition = (
      aws_lb_listener_rule.this["risk-dashboard"].action[0].type == "forward" &&
      aws_lb_listener_rule.this["risk-dashboard"].action[0].target_group_arn == "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/risk/1111111111111111" &&
      aws_lb_listener_rule.this["refdata-api"].action[0].target_group_arn == "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/refdata/2222222222222222"
    )
    error_message = "Each rule forwards to its own service's target group."
  }
  assert {
    condition     = aws_lb_listener_rule.this["refdata-api"].priority == 1000 && aws_lb_listener_rule.this["risk-dashboard"].priority == 1001
    error_message = "Without a priority, rules get 1000 + the position of the service in name order."
  }
  assert {
    condition = alltrue([
      for k, tg in aws_lb_target_group.this :
      tg.target_type == "ip" && tg.protocol == "HTTP" && tg.vpc_id == var.vpc_id && tg.port == var.services[k].container_port
    ])
    error_message = "Target groups are of type ip, in the VPC, on the container port."
  }
  assert {
    condition     = output.target_group_arns == { "refdata-api" = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/refdata/2222222222222222", "risk-dashboard" = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/risk/1111111111111111" }
    error_message = "target_group_arns maps each service to its target group."
  }
  assert {
    condition = (
      output.alb_arn == aws_lb.this.arn && output.alb_dns_name == "lowlat-test-apps-123456789.eu-west-2.elb.amazonaws.com" &&
      output.alb_zone_id == "ZHURV8PSTC4K8" && output.alb_security_group_id == aws_security_group.alb.id
    )
    error_message = "The load balancer outputs name it (the security module associates the WAF with alb_arn)."
  }
}

run "target_groups_health_check_the_health_check_path" {
  command = plan

  assert {
    condition = (
      aws_lb_target_group.this["risk-dashboard"].health_check[0].path == "/risk/healthz" &&
      aws_lb_target_group.this["refdata-api"].health_check[0].path == "/health"
    )
    error_message = "Each target group checks its service's health_check_path."
  }
  assert {
    condition = alltrue([
      for tg in aws_lb_target_group.this :
      tg.health_check[0].enabled && tg.health_check[0].protocol == "HTTP" && tg.health_check[0].port == "traffic-port" &&
      tg.health_check[0].matcher == "200-399" && tg.health_check[0].healthy_threshold == 2 && tg.health_check[0].unhealthy_threshold == 3
    ])
    error_message = "Health checks are on, over HTTP on the traffic port, 2xx/3xx healthy."
  }
}

run "explicit_priorities_order_the_rules" {
  command = plan

  variables {
    services = {
      risk-dashboard = {
        image             = "registry.example.com/risk:1"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/risk/*"]
        health_check_path = "/"
        priority          = 20
      }
      risk-detail = {
        image             = "registry.example.com/risk-detail:1"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/risk/detail/*"]
        health_check_path = "/"
        priority          = 10
      }
    }
  }

  assert {
    condition     = aws_lb_listener_rule.this["risk-detail"].priority == 10 && aws_lb_listener_rule.this["risk-dashboard"].priority == 20
    error_message = "Given priorities are used, so the more specific path can win."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.service_from_alb) == 1 && length(aws_vpc_security_group_egress_rule.alb_to_services) == 1
    error_message = "Two services on the same port share one pair of security-group rules."
  }
}
