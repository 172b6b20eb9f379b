# Optional cross-region replication of the artifact bucket: a copy, in another region, of every
# source snapshot and saved plan the pipeline produced, so the record of what was planned,
# approved and applied survives the loss of the region. The destination bucket (versioned, SSE-KMS
# with a key of its region) is made by the caller.

resource "aws_iam_role" "replication" {
  count = var.artifact_replication != null ? 1 : 0

  name        = "${var.name}-cicd-replication"
  description = "Lets S3 replicate the ${local.artifact_bucket_name} artifacts to their disaster-recovery copy."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-cicd-replication" })
}

resource "aws_iam_role_policy" "replication" {
  count = var.artifact_replication != null ? 1 : 0

  name = "replicate"
  role = aws_iam_role.replication[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadReplicationConfiguration"
        Effect   = "Allow"
        Action   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
        Resource = local.artifact_bucket_arn
      },
      {
        Sid      = "ReadSourceVersions"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
        Resource = "${local.artifact_bucket_arn}/*"
      },
      {
        Sid      = "WriteReplicas"
        Effect   = "Allow"
        Action   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
        Resource = "${var.artifact_replication.destination_bucket_arn}/*"
      },
      {
        Sid      = "DecryptSources"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = var.kms_key_arn
      },
      {
        Sid      = "EncryptReplicas"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:GenerateDataKey"]
        Resource = var.artifact_replication.destination_kms_key_arn
      },
    ]
  })
}

resource "aws_s3_bucket_replication_configuration" "artifacts" {
  count = var.artifact_replication != null ? 1 : 0

  bucket = aws_s3_bucket.artifacts.bucket
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
      bucket = var.artifact_replication.destination_bucket_arn
      encryption_configuration {
        replica_kms_key_id = var.artifact_replication.destination_kms_key_arn
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts, aws_iam_role_policy.replication]
}
