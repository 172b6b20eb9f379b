# The security-group chain ingress_cidrs -> ALB -> tasks: the ALB's group accepts 443 and 80 from
# ingress_cidrs only and sends only to the tasks' group on the container ports; the tasks' group
# accepts only the ALB's group on those ports and sends HTTPS to service_https_egress_cidrs plus
# the listed peer groups. Tasks get no public IP. 0.0.0.0/0 is accepted with public_ingress only.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"

  override_resource {
    target = aws_security_group.alb
    values = { id = "sg-0aaaaaaaaaaaaaaa1" }
  }
  override_resource {
    target = aws_security_group.service
    values = { id = "sg-0bbbbbbbbbbbbbbb2" }
  }
}

run "alb_accepts_443_and_80_from_the_ingress_cidrs_only" {
  command = apply

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.alb) == 4 &&
      toset([for r in aws_vpc_security_group_ingress_rule.alb : "${r.cidr_ipv4}:${r.from_port}-${r.to_port}/${r.ip_protocol}"]) ==
      toset(["203.0.113.0/24:443-443/tcp", "203.0.113.0/24:80-80/tcp", "198.51.100.0/24:443-443/tcp", "198.51.100.0/24:80-80/tcp"])
    )
    error_message = "The ALB accepts exactly TCP 443 and 80 from each ingress CIDR."
  }
  assert {
    condition     = alltrue([for r in aws_vpc_security_group_ingress_rule.alb : r.security_group_id == "sg-0aaaaaaaaaaaaaaa1" && r.referenced_security_group_id == null])
    error_message = "The ingress rules belong to the ALB's group."
  }
  assert {
    condition     = aws_lb.this.security_groups == toset(["sg-0aaaaaaaaaaaaaaa1"])
    error_message = "The load balancer uses only its own group."
  }
}

run "alb_sends_only_to_the_task_group_on_the_container_ports" {
  command = apply

  assert {
    condition = (
      length(aws_vpc_security_group_egress_rule.alb_to_services) == 2 &&
      alltrue([
        for r in aws_vpc_security_group_egress_rule.alb_to_services :
        r.security_group_id == "sg-0aaaaaaaaaaaaaaa1" && r.referenced_security_group_id == "sg-0bbbbbbbbbbbbbbb2" &&
        r.cidr_ipv4 == null && r.ip_protocol == "tcp" && r.from_port == r.to_port
      ]) &&
      toset([for r in aws_vpc_security_group_egress_rule.alb_to_services : r.from_port]) == toset([8080, 9000])
    )
    error_message = "The ALB's only egress is TCP to the task group on each container port (8080, 9000)."
  }
}

run "tasks_accept_only_the_alb_group_on_the_container_ports" {
  command = apply

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.service_from_alb) == 2 &&
      alltrue([
        for r in aws_vpc_security_group_ingress_rule.service_from_alb :
        r.security_group_id == "sg-0bbbbbbbbbbbbbbb2" && r.referenced_security_group_id == "sg-0aaaaaaaaaaaaaaa1" &&
        r.cidr_ipv4 == null && r.ip_protocol == "tcp" && r.from_port == r.to_port
      ]) &&
      toset([for r in aws_vpc_security_group_ingress_rule.service_from_alb : r.from_port]) == toset([8080, 9000])
    )
    error_message = "The task group accepts TCP only from the ALB's group, on each container port."
  }
  assert {
    condition = (
      length(aws_vpc_security_group_egress_rule.service_https) == 1 &&
      aws_vpc_security_group_egress_rule.service_https["0.0.0.0/0"].from_port == 443 &&
      aws_vpc_security_group_egress_rule.service_https["0.0.0.0/0"].to_port == 443 &&
      length(aws_vpc_security_group_egress_rule.service_to_groups) == 0
    )
    error_message = "By default the tasks send only HTTPS (ECR, logs, Secrets Manager)."
  }
}

run "tasks_run_in_the_private_subnets_without_public_ips" {
  command = apply

  assert {
    condition = alltrue([
      for s in aws_ecs_service.this :
      s.network_configuration[0].assign_public_ip == false &&
      s.network_configuration[0].subnets == toset(var.private_subnet_ids) &&
      s.network_configuration[0].security_groups == toset(["sg-0bbbbbbbbbbbbbbb2"])
    ])
    error_message = "Every service runs in the private subnets, in the task group, without public IPs."
  }
  assert {
    condition     = output.service_security_group_id == "sg-0bbbbbbbbbbbbbbb2"
    error_message = "service_security_group_id is the task group (for the data module's client groups)."
  }
}

run "egress_to_peer_groups_and_narrower_https" {
  command = apply

  variables {
    service_https_egress_cidrs     = ["10.20.0.0/16"]
    service_egress_security_groups = { rds = { security_group_id = "sg-0ccccccccccccccc3", port = 5432 } }
  }

  assert {
    condition = (
      toset(keys(aws_vpc_security_group_egress_rule.service_https)) == toset(["10.20.0.0/16"]) &&
      aws_vpc_security_group_egress_rule.service_to_groups["rds"].referenced_security_group_id == "sg-0ccccccccccccccc3" &&
      aws_vpc_security_group_egress_rule.service_to_groups["rds"].from_port == 5432 &&
      aws_vpc_security_group_egress_rule.service_to_groups["rds"].security_group_id == "sg-0bbbbbbbbbbbbbbb2"
    )
    error_message = "HTTPS egress follows service_https_egress_cidrs and each peer group gets its port."
  }
}

run "the_whole_internet_needs_public_ingress" {
  command = plan

  variables {
    ingress_cidrs  = ["0.0.0.0/0"]
    public_ingress = true
  }

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb : "${r.cidr_ipv4}:${r.from_port}"]) == toset(["0.0.0.0/0:443", "0.0.0.0/0:80"])
    error_message = "With public_ingress = true, 0.0.0.0/0 reaches 443 and 80 (the redirect)."
  }
}

run "health_checkers_reach_https_through_their_prefix_list" {
  command = plan

  variables {
    ingress_prefix_lists = { route53_health_checks = "pl-0123456789abcdef0" }
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.alb_from_prefix_list["route53_health_checks"].prefix_list_id == "pl-0123456789abcdef0" &&
      aws_vpc_security_group_ingress_rule.alb_from_prefix_list["route53_health_checks"].from_port == 443 &&
      aws_vpc_security_group_ingress_rule.alb_from_prefix_list["route53_health_checks"].to_port == 443
    )
    error_message = "A listed prefix list reaches the load balancer on 443 only."
  }
}

run "no_prefix_list_ingress_by_default" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.alb_from_prefix_list) == 0
    error_message = "Without ingress_prefix_lists only ingress_cidrs reach the load balancer."
  }
}
