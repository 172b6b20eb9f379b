# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and runs with the accepted edge values (lower and upper), which also
# check that those values reach the resources. Burst below rate is accepted on purpose: AWS's own
# account defaults are a burst of 5000 and a rate of 10000 requests per second.
# Offline: every AWS answer comes from the mock (tests/mocks).

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name = "abc"
    env  = "p1"
    functions = {
      ab = {
        zip_path             = "tests/fixtures/fixture.zip"
        handler              = "a.b"
        runtime              = "python3.11"
        memory_mb            = 128
        timeout_seconds      = 1
        reserved_concurrency = -1
        environment          = { A = "" }
        table_arns           = ["arn:aws:dynamodb:eu-west-2:123456789012:table/abc"]
      }
    }
    existing_dlq_arns    = { ab = "arn:aws:sqs:eu-west-2:123456789012:a" }
    routes               = { "GET /a" = "ab" }
    vpc_id               = "vpc-0123abcd"
    vpc_cidr_block       = "10.0.0.0/28"
    private_subnet_ids   = ["subnet-0123abcd", "subnet-4567ef01"]
    egress_prefix_lists  = {}
    table_kms_key_arns   = []
    log_retention_days   = 365
    api_stage_name       = "a"
    api_vpc_endpoint_ids = ["vpce-0123abcd"]
    throttle_burst_limit = 1
    throttle_rate_limit  = 0.5
    api_logging_level    = "ERROR"
  }

  assert {
    condition = (
      aws_lambda_function.this["ab"].function_name == "abc-ab" && aws_lambda_function.this["ab"].runtime == "python3.11" &&
      aws_lambda_function.this["ab"].memory_size == 128 && aws_lambda_function.this["ab"].timeout == 1 &&
      aws_lambda_function.this["ab"].reserved_concurrent_executions == -1 && aws_lambda_function.this["ab"].handler == "a.b" &&
      aws_lambda_function.this["ab"].dead_letter_config[0].target_arn == "arn:aws:sqs:eu-west-2:123456789012:a"
    )
    error_message = "A two-letter key, python3.11, 128 MB, 1 s and the unreserved pool are accepted."
  }
  assert {
    condition = (
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 1 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 0.5 &&
      aws_api_gateway_stage.this.stage_name == "a" && aws_cloudwatch_log_group.function["ab"].retention_in_days == 365
    )
    error_message = "A burst of 1 with a rate of 0.5, a one-letter stage and 365 days are accepted."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name = "l2345678901234567890123456789012"
    env  = "p234567890123456"
    functions = {
      a23456789012345678901234567890b = {
        zip_path             = "tests/fixtures/fixture.zip"
        handler              = "pkg.sub_module.handle_event"
        runtime              = "python3.13"
        memory_mb            = 10240
        timeout_seconds      = 900
        reserved_concurrency = 1000
      }
      order_status = {
        zip_path             = "tests/fixtures/fixture.zip"
        handler              = "handler.handler"
        timeout_seconds      = 29
        reserved_concurrency = 1
        environment          = { ORDERS_TABLE = "lowlat-test-orders", LOG_LEVEL = "INFO", KMS_KEY_ALIAS = "alias/x" }
      }
    }
    routes = {
      "GET /orders/{order_id}"        = "order_status"
      "DELETE /orders/{order_id}/leg" = "order_status"
      "PATCH /a-b_c/d/{e}"            = "order_status"
    }
    vpc_cidr_block                    = "10.0.0.0/16"
    egress_prefix_lists               = { a = "pl-0123abcd", s3-gateway_endpoint_0123456789ab = "pl-0123456789abcdef0" }
    private_subnet_ids                = ["subnet-00000000000000001", "subnet-00000000000000002", "subnet-00000000000000003", "subnet-00000000000000004", "subnet-00000000000000005", "subnet-00000000000000006", "subnet-00000000000000007", "subnet-00000000000000008", "subnet-00000000000000009", "subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c", "subnet-0000000000000000d", "subnet-0000000000000000e", "subnet-0000000000000000f", "subnet-00000000000000010"]
    log_retention_days                = 3653
    code_signing_profile_version_arns = ["arn:aws:signer:eu-west-2:123456789012:/signing-profiles/lowlat_lambda/a1B2c3D4e5"]
    code_signing_policy               = "Warn"
    api_stage_name                    = "a2345678901234567890123456789012"
    throttle_burst_limit              = 5000
    throttle_rate_limit               = 10000
    api_logging_level                 = "INFO"
  }

  assert {
    condition = (
      aws_lambda_function.this["a23456789012345678901234567890b"].function_name == "l2345678901234567890123456789012-a23456789012345678901234567890b" &&
      aws_lambda_function.this["a23456789012345678901234567890b"].memory_size == 10240 &&
      aws_lambda_function.this["a23456789012345678901234567890b"].timeout == 900 &&
      aws_lambda_function.this["a23456789012345678901234567890b"].reserved_concurrent_executions == 1000 &&
      aws_lambda_function.this["a23456789012345678901234567890b"].runtime == "python3.13"
    )
    error_message = "A 64-character function name, 10240 MB, 900 s (not routed) and 1000 reserved executions are accepted."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].timeout == 29 && length(aws_api_gateway_method.route) == 3 && length(aws_api_gateway_resource.level3) == 2
    error_message = "A routed function with 29 s and three-segment routes are accepted."
  }
  assert {
    condition = (
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 5000 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 10000 &&
      aws_api_gateway_method_settings.all.settings[0].logging_level == "INFO" &&
      aws_cloudwatch_log_group.api_access.retention_in_days == 3653
    )
    error_message = "A burst of 5000, a rate of 10000, INFO logging and ten years of logs are accepted."
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

run "function_key_with_a_dash_is_refused" {
  command = plan

  variables {
    functions = {
      "order-status" = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler" }
    }
    routes = { "GET /orders/{order_id}" = "order-status" }
  }

  expect_failures = [var.functions]
}

run "package_that_is_not_a_zip_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/order_status.tar.gz", handler = "handler.handler" }
    }
  }

  expect_failures = [var.functions]
}

