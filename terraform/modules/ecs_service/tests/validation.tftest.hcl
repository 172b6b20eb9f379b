# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and two passing runs with the accepted edge values (lower and upper),
# which also check that those values reach the resources. The exact messages of the refusal runs
# are in tests/terraform/refusals/ecs_service.py.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name                           = "abc" # 3 characters
    env                            = "p1"
    vpc_id                         = "vpc-0a1b2c3d"
    public_subnet_ids              = ["subnet-0aaaaaa1", "subnet-0aaaaaa2"]
    private_subnet_ids             = ["subnet-0bbbbbb1", "subnet-0bbbbbb2"]
    ingress_cidrs                  = ["10.0.0.0/8"]
    service_https_egress_cidrs     = []
    service_egress_security_groups = { a = { security_group_id = "sg-0ccccccc", port = 1 } }
    log_retention_days             = 365
    services = {
      a = {
        image              = "a:1"
        cpu                = 256
        memory             = 512
        container_port     = 1024
        path_patterns      = ["/"]
        health_check_path  = "/"
        min_count          = 1
        desired_count      = 1
        max_count          = 1
        target_cpu_percent = 10
        environment        = { _ = "" }
        secrets            = { A = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:a" }
        user               = "1"
        writable_paths     = []
        priority           = 1
      }
    }
  }

  assert {
    condition     = aws_lb.this.name == "abc-apps" && startswith(aws_lb_target_group.this["a"].name, "abc-a-") && aws_ecs_cluster.this.name == "abc-apps"
    error_message = "A 3-character name and a 1-character service name are accepted."
  }
  assert {
    condition = (
      aws_ecs_task_definition.this["a"].cpu == "256" && aws_ecs_task_definition.this["a"].memory == "512" &&
      aws_lb_target_group.this["a"].port == 1024 && aws_lb_listener_rule.this["a"].priority == 1 &&
      length(aws_ecs_task_definition.this["a"].volume) == 0 &&
      jsondecode(aws_ecs_task_definition.this["a"].container_definitions)[0].user == "1"
    )
    error_message = "The smallest Fargate size, port 1024, priority 1, no writable path and UID 1 are accepted."
  }
  assert {
    condition     = aws_appautoscaling_target.service["a"].min_capacity == 1 && aws_appautoscaling_target.service["a"].max_capacity == 1 && aws_appautoscaling_policy.cpu["a"].target_tracking_scaling_policy_configuration[0].target_value == 10
    error_message = "One task and a 10 % CPU target are accepted."
  }
  assert {
    condition     = length(aws_vpc_security_group_egress_rule.service_https) == 0 && aws_vpc_security_group_egress_rule.service_to_groups["a"].from_port == 1
    error_message = "No HTTPS egress CIDR and port 1 towards a peer group are accepted."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name                   = "lowlat-abcdefghijklmnopqrstuvwxy" # 32 characters
    env                    = "abcdefghijklmnop"                 # 16 characters
    ingress_cidrs          = ["0.0.0.0/0"]
    public_ingress         = true
    log_retention_days     = 3653
    alb_access_logs_bucket = "a23456789-123456789-123456789-123456789-123456789-123456789-123" # 63 characters
    services = {
      abcdefghijklmnop = {
        image              = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/lowlat/risk/a-b_c.d:v1.2.3-rc.1_build"
        cpu                = 16384
        memory             = 122880
        container_port     = 65535
        path_patterns      = ["/a", "/b/*", "/c?d", "/e/f/g", "/h*"]
        health_check_path  = "/a/b?c=d&e=f"
        min_count          = 100
        desired_count      = 100
        max_count          = 100
        target_cpu_percent = 90
        secrets = {
          DB_USER = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/rds-master-AbCdEf:username:AWSCURRENT:"
          DB_PASS = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/rds-master-AbCdEf:password::"
        }
        user                  = "4294967294:4294967294"
        writable_paths        = ["/p1", "/p2", "/p3", "/p4", "/p5", "/p6", "/p7", "/p8", "/p9", "/var/cache/app.d"]
        priority              = 999
        task_role_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
      }
      b = {
        image             = "registry.example.com:5000/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        cpu               = 8192
        memory            = 61440
        container_port    = 65535
        path_patterns     = ["/b"]
        health_check_path = "/"
      }
    }
  }

  assert {
    condition = (
      aws_lb.this.name == "lowlat-abcdefghijklmnopqrst-apps" &&
      length(aws_lb_target_group.this["abcdefghijklmnop"].name) == 32 && length(aws_lb_target_group.this["b"].name) == 32 &&
      aws_iam_role.execution["abcdefghijklmnop"].name == "lowlat-abcdefghijklmnopqrstuvwxy-abcdefghijklmnop-task-execution"
    )
    error_message = "A 32-character name with a 16-character service name fits the load balancer, target group and role name limits."
  }
  assert {
    condition = (
      aws_ecs_task_definition.this["abcdefghijklmnop"].cpu == "16384" && aws_ecs_task_definition.this["abcdefghijklmnop"].memory == "122880" &&
      aws_ecs_task_definition.this["b"].cpu == "8192" && aws_ecs_task_definition.this["b"].memory == "61440" &&
      length(jsondecode(aws_ecs_task_definition.this["abcdefghijklmnop"].container_definitions)[0].mountPoints) == 10
    )
    error_message = "The largest Fargate sizes and ten writable paths are accepted."
  }
  assert {
    condition = (
      aws_lb_listener_rule.this["abcdefghijklmnop"].priority == 999 && aws_lb_listener_rule.this["b"].priority == 1001 &&
      length(one(aws_lb_listener_rule.this["abcdefghijklmnop"].condition).path_pattern[0].values) == 5 &&
      aws_appautoscaling_target.service["abcdefghijklmnop"].max_capacity == 100 &&
      aws_appautoscaling_policy.cpu["abcdefghijklmnop"].target_tracking_scaling_policy_configuration[0].target_value == 90
    )
    error_message = "Priority 999, five path patterns, 100 tasks and a 90 % CPU target are accepted."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb : r.cidr_ipv4]) == toset(["0.0.0.0/0"]) && aws_lb.this.access_logs[0].enabled
    error_message = "0.0.0.0/0 is accepted with public_ingress, and a 63-character bucket name for the access logs."
  }
  assert {
    condition     = alltrue([for lg in aws_cloudwatch_log_group.service : lg.retention_in_days == 3653]) && aws_ecs_cluster.this.tags["lowlat:env"] == "abcdefghijklmnop"
    error_message = "Ten years of log retention and a 16-character env are accepted."
  }
}

