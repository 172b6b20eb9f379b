# The platform's stores: RDS PostgreSQL (trade history, positions), DynamoDB (order books, market
# data), S3 (tick archive, compliance/audit, access logs), EFS (Prometheus data) and AWS Backup over
# them. One file per store: rds.tf, dynamodb.tf, s3.tf, efs.tf, backup.tf.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Deletion protection, final snapshot, no force_destroy: on in prod unless protect says otherwise.
  protect = var.protect != null ? var.protect : var.env == "prod"

  bucket_names = {
    archive     = var.bucket_names.archive != null ? var.bucket_names.archive : "${var.name}-${local.account_id}-tick-archive"
    audit       = var.bucket_names.audit != null ? var.bucket_names.audit : "${var.name}-${local.account_id}-audit"
    access_logs = var.bucket_names.access_logs != null ? var.bucket_names.access_logs : "${var.name}-${local.account_id}-access-logs"
  }
  bucket_arns = { for k, n in local.bucket_names : k => "arn:${local.partition}:s3:::${n}" }
}