run "package_that_was_not_built_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/not_built.zip", handler = "handler.handler" }
    }
  }

  expect_failures = [var.functions]
}

run "handler_without_a_function_name_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler" }
    }
  }

  expect_failures = [var.functions]
}

run "unsupported_runtime_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", runtime = "python3.9" }
    }
  }

  expect_failures = [var.functions]
}

run "non_python_runtime_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", runtime = "nodejs20.x" }
    }
  }

  expect_failures = [var.functions]
}

run "memory_of_64_mb_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", memory_mb = 64 }
    }
  }

  expect_failures = [var.functions]
}

run "memory_above_10240_mb_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", memory_mb = 10241 }
    }
  }

  expect_failures = [var.functions]
}

run "timeout_of_901_seconds_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler" }
      replayer     = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", timeout_seconds = 901 }
    }
  }

  expect_failures = [var.functions]
}

run "timeout_of_0_seconds_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", timeout_seconds = 0 }
    }
  }

  expect_failures = [var.functions]
}

run "reserved_concurrency_of_0_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", reserved_concurrency = 0 }
    }
  }

  expect_failures = [var.functions]
}

run "reserved_concurrency_below_minus_one_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", reserved_concurrency = -2 }
    }
  }

  expect_failures = [var.functions]
}

run "reserved_concurrency_above_1000_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", reserved_concurrency = 1001 }
    }
  }

  expect_failures = [var.functions]
}

run "environment_name_reserved_by_lambda_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", environment = { AWS_REGION = "eu-west-1" } }
    }
  }

  expect_failures = [var.functions]
}

run "environment_name_with_a_dash_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", environment = { "ORDERS-TABLE" = "lowlat-test-orders" } }
    }
  }

  expect_failures = [var.functions]
}

run "secret_in_the_environment_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", environment = { DB_PASSWORD = "from-a-tfvars-file" } }
    }
  }

  expect_failures = [var.functions]
}

run "table_name_instead_of_arn_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", table_arns = ["lowlat-test-orders"] }
    }
  }

  expect_failures = [var.functions]
}

run "dlq_url_instead_of_arn_is_refused" {
  command = plan

  variables {
    existing_dlq_arns = { order_status = "https://sqs.eu-west-2.amazonaws.com/123456789012/lowlat-test-dlq" }
  }

  expect_failures = [var.existing_dlq_arns]
}

