# The execution roles: one per function, assumable by Lambda only, with one inline policy that
# allows exactly what the function needs: its own log group, X-Ray, network interfaces in the
# VPC, its own dead-letter queue (and the orders key via SQS), its environment key via Lambda,
# GetItem on its listed tables (and their keys via DynamoDB) and nothing else.
# Offline: every AWS answer comes from the mock (tests/mocks).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "role_is_for_lambda_only" {
  command = apply

  assert {
    condition     = aws_iam_role.function["order_status"].name == "lowlat-test-order-status"
    error_message = "The role is named after its function."
  }
  assert {
    condition = jsondecode(aws_iam_role.function["order_status"].assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
    error_message = "Only the Lambda service may assume a function's role."
  }
  assert {
    condition     = output.role_arns == { order_status = aws_iam_role.function["order_status"].arn }
    error_message = "Role ARNs are output by key."
  }
}

run "policy_allows_exactly_what_the_function_needs" {
  command = apply

  assert {
    condition     = aws_iam_role_policy.function["order_status"].role == aws_iam_role.function["order_status"].id
    error_message = "The inline policy is on the function's own role."
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid] == [
      "WriteOwnLogGroup", "WriteTraces", "DescribeNetwork", "ManageInterfacesInTheVpc", "SendToOwnDeadLetterQueue",
      "EncryptDeadLettersViaSqs", "DecryptOwnEnvironment", "ReadListedTables", "DecryptTablesViaDynamoDB",
    ]
    error_message = "The policy has these nine statements and no other."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Effect == "Allow" && !strcontains(jsonencode(s.Action), "*")])
    error_message = "Every statement allows named actions only (no wildcards in actions)."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => s if s.Sid == "WriteOwnLogGroup"
      }["WriteOwnLogGroup"] == {
      Sid      = "WriteOwnLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.function["order_status"].arn}:*"
    }
    error_message = "Logs: create streams and put events in the function's own log group only (no CreateLogGroup: the module makes it)."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource] if s.Sid == "WriteTraces"
    }["WriteTraces"] == [["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"], "*"]
    error_message = "X-Ray: write segments and telemetry, read sampling rules (these APIs take no resource)."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => s if s.Sid == "ManageInterfacesInTheVpc"
      }["ManageInterfacesInTheVpc"] == {
      Sid       = "ManageInterfacesInTheVpc"
      Effect    = "Allow"
      Action    = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
      Resource  = "*"
      Condition = { ArnEquals = { "ec2:Vpc" = "arn:aws:ec2:eu-west-2:123456789012:vpc/vpc-0123456789abcdef0" } }
    }
    error_message = "ENI management is limited to the function's VPC."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource] if s.Sid == "DescribeNetwork"
    }["DescribeNetwork"] == [["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"], "*"]
    error_message = "Network describe calls (which take no resource) are allowed."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource] if s.Sid == "SendToOwnDeadLetterQueue"
    }["SendToOwnDeadLetterQueue"] == ["sqs:SendMessage", aws_sqs_queue.dlq["order_status"].arn]
    error_message = "SQS: SendMessage to the function's own dead-letter queue only."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource, s.Condition] if s.Sid == "EncryptDeadLettersViaSqs"
    }["EncryptDeadLettersViaSqs"] == [["kms:GenerateDataKey", "kms:Decrypt"], var.orders_kms_key_arn, { StringEquals = { "kms:ViaService" = "sqs.eu-west-2.amazonaws.com" } }]
    error_message = "The orders key (the DLQ's) only through SQS."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource, s.Condition] if s.Sid == "DecryptOwnEnvironment"
    }["DecryptOwnEnvironment"] == ["kms:Decrypt", var.lambda_kms_key_arn, { StringEquals = { "kms:ViaService" = "lambda.eu-west-2.amazonaws.com" } }]
    error_message = "The environment key: Decrypt only, only through Lambda."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource] if s.Sid == "ReadListedTables"
    }["ReadListedTables"] == ["dynamodb:GetItem", ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-orders"]]
    error_message = "DynamoDB: GetItem on the listed tables only (no Scan, Query, writes or indexes)."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid => [s.Action, s.Resource, s.Condition] if s.Sid == "DecryptTablesViaDynamoDB"
    }["DecryptTablesViaDynamoDB"] == ["kms:Decrypt", ["arn:aws:kms:eu-west-2:123456789012:key/55555555-5555-4555-8555-555555555555"], { StringEquals = { "kms:ViaService" = "dynamodb.eu-west-2.amazonaws.com" } }]
    error_message = "The tables' keys: Decrypt only, only through DynamoDB."
  }
}