################################################################################
# Refusals
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "pre-prod"
  }

  expect_failures = [var.env]
}

run "vpc_id_of_another_resource_is_refused" {
  command = plan

  variables {
    vpc_id = "subnet-0a1b2c3d4e5f60718"
  }

  expect_failures = [var.vpc_id]
}

run "one_public_subnet_is_refused" {
  command = plan

  variables {
    public_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"]
  }

  expect_failures = [var.public_subnet_ids]
}

run "public_subnet_name_instead_of_id_is_refused" {
  command = plan

  variables {
    public_subnet_ids = ["lowlat-test-public-a", "lowlat-test-public-b"]
  }

  expect_failures = [var.public_subnet_ids]
}

run "one_private_subnet_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "repeated_private_subnet_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb1"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "empty_ingress_cidrs_are_refused" {
  command = plan

  variables {
    ingress_cidrs = []
  }

  expect_failures = [var.ingress_cidrs]
}

run "ingress_cidr_with_a_bad_prefix_is_refused" {
  command = plan

  variables {
    ingress_cidrs = ["203.0.113.0/33"]
  }

  expect_failures = [var.ingress_cidrs]
}

run "whole_internet_without_public_ingress_is_refused" {
  command = plan

  variables {
    ingress_cidrs = ["203.0.113.0/24", "0.0.0.0/0"]
  }

  expect_failures = [var.ingress_cidrs]
}

run "https_egress_to_a_host_name_is_refused" {
  command = plan

  variables {
    service_https_egress_cidrs = ["vpce.example.com"]
  }

  expect_failures = [var.service_https_egress_cidrs]
}

run "egress_to_a_security_group_name_is_refused" {
  command = plan

  variables {
    service_egress_security_groups = { rds = { security_group_id = "lowlat-test-rds", port = 5432 } }
  }

  expect_failures = [var.service_egress_security_groups]
}

run "egress_to_port_zero_is_refused" {
  command = plan

  variables {
    service_egress_security_groups = { rds = { security_group_id = "sg-0ccccccccccccccc3", port = 0 } }
  }

  expect_failures = [var.service_egress_security_groups]
}

run "kms_alias_for_the_logs_key_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-test-logs"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "key_id_for_the_secrets_key_is_refused" {
  command = plan

  variables {
    secrets_kms_key_arn = "66666666-6666-4666-8666-666666666666"
  }

  expect_failures = [var.secrets_kms_key_arn]
}

run "log_retention_under_a_year_is_refused" {
  command = plan

  variables {
    log_retention_days = 180
  }

  expect_failures = [var.log_retention_days]
}

run "log_retention_that_cloudwatch_lacks_is_refused" {
  command = plan

  variables {
    log_retention_days = 366
  }

  expect_failures = [var.log_retention_days]
}

run "iam_server_certificate_is_refused" {
  command = plan

  variables {
    certificate_arn = "arn:aws:iam::123456789012:server-certificate/lowlat-test"
  }

  expect_failures = [var.certificate_arn]
}

