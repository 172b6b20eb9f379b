# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and passing runs with the accepted edge values. Offline: every AWS
# answer comes from the mock; the common inputs come from tests/terraform.tfvars.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edge_values_are_accepted" {
  command = plan

  variables {
    name                           = "abc"
    env                            = "p1"
    kms_deletion_window_in_days    = 7
    kms_key_admin_arns             = ["arn:aws:iam::123456789012:role/kms-admin", "arn:aws:iam::123456789012:user/path/security"]
    market_data_key_user_arns      = ["arn:aws:iam::123456789012:role/service-role/firehose"]
    secret_recovery_window_in_days = 0
    generated_password_length      = 20
    secret_value_version           = 1
    rotation_lambda_arn            = "arn:aws:lambda:eu-west-2:123456789012:function:rotate-secrets"
    rotation_days                  = 1
    audit_bucket_name              = "a.b"
    cloudtrail_log_retention_days  = 365
    waf_rate_limit                 = 10
    waf_log_retention_days         = 1
    associate_alb                  = true
    alb_arn                        = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/a/0123456789abcdef"
    persona_principal_arns = {
      trader = ["arn:aws:iam::123456789012:root"]
    }
    market_data_stream_arns = ["arn:aws:kinesis:eu-west-2:123456789012:stream/a"]
    order_queue_arns        = ["arn:aws:sqs:eu-west-2:123456789012:a"]
    order_event_bus_arns    = ["arn:aws:events:eu-west-2:123456789012:event-bus/a"]
    positions_table_arns    = ["arn:aws:dynamodb:eu-west-2:123456789012:table/abc"]
    rds_db_resource_ids     = ["db-ABCDEFGHIJ"]
    risk_db_username        = "r"
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.deletion_window_in_days == 7]) && alltrue([for s in aws_secretsmanager_secret.this : s.recovery_window_in_days == 0])
    error_message = "The shortest deletion and recovery windows reach the keys and secrets."
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].limit if r.name == "rate-limit-per-ip"]) == 10 && length(aws_wafv2_web_acl_association.alb) == 1
    error_message = "The smallest rate limit is used and the ALB is associated."
  }
  assert {
    condition     = alltrue([for r in aws_secretsmanager_secret_rotation.generated : r.rotation_rules[0].automatically_after_days == 1])
    error_message = "Daily rotation is accepted."
  }
}

run "upper_edge_values_are_accepted" {
  command = plan

  variables {
    name                           = "a2345678901234567890123456789012"
    env                            = "p234567890123456"
    kms_deletion_window_in_days    = 30
    secret_recovery_window_in_days = 30
    generated_password_length      = 128
    secret_value_version           = 12
    rotation_lambda_arn            = "arn:aws:lambda:eu-west-2:123456789012:function:rotate-secrets:live"
    rotation_days                  = 1000
    cloudtrail_log_retention_days  = 3653
    waf_rate_limit                 = 2000000000
    waf_log_retention_days         = 3653
  }

  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].limit if r.name == "rate-limit-per-ip"]) == 2000000000
    error_message = "The largest WAF rate limit is accepted."
  }
  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.deletion_window_in_days == 30]) && aws_cloudwatch_log_group.cloudtrail.retention_in_days == 3653
    error_message = "The longest deletion window and log retention reach the resources."
  }
}

################################################################################
# Refused
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