run "each_function_gets_its_own_role_and_resources" {
  command = apply

  variables {
    functions = {
      order_status = {
        zip_path   = "tests/fixtures/fixture.zip"
        handler    = "handler.handler"
        table_arns = ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-orders"]
      }
      fill_report = {
        zip_path = "tests/fixtures/fixture.zip"
        handler  = "handler.handler"
      }
    }
    existing_dlq_arns = { fill_report = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-shared-dlq" }
  }

  override_resource {
    target = aws_cloudwatch_log_group.function["fill_report"]
    values = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/lowlat-test-fill-report" }
  }

  assert {
    condition     = aws_iam_role.function["fill_report"].name == "lowlat-test-fill-report" && aws_iam_role_policy.function["fill_report"].role == aws_iam_role.function["fill_report"].id
    error_message = "Each function has its own role and policy."
  }
  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.function["fill_report"].policy).Statement : s.Sid => s.Resource if contains(["WriteOwnLogGroup", "SendToOwnDeadLetterQueue"], s.Sid)
      } == {
      WriteOwnLogGroup         = "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/lambda/lowlat-test-fill-report:*"
      SendToOwnDeadLetterQueue = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-shared-dlq"
    }
    error_message = "A function's role names its own log group and its own (here: given) dead-letter queue."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.function["fill_report"].policy).Statement : s if startswith(s.Sid, "ReadListedTables") || startswith(s.Sid, "DecryptTables")]) == 0
    error_message = "A function without tables gets no DynamoDB or table-key statement."
  }
  assert {
    condition     = length(aws_sqs_queue.dlq) == 1 && keys(aws_sqs_queue.dlq) == ["order_status"]
    error_message = "Only the function without an existing queue gets a queue of the module's own."
  }
}

run "tables_without_keys_get_no_key_statement" {
  command = plan

  variables {
    table_kms_key_arns = []
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s.Sid if startswith(s.Sid, "DecryptTables")] == []
    error_message = "No table key, no kms:Decrypt via DynamoDB (tables with AWS-owned keys need none)."
  }
}

run "extra_statements_are_added_as_given" {
  command = apply

  variables {
    functions = {
      order_status = {
        zip_path = "tests/fixtures/fixture.zip"
        handler  = "handler.handler"
        statements = [
          { sid = "DescribeNodeGroups", actions = ["eks:DescribeNodegroup"], resources = ["arn:aws:eks:eu-west-2:123456789012:nodegroup/lowlat-prod/*"] },
          { sid = "StartHosts", actions = ["ec2:StartInstances"], resources = ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0"], condition = { StringEquals = { "aws:ResourceTag/lowlat:env" = ["prod"] } } },
        ]
      }
    }
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.function["order_status"].policy).Statement : s if contains(["DescribeNodeGroups", "StartHosts"], s.Sid)] == [
      { Sid = "DescribeNodeGroups", Effect = "Allow", Action = ["eks:DescribeNodegroup"], Resource = ["arn:aws:eks:eu-west-2:123456789012:nodegroup/lowlat-prod/*"] },
      { Sid = "StartHosts", Effect = "Allow", Action = ["ec2:StartInstances"], Resource = ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0"], Condition = { StringEquals = { "aws:ResourceTag/lowlat:env" = ["prod"] } } },
    ]
    error_message = "A function's statements join its role's policy as Allow statements, conditions included."
  }
}

run "statement_with_a_bare_wildcard_action_is_refused" {
  command = plan

  variables {
    functions = {
      order_status = {
        zip_path   = "tests/fixtures/fixture.zip"
        handler    = "handler.handler"
        statements = [{ sid = "Everything", actions = ["*"], resources = ["*"] }]
      }
    }
  }

  expect_failures = [var.functions]
}

run "https_egress_to_named_ranges" {
  command = plan

  variables {
    egress_https_cidrs = ["0.0.0.0/0"]
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.https_to_cidr["0.0.0.0/0"].from_port == 443 && aws_vpc_security_group_egress_rule.https_to_cidr["0.0.0.0/0"].to_port == 443 && aws_vpc_security_group_egress_rule.https_to_cidr["0.0.0.0/0"].ip_protocol == "tcp"
    error_message = "egress_https_cidrs opens HTTPS only, to the ranges named."
  }
}

run "no_egress_beyond_the_vpc_by_default" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.https_to_cidr) == 0
    error_message = "Without egress_https_cidrs the functions reach the VPC and its gateway endpoints only."
  }
}
