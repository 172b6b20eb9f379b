################################################################################
# IAM personas: one role each, assumable with MFA by the principals given per persona
################################################################################

locals {
  arn_prefix = "arn:${local.partition}"
  in_region  = "${local.region}:${local.account_id}"

  # Resources of the other modules: the ARNs given, or everything named <name>-* here.
  market_data_streams = length(var.market_data_stream_arns) > 0 ? var.market_data_stream_arns : ["${local.arn_prefix}:kinesis:${local.in_region}:stream/${var.name}-*"]
  order_queues        = length(var.order_queue_arns) > 0 ? var.order_queue_arns : ["${local.arn_prefix}:sqs:${local.in_region}:${var.name}-*"]
  order_buses         = length(var.order_event_bus_arns) > 0 ? var.order_event_bus_arns : ["${local.arn_prefix}:events:${local.in_region}:event-bus/${var.name}-*"]
  positions_tables    = length(var.positions_table_arns) > 0 ? var.positions_table_arns : ["${local.arn_prefix}:dynamodb:${local.in_region}:table/${var.name}-*"]
  rds_db_users = [
    for id in(length(var.rds_db_resource_ids) > 0 ? var.rds_db_resource_ids : ["*"]) :
    "${local.arn_prefix}:rds-db:${local.in_region}:dbuser:${id}/${var.risk_db_username}"
  ]

  kms_arn = { for class, key in aws_kms_key.this : class => key.arn }

  # The compliance auditor's whole permission set; everything else is denied explicitly.
  compliance_bucket_actions = [
    "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation", "s3:GetBucketVersioning",
    "s3:GetBucketObjectLockConfiguration",
  ]
  compliance_object_actions = [
    "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:GetObjectLegalHold",
  ]
  compliance_trail_actions  = ["cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"]
  compliance_lookup_actions = ["cloudtrail:LookupEvents", "cloudtrail:DescribeTrails"]

  persona_policies = {
    trader = [
      {
        Sid    = "ReadMarketDataStreams"
        Effect = "Allow"
        Action = [
          "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:DescribeStreamConsumer",
          "kinesis:ListShards", "kinesis:ListStreamConsumers", "kinesis:GetShardIterator", "kinesis:GetRecords",
          "kinesis:SubscribeToShard",
        ]
        Resource = concat(local.market_data_streams, [for s in local.market_data_streams : "${s}/consumer/*"])
      },
      {
        Sid      = "SendOrdersToOrderQueues"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"]
        Resource = local.order_queues
      },
      {
        Sid      = "PutOrderEventsOnOrderBuses"
        Effect   = "Allow"
        Action   = "events:PutEvents"
        Resource = local.order_buses
      },
      {
        Sid       = "DecryptMarketDataThroughKinesis"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = local.kms_arn["market_data"]
        Condition = { StringEquals = { "kms:ViaService" = "kinesis.${local.region}.amazonaws.com" } }
      },
      {
        Sid       = "EncryptOrdersThroughSqsAndEventBridge"
        Effect    = "Allow"
        Action    = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource  = local.kms_arn["orders"]
        Condition = { StringEquals = { "kms:ViaService" = ["sqs.${local.region}.amazonaws.com", "events.${local.region}.amazonaws.com"] } }
      },
    ]

    risk_manager = [
      {
        Sid    = "ReadPositionsTables"
        Effect = "Allow"
        Action = [
          "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
          "dynamodb:Scan", "dynamodb:ConditionCheckItem",
        ]
        Resource = concat(local.positions_tables, [for t in local.positions_tables : "${t}/index/*"])
      },
      {
        Sid       = "DecryptPositionsThroughDynamoDb"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:DescribeKey"]
        Resource  = local.kms_arn["trades"]
        Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${local.region}.amazonaws.com" } }
      },
      {
        Sid      = "FindPlatformDatabases"
        Effect   = "Allow"
        Action   = ["rds:DescribeDBInstances", "rds:DescribeDBClusters"]
        Resource = ["${local.arn_prefix}:rds:${local.in_region}:db:${var.name}-*", "${local.arn_prefix}:rds:${local.in_region}:cluster:${var.name}-*"]
      },
      {
        Sid      = "ConnectWithIamAuthenticationAsRiskUser"
        Effect   = "Allow"
        Action   = "rds-db:connect"
        Resource = local.rds_db_users
      },
    ]

    compliance_auditor = [
      {
        Sid      = "ListAuditBucket"
        Effect   = "Allow"
        Action   = local.compliance_bucket_actions
        Resource = local.audit_bucket_arn
      },
      {
        Sid      = "ReadAuditObjects"
        Effect   = "Allow"
        Action   = local.compliance_object_actions
        Resource = "${local.audit_bucket_arn}/*"
      },
      {
        Sid       = "DecryptAuditObjectsThroughS3"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = local.kms_arn["audit"]
        Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
      },
      {
        Sid      = "ReadThePlatformTrail"
        Effect   = "Allow"
        Action   = local.compliance_trail_actions
        Resource = local.trail_arn
      },
      {
        # LookupEvents and DescribeTrails take no resource-level permissions.
        Sid      = "LookUpCloudTrailEvents"
        Effect   = "Allow"
        Action   = local.compliance_lookup_actions
        Resource = "*"
      },
      {
        Sid    = "DenyEverythingElse"
        Effect = "Deny"
        NotAction = concat(
          local.compliance_bucket_actions, local.compliance_object_actions, local.compliance_trail_actions,
          local.compliance_lookup_actions, ["kms:Decrypt"],
        )
        Resource = "*"
      },
      {
        Sid         = "DenyOtherBuckets"
        Effect      = "Deny"
        Action      = "s3:*"
        NotResource = [local.audit_bucket_arn, "${local.audit_bucket_arn}/*"]
      },
    ]

    platform_operator = [
      {
        Sid       = "OperatePlatformHosts"
        Effect    = "Allow"
        Action    = ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"]
        Resource  = "${local.arn_prefix}:ec2:${local.in_region}:instance/*"
        Condition = { StringLike = { "aws:ResourceTag/Name" = "${var.name}-*" } }
      },
      {
        Sid       = "SessionManagerOnPlatformHosts"
        Effect    = "Allow"
        Action    = "ssm:StartSession"
        Resource  = "${local.arn_prefix}:ec2:${local.in_region}:instance/*"
        Condition = { StringLike = { "ssm:resourceTag/Name" = "${var.name}-*" } }
      },
      {
        Sid      = "SessionManagerShellDocument"
        Effect   = "Allow"
        Action   = "ssm:StartSession"
        Resource = "${local.arn_prefix}:ssm:${local.in_region}:document/SSM-SessionManagerRunShell"
      },
      {
        Sid      = "ManageOwnSessions"
        Effect   = "Allow"
        Action   = ["ssm:ResumeSession", "ssm:TerminateSession"]
        Resource = "${local.arn_prefix}:ssm:${local.in_region}:session/$${aws:userid}-*"
      },
      {
        Sid    = "RedriveAndInspectPlatformQueues"
        Effect = "Allow"
        Action = [
          "sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:ListDeadLetterSourceQueues", "sqs:ReceiveMessage",
          "sqs:DeleteMessage", "sqs:SendMessage", "sqs:StartMessageMoveTask", "sqs:CancelMessageMoveTask",
          "sqs:ListMessageMoveTasks",
        ]
        Resource = "${local.arn_prefix}:sqs:${local.in_region}:${var.name}-*"
      },
      {
        Sid      = "SwitchPlatformEventRules"
        Effect   = "Allow"
        Action   = ["events:DescribeRule", "events:ListTargetsByRule", "events:EnableRule", "events:DisableRule"]
        Resource = ["${local.arn_prefix}:events:${local.in_region}:rule/${var.name}-*", "${local.arn_prefix}:events:${local.in_region}:rule/${var.name}-*/*"]
      },
      {
        Sid      = "SilenceAndTestPlatformAlarms"
        Effect   = "Allow"
        Action   = ["cloudwatch:DisableAlarmActions", "cloudwatch:EnableAlarmActions", "cloudwatch:SetAlarmState"]
        Resource = "${local.arn_prefix}:cloudwatch:${local.in_region}:alarm:${var.name}-*"
      },
      {
        Sid      = "ReadPlatformLogs"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"]
        Resource = ["${local.arn_prefix}:logs:${local.in_region}:log-group:*${var.name}*", "${local.arn_prefix}:logs:${local.in_region}:log-group:*${var.name}*:log-stream:*"]
      },
      {
        Sid      = "RebootPlatformDatabases"
        Effect   = "Allow"
        Action   = ["rds:RebootDBInstance"]
        Resource = "${local.arn_prefix}:rds:${local.in_region}:db:${var.name}-*"
      },
      {
        Sid      = "ReadPlatformAdminSecrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
        Resource = [for k in local.generated_secrets : aws_secretsmanager_secret.this[k].arn]
      },
      {
        # Stored from Rancher by the operator, read by the rancher_agent role's lookup (Ansible runs
        # as this persona).
        Sid      = "StoreRancherAgentToken"
        Effect   = "Allow"
        Action   = ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"]
        Resource = aws_secretsmanager_secret.this["rancher_agent_token"].arn
      },
      {
        Sid       = "UseSecretsKeyThroughSecretsManager"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = local.kms_arn["secrets"]
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
      },
    ]
  }

  # The platform operator also sees (lists and describes, no data) what runs in the account.
  persona_managed_policies = {
    platform_operator = ["job-function/ViewOnlyAccess"]
  }
  # Keys from the policy paths only: the ARNs hold the partition, known only once it is read.
  persona_managed_attachments = {
    for pair in flatten([
      for persona, paths in local.persona_managed_policies : [
        for path in paths : { key = "${persona}/${path}", persona = persona, arn = "arn:${local.partition}:iam::aws:policy/${path}" }
      ] if contains(keys(var.persona_principal_arns), persona)
    ]) : pair.key => pair
  }
}

resource "aws_iam_role" "persona" {
  for_each = var.persona_principal_arns

  name                 = "${var.name}-${replace(each.key, "_", "-")}"
  description          = "${replace(each.key, "_", " ")} persona of ${var.name}; assumed with MFA"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumeWithMfaOnly"
        Effect    = "Allow"
        Principal = { AWS = each.value }
        Action    = "sts:AssumeRole"
        Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }
      },
    ]
  })

  tags = merge(local.tags, { Name = "${var.name}-${replace(each.key, "_", "-")}", "lowlat:persona" = each.key })
}

resource "aws_iam_role_policy" "persona" {
  for_each = var.persona_principal_arns

  name = "${replace(each.key, "_", "-")}-permissions"
  role = aws_iam_role.persona[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.persona_policies[each.key]
  })
}

resource "aws_iam_role_policy_attachment" "persona" {
  for_each = local.persona_managed_attachments

  role       = aws_iam_role.persona[each.value.persona].name
  policy_arn = each.value.arn
}