run "dlq_for_an_unknown_function_is_refused" {
  command = plan

  variables {
    existing_dlq_arns = { order_book = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-dlq" }
  }

  expect_failures = [var.existing_dlq_arns]
}

run "log_retention_below_a_year_is_refused" {
  command = plan

  variables {
    log_retention_days = 90
  }

  expect_failures = [var.log_retention_days]
}

run "signing_profile_instead_of_its_version_is_refused" {
  command = plan

  variables {
    code_signing_profile_version_arns = ["arn:aws:signer:eu-west-2:123456789012:/signing-profiles/lowlat_lambda"]
  }

  expect_failures = [var.code_signing_profile_version_arns]
}

run "code_signing_policy_off_is_refused" {
  command = plan

  variables {
    code_signing_policy = "Off"
  }

  expect_failures = [var.code_signing_policy]
}

run "vpc_id_of_a_subnet_is_refused" {
  command = plan

  variables {
    vpc_id = "subnet-0aaaaaaaaaaaaaaa1"
  }

  expect_failures = [var.vpc_id]
}

run "vpc_cidr_without_a_prefix_length_is_refused" {
  command = plan

  variables {
    vpc_cidr_block = "10.20.0.0"
  }

  expect_failures = [var.vpc_cidr_block]
}

run "vpc_cidr_wider_than_16_is_refused" {
  command = plan

  variables {
    vpc_cidr_block = "10.0.0.0/8"
  }

  expect_failures = [var.vpc_cidr_block]
}

run "one_private_subnet_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "subnet_name_instead_of_id_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["private-a", "private-b"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "prefix_list_name_instead_of_id_is_refused" {
  command = plan

  variables {
    egress_prefix_lists = { dynamodb = "com.amazonaws.eu-west-2.dynamodb" }
  }

  expect_failures = [var.egress_prefix_lists]
}

run "prefix_list_key_with_upper_case_is_refused" {
  command = plan

  variables {
    egress_prefix_lists = { DynamoDB = "pl-0d0d0d0d0d0d0d0d0" }
  }

  expect_failures = [var.egress_prefix_lists]
}

run "https_egress_cidr_without_a_prefix_length_is_refused" {
  command = plan

  variables {
    egress_https_cidrs = ["203.0.113.10"]
  }

  expect_failures = [var.egress_https_cidrs]
}

run "lambda_key_alias_is_refused" {
  command = plan

  variables {
    lambda_kms_key_arn = "alias/lowlat-lambda"
  }

  expect_failures = [var.lambda_kms_key_arn]
}

run "logs_key_id_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "33333333-3333-4333-8333-333333333333"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "orders_key_alias_arn_is_refused" {
  command = plan

  variables {
    orders_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-orders"
  }

  expect_failures = [var.orders_kms_key_arn]
}

run "table_key_alias_is_refused" {
  command = plan

  variables {
    table_kms_key_arns = ["alias/lowlat-trades"]
  }

  expect_failures = [var.table_kms_key_arns]
}

run "no_routes_are_refused" {
  command = plan

  variables {
    routes = {}
  }

  expect_failures = [var.routes]
}

run "route_without_a_method_is_refused" {
  command = plan

  variables {
    routes = { "/orders/{order_id}" = "order_status" }
  }

  expect_failures = [var.routes]
}

run "route_to_an_unknown_function_is_refused" {
  command = plan

  variables {
    routes = { "GET /orders/{order_id}" = "order_book" }
  }

  expect_failures = [var.routes]
}

run "routed_function_with_a_30_second_timeout_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler", timeout_seconds = 30 }
    }
  }

  expect_failures = [var.routes]
}

run "stage_name_with_a_slash_is_refused" {
  command = plan

  variables {
    api_stage_name = "v1/live"
  }

  expect_failures = [var.api_stage_name]
}

run "api_endpoint_of_another_kind_is_refused" {
  command = plan

  variables {
    api_vpc_endpoint_ids = ["vpc-0123456789abcdef0"]
  }

  expect_failures = [var.api_vpc_endpoint_ids]
}

run "throttle_burst_of_0_is_refused" {
  command = plan

  variables {
    throttle_burst_limit = 0
  }

  expect_failures = [var.throttle_burst_limit]
}

run "throttle_burst_above_5000_is_refused" {
  command = plan

  variables {
    throttle_burst_limit = 5001
  }

  expect_failures = [var.throttle_burst_limit]
}

run "throttle_rate_of_0_is_refused" {
  command = plan

  variables {
    throttle_rate_limit = 0
  }

  expect_failures = [var.throttle_rate_limit]
}

run "throttle_rate_above_10000_is_refused" {
  command = plan

  variables {
    throttle_rate_limit = 10001
  }

  expect_failures = [var.throttle_rate_limit]
}

run "logging_level_debug_is_refused" {
  command = plan

  variables {
    api_logging_level = "DEBUG"
  }

  expect_failures = [var.api_logging_level]
}
