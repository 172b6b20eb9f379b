# S3: the tick archive (market data key, the Firehose destination of the events module) and the
# compliance/audit bucket (audit key, CloudTrail of this account writes there, Object Lock), both
# versioned, SSE-KMS with bucket keys, never public, TLS only, tiered to STANDARD_IA and GLACIER,
# with their server access logs in a small log bucket.

locals {
  kms_buckets = {
    archive = { kms_key_arn = var.market_data_kms_key_arn, purpose = "tick-archive" }
    audit   = { kms_key_arn = var.audit_kms_key_arn, purpose = "audit" }
  }

  # Every bucket: no plain-HTTP request of any principal.
  deny_insecure_transport = {
    for k, arn in local.bucket_arns : k => {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [arn, "${arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }

  # The KMS buckets: a write that asks for another encryption or another key is refused (a write
  # that asks for nothing gets the bucket default, the bucket's key).
  enforce_kms_key = {
    for k, b in local.kms_buckets : k => [
      {
        Sid       = "DenyEncryptionOtherThanKms"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arns[k]}/*"
        Condition = {
          StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
          Null            = { "s3:x-amz-server-side-encryption" = "false" }
        }
      },
      {
        Sid       = "DenyOtherKmsKeys"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${local.bucket_arns[k]}/*"
        Condition = {
          StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = b.kms_key_arn }
          Null            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" }
        }
      },
    ]
  }

  # The audit bucket: CloudTrail trails of this account write under AWSLogs/<account>/.
  cloudtrail_delivery = [
    {
      Sid       = "CloudTrailAclCheck"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:GetBucketAcl"
      Resource  = local.bucket_arns.audit
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    },
    {
      Sid       = "CloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.bucket_arns.audit}/AWSLogs/${local.account_id}/*"
      Condition = {
        StringEquals = {
          "s3:x-amz-acl"      = "bucket-owner-full-control"
          "aws:SourceAccount" = local.account_id
        }
      }
    },
  ]

  # The log bucket: S3 server access log delivery of the two data buckets of this account.
  access_log_delivery = {
    Sid       = "S3ServerAccessLogDelivery"
    Effect    = "Allow"
    Principal = { Service = "logging.s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "${local.bucket_arns.access_logs}/*"
    Condition = {
      ArnLike      = { "aws:SourceArn" = [local.bucket_arns.archive, local.bucket_arns.audit] }
      StringEquals = { "aws:SourceAccount" = local.account_id }
    }
  }

  bucket_policies = {
    archive = concat([local.deny_insecure_transport.archive], local.enforce_kms_key.archive)
    audit   = concat([local.deny_insecure_transport.audit], local.enforce_kms_key.audit, local.cloudtrail_delivery)
  }
}

################################################################################
# Tick archive and audit buckets
################################################################################

resource "aws_s3_bucket" "data" {
  for_each = local.kms_buckets

  bucket              = local.bucket_names[each.key]
  force_destroy       = !local.protect
  object_lock_enabled = each.key == "audit" && var.object_lock

  tags = merge(var.tags, { Name = local.bucket_names[each.key], "lowlat:purpose" = each.value.purpose })
}

resource "aws_s3_bucket_ownership_controls" "data" {
  for_each = local.kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  for_each = local.kms_buckets

  bucket                  = aws_s3_bucket.data[each.key].bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "data" {
  for_each = local.kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = local.kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = each.value.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  for_each = local.kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket

  rule {
    id     = "tiering"
    status = "Enabled"
    filter {}

    transition {
      days          = var.transition_to_ia_days
      storage_class = "STANDARD_IA"
    }
    transition {
      days          = var.transition_to_glacier_days
      storage_class = "GLACIER"
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_logging" "data" {
  for_each = local.kms_buckets

  bucket        = aws_s3_bucket.data[each.key].bucket
  target_bucket = aws_s3_bucket.access_logs.bucket
  target_prefix = "${each.key}/"

  # The log bucket must let S3 log delivery write before logging points at it.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_s3_bucket_policy" "data" {
  for_each = local.kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket
  policy = jsonencode({ Version = "2012-10-17", Statement = local.bucket_policies[each.key] })

  depends_on = [aws_s3_bucket_public_access_block.data]
}

resource "aws_s3_bucket_object_lock_configuration" "audit" {
  count = var.object_lock ? 1 : 0

  bucket = aws_s3_bucket.data["audit"].bucket
  rule {
    default_retention {
      mode = "COMPLIANCE"
      days = var.object_lock_retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

################################################################################
# Server access log bucket
################################################################################

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 (AES256) default encryption on the target bucket, not SSE-KMS.
  bucket        = local.bucket_names.access_logs
  force_destroy = !local.protect

  tags = merge(var.tags, { Name = local.bucket_names.access_logs, "lowlat:purpose" = "access-logs" })
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

# S3 delivers server access logs only to buckets whose default encryption is SSE-S3.
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket

  rule {
    id     = "expire-logs"
    status = "Enabled"
    filter {}

    expiration {
      days = var.access_log_retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.bucket
  # Log delivery first: the order means nothing to S3, but moto 5.2 fails PutBucketLogging (HTTP
  # 500) when it meets a Principal "*" statement before the logging.s3.amazonaws.com one.
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.access_log_delivery, local.deny_insecure_transport.access_logs]
  })

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

################################################################################
# Event notifications: every bucket's object events go to EventBridge (default bus), where
# rules of the observability module can match them (e.g. deletions in the audit bucket).
################################################################################

resource "aws_s3_bucket_notification" "data" {
  for_each = local.kms_buckets

  bucket      = aws_s3_bucket.data[each.key].bucket
  eventbridge = true
}

resource "aws_s3_bucket_notification" "access_logs" {
  bucket      = aws_s3_bucket.access_logs.bucket
  eventbridge = true
}
