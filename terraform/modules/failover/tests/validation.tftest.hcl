# Refusals: each bad input is stopped at plan with a message saying what to fix.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "global"
  source = "./tests/mocks"
}

run "zone_name_with_a_scheme_is_refused" {
  command = plan
  variables {
    zone_name = "https://trading.example.com"
  }
  expect_failures = [var.zone_name]
}

run "endpoint_without_its_zone_id_is_refused" {
  command = plan
  variables {
    primary_endpoint = { dns_name = "lowlat-test-apps-123.eu-west-2.elb.amazonaws.com", zone_id = "" }
  }
  expect_failures = [var.primary_endpoint]
}

run "health_check_interval_route53_does_not_offer_is_refused" {
  command = plan
  variables {
    health_check = { request_interval = 5 }
  }
  expect_failures = [var.health_check]
}

run "health_check_path_without_a_slash_is_refused" {
  command = plan
  variables {
    health_check = { path = "orders/health" }
  }
  expect_failures = [var.health_check]
}

run "fewer_than_three_checker_regions_are_refused" {
  command = plan
  variables {
    health_check = { regions = ["us-east-1", "eu-west-1"] }
  }
  expect_failures = [var.health_check]
}

run "function_given_by_name_instead_of_arn_is_refused" {
  command = plan
  variables {
    function_arn = "lowlat-test-dr-sync-cluster-sizes"
  }
  expect_failures = [var.function_arn]
}

run "zero_evaluation_periods_are_refused" {
  command = plan
  variables {
    alarm_evaluation_periods = 0
  }
  expect_failures = [var.alarm_evaluation_periods]
}

run "record_name_with_a_dot_is_refused" {
  command = plan
  variables {
    record_name = "api.trading"
  }
  expect_failures = [var.record_name]
}

run "name_with_upper_case_is_refused" {
  command = plan
  variables {
    name = "Lowlat-Prod"
  }
  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan
  variables {
    env = "prod-1"
  }
  expect_failures = [var.env]
}

run "zone_given_by_name_instead_of_id_is_refused" {
  command = plan
  variables {
    zone_id = "trading.example.com"
  }
  expect_failures = [var.zone_id]
}

run "secondary_endpoint_given_by_load_balancer_arn_is_refused" {
  command = plan
  variables {
    secondary_endpoint = { dns_name = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/lowlat-test-dr-apps/0123456789abcdef", zone_id = "Z32O12XQLNTSW2" }
  }
  expect_failures = [var.secondary_endpoint]
}

run "alert_address_without_a_domain_is_refused" {
  command = plan
  variables {
    alert_email_addresses = ["oncall"]
  }
  expect_failures = [var.alert_email_addresses]
}

run "function_given_by_arn_instead_of_name_is_refused" {
  command = plan
  variables {
    function_name = "arn:aws:lambda:eu-west-1:123456789012:function:lowlat-test-dr-sync-cluster-sizes"
  }
  expect_failures = [var.function_name]
}

run "log_retention_cloudwatch_does_not_offer_is_refused" {
  command = plan
  variables {
    log_retention_days = 100
  }
  expect_failures = [var.log_retention_days]
}

run "deletion_window_of_six_days_is_refused" {
  command = plan
  variables {
    kms_deletion_window_in_days = 6
  }
  expect_failures = [var.kms_deletion_window_in_days]
}
