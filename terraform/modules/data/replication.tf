# Optional cross-region replication of the buckets (disaster recovery of the tick archive, the
# audit records and their access logs) into buckets the caller made in another region.

locals {
  replicate = length(var.replication) > 0
}

resource "aws_iam_role" "replication" {
  count = local.replicate ? 1 : 0

  name        = "${var.name}-s3-replication"
  description = "Lets S3 replicate the ${var.name} buckets to their disaster-recovery copies."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(var.tags, { Name = "${var.name}-s3-replication" })
}

resource "aws_iam_role_policy" "replication" {
  count = local.replicate ? 1 : 0

  name = "replicate"
  role = aws_iam_role.replication[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "ReadReplicationConfiguration"
          Effect   = "Allow"
          Action   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
          Resource = [for k in keys(var.replication) : local.bucket_arns[k]]
        },
        {
          Sid    = "ReadSourceVersions"
          Effect = "Allow"
          Action = [
            "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging",
            "s3:GetObjectRetention", "s3:GetObjectLegalHold",
          ]
          Resource = [for k in keys(var.replication) : "${local.bucket_arns[k]}/*"]
        },
        {
          Sid      = "WriteReplicas"
          Effect   = "Allow"
          Action   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
          Resource = [for r in values(var.replication) : "${r.destination_bucket_arn}/*"]
        },
      ],
      [for s in [
        {
          Sid      = "DecryptSources"
          Effect   = "Allow"
          Action   = "kms:Decrypt"
          Resource = [for k in keys(local.replicated_kms_buckets) : local.kms_buckets[k].kms_key_arn]
        },
        {
          Sid      = "EncryptReplicas"
          Effect   = "Allow"
          Action   = ["kms:Encrypt", "kms:GenerateDataKey"]
          Resource = [for r in values(local.replicated_kms_buckets) : r.destination_kms_key_arn]
        },
      ] : s if length(local.replicated_kms_buckets) > 0],
    )
  })
}

locals {
  replicated_kms_buckets = { for k, r in var.replication : k => r if k != "access_logs" }
}

resource "aws_s3_bucket_replication_configuration" "data" {
  for_each = local.replicated_kms_buckets

  bucket = aws_s3_bucket.data[each.key].bucket
  role   = aws_iam_role.replication[0].arn

  rule {
    id     = "disaster-recovery"
    status = "Enabled"
    filter {}

    delete_marker_replication {
      status = "Enabled"
    }
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }
    destination {
      bucket = each.value.destination_bucket_arn
      encryption_configuration {
        replica_kms_key_id = each.value.destination_kms_key_arn
      }

      dynamic "replication_time" {
        for_each = each.value.replication_time_control ? [15] : []
        content {
          status = "Enabled"
          time {
            minutes = replication_time.value
          }
        }
      }
      dynamic "metrics" {
        for_each = each.value.replication_time_control ? [15] : []
        content {
          status = "Enabled"
          event_threshold {
            minutes = metrics.value
          }
        }
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_replication_configuration" "access_logs" {
  count = contains(keys(var.replication), "access_logs") ? 1 : 0

  bucket = aws_s3_bucket.access_logs.bucket
  role   = aws_iam_role.replication[0].arn

  rule {
    id     = "disaster-recovery"
    status = "Enabled"
    filter {}

    delete_marker_replication {
      status = "Enabled"
    }
    destination {
      bucket = var.replication["access_logs"].destination_bucket_arn
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}