run "domain_name_as_certificate_is_refused" {
  command = plan

  variables {
    certificate_arn = "apps.lowlat.example.com"
  }

  expect_failures = [var.certificate_arn]
}

run "access_logs_bucket_arn_is_refused" {
  command = plan

  variables {
    alb_access_logs_bucket = "arn:aws:s3:::lowlat-test-alb-logs"
  }

  expect_failures = [var.alb_access_logs_bucket]
}

run "no_services_are_refused" {
  command = plan

  variables {
    services = {}
  }

  expect_failures = [var.services]
}

run "service_name_with_an_underscore_is_refused" {
  command = plan

  variables {
    services = {
      risk_dashboard = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "invalid_fargate_cpu_memory_pair_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 4096
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "cpu_that_fargate_lacks_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 300
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "privileged_container_port_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 80
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "container_port_over_65535_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 70000
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "image_without_tag_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "latest_image_tag_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:latest"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "min_count_over_max_count_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        min_count         = 5
        desired_count     = 5
        max_count         = 3
      }
    }
  }

  expect_failures = [var.services]
}

run "desired_count_over_max_count_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        min_count         = 1
        desired_count     = 5
        max_count         = 3
      }
    }
  }

  expect_failures = [var.services]
}

run "zero_min_count_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        min_count         = 0
        desired_count     = 1
        max_count         = 3
      }
    }
  }

  expect_failures = [var.services]
}

run "target_cpu_of_95_percent_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image              = "registry.example.com/lowlat/a:1.0.0"
        cpu                = 256
        memory             = 512
        container_port     = 8080
        path_patterns      = ["/a/*"]
        health_check_path  = "/health"
        target_cpu_percent = 95
      }
    }
  }

  expect_failures = [var.services]
}

run "target_cpu_of_5_percent_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image              = "registry.example.com/lowlat/a:1.0.0"
        cpu                = 256
        memory             = 512
        container_port     = 8080
        path_patterns      = ["/a/*"]
        health_check_path  = "/health"
        target_cpu_percent = 5
      }
    }
  }

  expect_failures = [var.services]
}

run "path_pattern_without_slash_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["risk/*"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "six_path_patterns_are_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a", "/b", "/c", "/d", "/e", "/f"]
        health_check_path = "/health"
      }
    }
  }

  expect_failures = [var.services]
}

run "health_check_path_without_slash_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "health"
      }
    }
  }

  expect_failures = [var.services]
}

run "environment_name_starting_with_a_digit_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        environment       = { "1LOG_LEVEL" = "info" }
      }
    }
  }

  expect_failures = [var.services]
}

run "name_in_environment_and_secrets_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        environment       = { API_TOKEN = "x" }
        secrets           = { API_TOKEN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/api-token-GhIjKl" }
      }
    }
  }

  expect_failures = [var.services]
}

run "secret_value_instead_of_arn_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        secrets           = { API_TOKEN = "not-an-arn" }
      }
    }
  }

  expect_failures = [var.services]
}

run "wildcard_secret_arn_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        secrets           = { API_TOKEN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/*" }
      }
    }
  }

  expect_failures = [var.services]
}

run "root_user_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        user              = "0"
      }
    }
  }

  expect_failures = [var.services]
}

run "user_name_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        user              = "root"
      }
    }
  }

  expect_failures = [var.services]
}

run "writable_root_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        writable_paths    = ["/"]
      }
    }
  }

  expect_failures = [var.services]
}

run "relative_writable_path_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        writable_paths    = ["tmp"]
      }
    }
  }

  expect_failures = [var.services]
}

run "duplicate_rule_priorities_are_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        priority          = 10
      }
      b = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/b/*"]
        health_check_path = "/health"
        priority          = 10
      }
    }
  }

  expect_failures = [var.services]
}

run "rule_priority_of_1000_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image             = "registry.example.com/lowlat/a:1.0.0"
        cpu               = 256
        memory            = 512
        container_port    = 8080
        path_patterns     = ["/a/*"]
        health_check_path = "/health"
        priority          = 1000
      }
    }
  }

  expect_failures = [var.services]
}

run "task_role_policy_that_is_not_json_is_refused" {
  command = plan

  variables {
    services = {
      a = {
        image                 = "registry.example.com/lowlat/a:1.0.0"
        cpu                   = 256
        memory                = 512
        container_port        = 8080
        path_patterns         = ["/a/*"]
        health_check_path     = "/health"
        task_role_policy_json = "s3:GetObject on everything"
      }
    }
  }

  expect_failures = [var.services]
}

run "ingress_prefix_list_given_by_name_is_refused" {
  command = plan

  variables {
    ingress_prefix_lists = { route53_health_checks = "com.amazonaws.eu-west-2.route53-healthchecks" }
  }

  expect_failures = [var.ingress_prefix_lists]
}
