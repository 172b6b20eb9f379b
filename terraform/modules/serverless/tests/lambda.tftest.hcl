# The functions: package and its hash, handler and runtime, memory, timeout and reserved
# concurrency, VPC placement, X-Ray tracing, the dead-letter queue (the module's own, encrypted
# with the orders CMK and TLS-only, or a given one), environment encrypted with the Lambda CMK,
# the log group (name, KMS, retention), code signing off by default and on with a profile, and
# the security group (no inbound, HTTPS out to the VPC and the gateway prefix lists only).
# Offline: every AWS answer comes from the mock (tests/mocks).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "function_takes_the_package_and_its_settings" {
  command = apply

  assert {
    condition     = keys(aws_lambda_function.this) == ["order_status"] && aws_lambda_function.this["order_status"].function_name == "lowlat-test-order-status"
    error_message = "One function per functions key, named <name>-<key> with underscores as dashes."
  }
  assert {
    condition = (
      aws_lambda_function.this["order_status"].filename == "tests/fixtures/fixture.zip" &&
      aws_lambda_function.this["order_status"].source_code_hash == filebase64sha256("tests/fixtures/fixture.zip")
    )
    error_message = "The function is uploaded from zip_path, with filebase64sha256 of it as source_code_hash."
  }
  assert {
    condition = (
      aws_lambda_function.this["order_status"].handler == "handler.handler" &&
      aws_lambda_function.this["order_status"].runtime == "python3.12" &&
      aws_lambda_function.this["order_status"].architectures == tolist(["arm64"])
    )
    error_message = "Handler as given, runtime python3.12 by default, arm64."
  }
  assert {
    condition = (
      aws_lambda_function.this["order_status"].memory_size == 256 &&
      aws_lambda_function.this["order_status"].timeout == 15 &&
      aws_lambda_function.this["order_status"].reserved_concurrent_executions == 10
    )
    error_message = "Defaults: 256 MB, 15 s, 10 reserved executions."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].role == aws_iam_role.function["order_status"].arn
    error_message = "The function runs as its own role."
  }
  assert {
    condition = (
      aws_lambda_function.this["order_status"].tags["Name"] == "lowlat-test-order-status" &&
      aws_lambda_function.this["order_status"].tags["lowlat:function"] == "order_status" &&
      aws_lambda_function.this["order_status"].tags["lowlat:module"] == "serverless" &&
      aws_lambda_function.this["order_status"].tags["lowlat:env"] == "test" &&
      aws_lambda_function.this["order_status"].tags["lowlat:owner"] == "trading-platform"
    )
    error_message = "Functions carry Name, lowlat:function, the module tags and the user's tags."
  }
  assert {
    condition     = output.function_names == { order_status = "lowlat-test-order-status" } && output.function_arns["order_status"] == aws_lambda_function.this["order_status"].arn
    error_message = "Function names and ARNs are output by key."
  }
}

run "function_is_in_the_private_subnets_traced_and_dead_lettered" {
  command = apply

  assert {
    condition = (
      toset(aws_lambda_function.this["order_status"].vpc_config[0].subnet_ids) == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]) &&
      aws_lambda_function.this["order_status"].vpc_config[0].security_group_ids == toset([aws_security_group.functions.id])
    )
    error_message = "The function runs in the private subnets with the module's security group only."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].tracing_config[0].mode == "Active"
    error_message = "X-Ray active tracing is on."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].dead_letter_config[0].target_arn == aws_sqs_queue.dlq["order_status"].arn && output.dlq_arns == { order_status = aws_sqs_queue.dlq["order_status"].arn }
    error_message = "Failed asynchronous invocations go to the function's own dead-letter queue."
  }
  assert {
    condition = (
      aws_sqs_queue.dlq["order_status"].name == "lowlat-test-order-status-dlq" &&
      aws_sqs_queue.dlq["order_status"].kms_master_key_id == var.orders_kms_key_arn &&
      aws_sqs_queue.dlq["order_status"].message_retention_seconds == 1209600
    )
    error_message = "The dead-letter queue <function>-dlq is encrypted with the orders CMK and keeps messages 14 days."
  }
  assert {
    condition = jsondecode(aws_sqs_queue_policy.dlq["order_status"].policy).Statement == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.dlq["order_status"].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "The dead-letter queue refuses requests not made over TLS."
  }
}

run "environment_is_encrypted_with_the_lambda_key" {
  command = apply

  assert {
    condition     = aws_lambda_function.this["order_status"].environment[0].variables == tomap({ ORDERS_TABLE = "lowlat-test-orders" })
    error_message = "The function gets its environment as given."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].kms_key_arn == var.lambda_kms_key_arn
    error_message = "The environment is encrypted with the Lambda CMK."
  }
}

run "function_without_environment_has_no_environment_block" {
  command = plan

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler" }
    }
  }

  assert {
    condition     = length(aws_lambda_function.this["order_status"].environment) == 0 && aws_lambda_function.this["order_status"].kms_key_arn == var.lambda_kms_key_arn
    error_message = "No environment block without variables; the CMK is set all the same."
  }
}

