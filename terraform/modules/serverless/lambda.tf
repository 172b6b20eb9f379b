################################################################################
# Lambda functions: package, VPC placement, tracing, dead letters, concurrency, logs
################################################################################

resource "aws_lambda_function" "this" {
  for_each = var.functions

  function_name    = local.function_names[each.key]
  description      = "lowlat ${var.env} ${each.key}"
  role             = aws_iam_role.function[each.key].arn
  filename         = each.value.zip_path
  source_code_hash = filebase64sha256(each.value.zip_path)
  handler          = each.value.handler
  runtime          = each.value.runtime
  # Pure-Python packages (tools/build_lambdas.py downloads nothing), so Graviton: cheaper per ms.
  architectures                  = ["arm64"]
  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = each.value.reserved_concurrency
  kms_key_arn                    = var.lambda_kms_key_arn
  code_signing_config_arn        = local.code_signing ? aws_lambda_code_signing_config.this[0].arn : null

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.functions.id]
  }

  tracing_config {
    mode = "Active"
  }

  # Asynchronous invocations that still fail after Lambda's retries land here (API Gateway
  # invokes synchronously: its errors go back to the caller, not to the queue).
  dead_letter_config {
    target_arn = local.dlq_arns[each.key]
  }

  dynamic "environment" {
    for_each = length(each.value.environment) > 0 ? [each.value.environment] : []
    content {
      variables = environment.value
    }
  }

  tags = merge(local.tags, { Name = local.function_names[each.key], "lowlat:function" = each.key })

  # The log group must exist (KMS, retention) before Lambda would create a plain one, and the
  # role must already allow ENI management: Lambda checks it when the function is created.
  depends_on = [aws_cloudwatch_log_group.function, aws_iam_role_policy.function]
}

resource "aws_lambda_code_signing_config" "this" {
  count = local.code_signing ? 1 : 0

  description = "${var.name}: only packages signed by the platform's signing profiles"

  allowed_publishers {
    signing_profile_version_arns = var.code_signing_profile_version_arns
  }

  policies {
    untrusted_artifact_on_deployment = var.code_signing_policy
  }

  tags = merge(local.tags, { Name = "${var.name}-code-signing" })
}

resource "aws_cloudwatch_log_group" "function" {
  for_each = var.functions

  name              = "/aws/lambda/${local.function_names[each.key]}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = "/aws/lambda/${local.function_names[each.key]}", "lowlat:function" = each.key })
}

################################################################################
# Dead-letter queues: one per function unless the function names its own
################################################################################

locals {
  # Decided by the keys of existing_dlq_arns only (known at plan time, unlike the ARNs).
  own_dlq  = toset([for k in keys(var.functions) : k if !contains(keys(var.existing_dlq_arns), k)])
  dlq_arns = { for k in keys(var.functions) : k => contains(keys(var.existing_dlq_arns), k) ? var.existing_dlq_arns[k] : aws_sqs_queue.dlq[k].arn }
}

resource "aws_sqs_queue" "dlq" {
  for_each = local.own_dlq

  name                              = "${local.function_names[each.key]}-dlq"
  message_retention_seconds         = 1209600 # 14 days, SQS's maximum: time to inspect and replay
  kms_master_key_id                 = var.orders_kms_key_arn
  kms_data_key_reuse_period_seconds = 300

  tags = merge(local.tags, { Name = "${local.function_names[each.key]}-dlq", "lowlat:function" = each.key })
}

resource "aws_sqs_queue_policy" "dlq" {
  for_each = local.own_dlq

  queue_url = aws_sqs_queue.dlq[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sqs:*"
      Resource  = aws_sqs_queue.dlq[each.key].arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

################################################################################
# Security group: HTTPS out to the VPC (interface endpoints) and the gateway endpoints only
################################################################################

resource "aws_security_group" "functions" {
  name_prefix = "${var.name}-lambda-"
  description = "Lambda functions of ${var.name}: no inbound, HTTPS out to the VPC and its gateway endpoints"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-lambda" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https_to_vpc" {
  security_group_id = aws_security_group.functions.id
  description       = "HTTPS to the VPC (interface endpoints)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block

  tags = merge(local.tags, { Name = "${var.name}-lambda-https-vpc" })
}

resource "aws_vpc_security_group_egress_rule" "https_to_prefix_list" {
  for_each = var.egress_prefix_lists

  security_group_id = aws_security_group.functions.id
  description       = "HTTPS to the ${each.key} gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value

  tags = merge(local.tags, { Name = "${var.name}-lambda-https-${each.key}" })
}

resource "aws_vpc_security_group_egress_rule" "https_to_cidr" {
  for_each = toset(var.egress_https_cidrs)

  security_group_id = aws_security_group.functions.id
  description       = "HTTPS to ${each.key} (AWS APIs through the NAT gateways)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.key

  tags = merge(local.tags, { Name = "${var.name}-lambda-https-${replace(each.key, "/", "-")}" })
}
