# The artifact bucket of the pipeline: source snapshots and saved plans. Versioned, SSE-KMS with
# the pipeline's key (bucket keys on), never public, TLS only, artifacts expiring after
# artifact_expiration_days, server access logs to the caller's log bucket when one is given.

locals {
  artifact_bucket_policy = [
    {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.artifact_bucket_arn, "${local.artifact_bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    },
    {
      # A write that asks for another encryption is refused (one that asks for nothing gets the
      # bucket default, SSE-KMS with the pipeline's key).
      Sid       = "DenyEncryptionOtherThanKms"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "${local.artifact_bucket_arn}/*"
      Condition = {
        StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
        Null            = { "s3:x-amz-server-side-encryption" = "false" }
      }
    },
  ]
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = local.artifact_bucket_name
  force_destroy = !local.protect

  tags = merge(local.tags, { Name = local.artifact_bucket_name, "lowlat:purpose" = "cicd-artifacts" })
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bucket
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.bucket
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bucket
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bucket
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bucket

  rule {
    id     = "expire-artifacts"
    status = "Enabled"
    filter {}

    expiration {
      days = var.artifact_expiration_days
    }
    noncurrent_version_expiration {
      noncurrent_days = var.artifact_expiration_days
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

resource "aws_s3_bucket_logging" "artifacts" {
  count = var.access_log_bucket_name != null ? 1 : 0

  bucket        = aws_s3_bucket.artifacts.bucket
  target_bucket = var.access_log_bucket_name
  target_prefix = "${local.artifact_bucket_name}/"
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bucket
  policy = jsonencode({ Version = "2012-10-17", Statement = local.artifact_bucket_policy })

  depends_on = [aws_s3_bucket_public_access_block.artifacts]
}

# Object events go to EventBridge (default bus), where the observability rules can match them.
resource "aws_s3_bucket_notification" "artifacts" {
  bucket      = aws_s3_bucket.artifacts.bucket
  eventbridge = true
}