run "log_group_is_made_with_kms_and_retention" {
  command = apply

  assert {
    condition = (
      aws_cloudwatch_log_group.function["order_status"].name == "/aws/lambda/lowlat-test-order-status" &&
      aws_cloudwatch_log_group.function["order_status"].kms_key_id == var.logs_kms_key_arn &&
      aws_cloudwatch_log_group.function["order_status"].retention_in_days == 365
    )
    error_message = "The function's log group /aws/lambda/<function> is made by the module, encrypted with the logs CMK, kept 365 days."
  }
  assert {
    condition     = output.log_group_names == { order_status = "/aws/lambda/lowlat-test-order-status" }
    error_message = "Log group names are output by key."
  }
}

run "settings_follow_the_inputs_and_a_given_dlq_replaces_the_queue" {
  command = apply

  variables {
    log_retention_days = 731
    functions = {
      order_status = {
        zip_path             = "tests/fixtures/fixture.zip"
        handler              = "handler.handler"
        runtime              = "python3.13"
        memory_mb            = 1024
        timeout_seconds      = 29
        reserved_concurrency = -1
      }
    }
    existing_dlq_arns = { order_status = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-shared-dlq" }
  }

  assert {
    condition = (
      aws_lambda_function.this["order_status"].runtime == "python3.13" &&
      aws_lambda_function.this["order_status"].memory_size == 1024 &&
      aws_lambda_function.this["order_status"].timeout == 29 &&
      aws_lambda_function.this["order_status"].reserved_concurrent_executions == -1
    )
    error_message = "Runtime, memory, timeout and reserved concurrency (-1: unreserved) follow the function's settings."
  }
  assert {
    condition     = length(aws_sqs_queue.dlq) == 0 && length(aws_sqs_queue_policy.dlq) == 0
    error_message = "No queue of the module's own when the function names its dead-letter queue."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].dead_letter_config[0].target_arn == "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-shared-dlq"
    error_message = "The queue in existing_dlq_arns is the dead-letter target."
  }
  assert {
    condition     = aws_cloudwatch_log_group.function["order_status"].retention_in_days == 731
    error_message = "log_retention_days reaches the function's log group."
  }
}

run "code_signing_is_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_code_signing_config.this) == 0 && aws_lambda_function.this["order_status"].code_signing_config_arn == null
    error_message = "Without signing profiles there is no code signing config."
  }
}

run "code_signing_is_on_with_a_signing_profile" {
  command = apply

  variables {
    code_signing_profile_version_arns = ["arn:aws:signer:eu-west-2:123456789012:/signing-profiles/lowlat_lambda/a1B2c3D4e5"]
    code_signing_policy               = "Warn"
  }

  assert {
    condition = (
      aws_lambda_code_signing_config.this[0].allowed_publishers[0].signing_profile_version_arns == toset(var.code_signing_profile_version_arns) &&
      aws_lambda_code_signing_config.this[0].policies[0].untrusted_artifact_on_deployment == "Warn"
    )
    error_message = "The code signing config admits the given profiles with the given policy."
  }
  assert {
    condition     = aws_lambda_function.this["order_status"].code_signing_config_arn == aws_lambda_code_signing_config.this[0].arn
    error_message = "Every function uses the code signing config."
  }
}

run "security_group_allows_only_https_out_to_the_vpc_and_prefix_lists" {
  command = apply

  assert {
    condition     = aws_security_group.functions.vpc_id == "vpc-0123456789abcdef0" && aws_security_group.functions.name_prefix == "lowlat-test-lambda-" && length(aws_security_group.functions.ingress) == 0
    error_message = "One group <name>-lambda- in the VPC, with no inbound rules."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.https_to_vpc.cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_egress_rule.https_to_vpc.ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.https_to_vpc.from_port == 443 &&
      aws_vpc_security_group_egress_rule.https_to_vpc.to_port == 443 &&
      aws_vpc_security_group_egress_rule.https_to_vpc.security_group_id == aws_security_group.functions.id
    )
    error_message = "HTTPS (tcp 443) out to the VPC CIDR."
  }
  assert {
    condition = (
      keys(aws_vpc_security_group_egress_rule.https_to_prefix_list) == ["dynamodb"] &&
      aws_vpc_security_group_egress_rule.https_to_prefix_list["dynamodb"].prefix_list_id == "pl-0d0d0d0d0d0d0d0d0" &&
      aws_vpc_security_group_egress_rule.https_to_prefix_list["dynamodb"].ip_protocol == "tcp" &&
      aws_vpc_security_group_egress_rule.https_to_prefix_list["dynamodb"].from_port == 443 &&
      aws_vpc_security_group_egress_rule.https_to_prefix_list["dynamodb"].to_port == 443
    )
    error_message = "HTTPS (tcp 443) out to each gateway endpoint prefix list."
  }
  assert {
    condition     = output.security_group_id == aws_security_group.functions.id
    error_message = "The group's ID is output."
  }
}

run "no_prefix_list_no_prefix_list_rule" {
  command = plan

  variables {
    egress_prefix_lists = {}
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.https_to_prefix_list) == 0
    error_message = "Without prefix lists, HTTPS goes to the VPC CIDR only."
  }
}
