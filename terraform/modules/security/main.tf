data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"

  lowlat_tags = {
    "lowlat:env"     = var.env
    "lowlat:managed" = "true"
  }
  tags = merge(var.tags, local.lowlat_tags)

  # The data classes: one customer-managed key each. The other modules take these keys by class.
  kms_classes = toset(["market_data", "orders", "trades", "audit", "logs", "secrets", "backup", "monitoring"])

  # Known before apply (no resource reference), so the key policies and the trail do not depend
  # on each other.
  trail_name = "${var.name}-audit"
  trail_arn  = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  kms_admin_principals = length(var.kms_key_admin_arns) > 0 ? var.kms_key_admin_arns : [local.root_arn]

  # Administration only: these principals manage the keys but cannot encrypt or decrypt with them.
  kms_admin_statement = {
    Sid       = "KeyAdministration"
    Effect    = "Allow"
    Principal = { AWS = local.kms_admin_principals }
    Action = [
      "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
      "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
      "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
    ]
    Resource = "*"
  }

  # Use of a key by the account's principals is delegated to their IAM policies (the personas'
  # and the other modules' roles); grants only for AWS services acting for them (EBS, RDS, ...).
  kms_account_use_statements = [
    {
      Sid       = "AccountUsesKeyThroughIamPolicies"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
    },
    {
      Sid       = "AccountGrantsKeyToAwsServices"
      Effect    = "Allow"
      Principal = { AWS = local.root_arn }
      Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    },
  ]

  # What each class needs beyond the account's own use: the AWS services that encrypt with it.
  kms_service_statements = {
    market_data = [
      {
        Sid       = "KinesisAndFirehoseUseKeyForTheCallersRoles"
        Effect    = "Allow"
        Principal = { AWS = length(var.market_data_key_user_arns) > 0 ? var.market_data_key_user_arns : [local.root_arn] }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = ["kinesis.${local.region}.amazonaws.com", "firehose.${local.region}.amazonaws.com"]
            "kms:CallerAccount" = local.account_id
          }
        }
      },
    ]
    orders = [
      {
        Sid    = "AlarmsAndEventsReachEncryptedTopicsAndQueues"
        Effect = "Allow"
        Principal = {
          Service = ["sns.amazonaws.com", "sqs.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"]
        }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
    trades = []
    audit = [
      {
        Sid       = "CloudTrailEncryptsLogFiles"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:GenerateDataKey*"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
          StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
        }
      },
      {
        Sid       = "CloudTrailPublishesToItsEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceArn" = local.trail_arn }
          StringLike   = { "kms:EncryptionContext:aws:sns:topicArn" = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.name}-cloudtrail-deliveries" }
        }
      },
      {
        Sid       = "CloudTrailDescribesKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
    ]
    logs = [
      {
        Sid       = "CloudWatchLogsEncryptsLogGroupsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*" }
        }
      },
    ]
    secrets = []
    backup = [
      {
        Sid       = "AwsBackupEncryptsRecoveryPoints"
        Effect    = "Allow"
        Principal = { Service = "backup.amazonaws.com" }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
    monitoring = []
  }

  kms_key_policies = {
    for class in local.kms_classes : class => jsonencode({
      Version   = "2012-10-17"
      Statement = concat([local.kms_admin_statement], local.kms_account_use_statements, local.kms_service_statements[class])
    })
  }
}

################################################################################
# Customer-managed keys, one per data class
################################################################################

resource "aws_kms_key" "this" {
  for_each = local.kms_classes

  description             = "${var.name}: ${replace(each.key, "_", " ")} data"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = local.kms_key_policies[each.key]

  tags = merge(local.tags, { Name = "${var.name}-${replace(each.key, "_", "-")}", "lowlat:data-class" = each.key })
}

resource "aws_kms_alias" "this" {
  for_each = local.kms_classes

  name          = "alias/${var.name}/${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
