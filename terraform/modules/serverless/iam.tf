################################################################################
# One execution role per function, each allowed only what that function needs
################################################################################

locals {
  vpc_arn = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc/${var.vpc_id}"

  function_statements = { for k, f in var.functions : k => concat(
    [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.function[k].arn}:*"
      },
      {
        # X-Ray's write and sampling APIs have no resource-level permissions.
        Sid      = "WriteTraces"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"]
        Resource = "*"
      },
      {
        # What AWSLambdaVPCAccessExecutionRole grants for the function's network interfaces,
        # without its logs:* on every log group. Describe calls take no resource.
        Sid      = "DescribeNetwork"
        Effect   = "Allow"
        Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs"]
        Resource = "*"
      },
      {
        # Lambda names the interfaces itself, so no ARN is known ahead: limited to this VPC.
        Sid       = "ManageInterfacesInTheVpc"
        Effect    = "Allow"
        Action    = ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource  = "*"
        Condition = { ArnEquals = { "ec2:Vpc" = local.vpc_arn } }
      },
      {
        Sid      = "SendToOwnDeadLetterQueue"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = local.dlq_arns[k]
      },
      {
        # The dead-letter queue is encrypted with the orders key (an existing one must be too).
        Sid       = "EncryptDeadLettersViaSqs"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = var.orders_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "sqs.${local.region}.amazonaws.com" } }
      },
      {
        Sid       = "DecryptOwnEnvironment"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.lambda_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "lambda.${local.region}.amazonaws.com" } }
      },
    ],
    length(f.table_arns) == 0 ? [] : [{
      Sid      = "ReadListedTables"
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = f.table_arns
    }],
    length(f.table_arns) == 0 || length(var.table_kms_key_arns) == 0 ? [] : [{
      Sid       = "DecryptTablesViaDynamoDB"
      Effect    = "Allow"
      Action    = "kms:Decrypt"
      Resource  = var.table_kms_key_arns
      Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${local.region}.amazonaws.com" } }
    }],
    [for st in f.statements : merge(
      { Sid = st.sid, Effect = "Allow", Action = st.actions, Resource = st.resources },
      st.condition == null ? {} : { Condition = st.condition },
    )],
  ) }
}

resource "aws_iam_role" "function" {
  for_each = var.functions

  name        = local.function_names[each.key]
  description = "Execution role of the Lambda function ${local.function_names[each.key]}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = merge(local.tags, { Name = local.function_names[each.key], "lowlat:function" = each.key })
}

resource "aws_iam_role_policy" "function" {
  for_each = var.functions

  name   = "least-privilege"
  role   = aws_iam_role.function[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.function_statements[each.key] })
}