run "deletion_window_of_six_days_is_refused" {
  command = plan

  variables {
    kms_deletion_window_in_days = 6
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "deletion_window_of_thirty_one_days_is_refused" {
  command = plan

  variables {
    kms_deletion_window_in_days = 31
  }

  expect_failures = [var.kms_deletion_window_in_days]
}

run "iam_group_as_key_admin_is_refused" {
  command = plan

  variables {
    kms_key_admin_arns = ["arn:aws:iam::123456789012:group/admins"]
  }

  expect_failures = [var.kms_key_admin_arns]
}

run "user_as_market_data_key_user_is_refused" {
  command = plan

  variables {
    market_data_key_user_arns = ["arn:aws:iam::123456789012:user/firehose"]
  }

  expect_failures = [var.market_data_key_user_arns]
}

run "recovery_window_of_five_days_is_refused" {
  command = plan

  variables {
    secret_recovery_window_in_days = 5
  }

  expect_failures = [var.secret_recovery_window_in_days]
}

run "recovery_window_of_thirty_one_days_is_refused" {
  command = plan

  variables {
    secret_recovery_window_in_days = 31
  }

  expect_failures = [var.secret_recovery_window_in_days]
}

run "password_of_nineteen_characters_is_refused" {
  command = plan

  variables {
    generated_password_length = 19
  }

  expect_failures = [var.generated_password_length]
}

run "password_of_129_characters_is_refused" {
  command = plan

  variables {
    generated_password_length = 129
  }

  expect_failures = [var.generated_password_length]
}

run "value_version_zero_is_refused" {
  command = plan

  variables {
    secret_value_version = 0
  }

  expect_failures = [var.secret_value_version]
}

run "role_arn_as_rotation_lambda_is_refused" {
  command = plan

  variables {
    rotation_lambda_arn = "arn:aws:iam::123456789012:role/rotate-secrets"
  }

  expect_failures = [var.rotation_lambda_arn]
}

run "rotation_every_zero_days_is_refused" {
  command = plan

  variables {
    rotation_days = 0
  }

  expect_failures = [var.rotation_days]
}

run "rotation_every_1001_days_is_refused" {
  command = plan

  variables {
    rotation_days = 1001
  }

  expect_failures = [var.rotation_days]
}

run "audit_bucket_name_with_upper_case_is_refused" {
  command = plan

  variables {
    audit_bucket_name = "Lowlat_Audit"
  }

  expect_failures = [var.audit_bucket_name]
}

run "cloudtrail_retention_under_a_year_is_refused" {
  command = plan

  variables {
    cloudtrail_log_retention_days = 180
  }

  expect_failures = [var.cloudtrail_log_retention_days]
}

run "cloudtrail_retention_outside_cloudwatch_values_is_refused" {
  command = plan

  variables {
    cloudtrail_log_retention_days = 366
  }

  expect_failures = [var.cloudtrail_log_retention_days]
}

run "rate_limit_of_nine_is_refused" {
  command = plan

  variables {
    waf_rate_limit = 9
  }

  expect_failures = [var.waf_rate_limit]
}

run "rate_limit_over_two_billion_is_refused" {
  command = plan

  variables {
    waf_rate_limit = 2000000001
  }

  expect_failures = [var.waf_rate_limit]
}

run "waf_retention_outside_cloudwatch_values_is_refused" {
  command = plan

  variables {
    waf_log_retention_days = 2
  }

  expect_failures = [var.waf_log_retention_days]
}

run "network_load_balancer_arn_is_refused" {
  command = plan

  variables {
    alb_arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/net/lowlat-test/0123456789abcdef"
  }

  expect_failures = [var.alb_arn]
}

run "associate_alb_without_alb_arn_is_refused" {
  command = plan

  variables {
    associate_alb = true
    alb_arn       = null
  }

  expect_failures = [var.alb_arn]
}

run "unknown_persona_is_refused" {
  command = plan

  variables {
    persona_principal_arns = {
      admin = ["arn:aws:iam::123456789012:role/admins"]
    }
  }

  expect_failures = [var.persona_principal_arns]
}

run "iam_group_as_persona_principal_is_refused" {
  command = plan

  variables {
    persona_principal_arns = {
      trader = ["arn:aws:iam::123456789012:group/traders"]
    }
  }

  expect_failures = [var.persona_principal_arns]
}

run "persona_without_principals_is_refused" {
  command = plan

  variables {
    persona_principal_arns = {
      trader = []
    }
  }

  expect_failures = [var.persona_principal_arns]
}

run "stream_name_instead_of_arn_is_refused" {
  command = plan

  variables {
    market_data_stream_arns = ["lowlat-test-ticks"]
  }

  expect_failures = [var.market_data_stream_arns]
}

run "queue_url_instead_of_arn_is_refused" {
  command = plan

  variables {
    order_queue_arns = ["https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-orders"]
  }

  expect_failures = [var.order_queue_arns]
}

run "rule_arn_instead_of_bus_arn_is_refused" {
  command = plan

  variables {
    order_event_bus_arns = ["arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-orders"]
  }

  expect_failures = [var.order_event_bus_arns]
}

run "index_arn_instead_of_table_arn_is_refused" {
  command = plan

  variables {
    positions_table_arns = ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-positions/index/by-book"]
  }

  expect_failures = [var.positions_table_arns]
}

run "instance_name_instead_of_resource_id_is_refused" {
  command = plan

  variables {
    rds_db_resource_ids = ["lowlat-test-risk"]
  }

  expect_failures = [var.rds_db_resource_ids]
}

run "db_username_with_a_dash_is_refused" {
  command = plan

  variables {
    risk_db_username = "risk-manager"
  }

  expect_failures = [var.risk_db_username]
}
