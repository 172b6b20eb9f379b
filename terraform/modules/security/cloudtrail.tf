################################################################################
# CloudTrail: every region, validated log files in the Object-Lock audit bucket, and CloudWatch Logs
################################################################################

locals {
  audit_bucket_arn          = "arn:${local.partition}:s3:::${var.audit_bucket_name}"
  cloudtrail_log_group_name = "/aws/cloudtrail/${var.name}"
}

resource "aws_cloudwatch_log_group" "cloudtrail" {
  name              = local.cloudtrail_log_group_name
  retention_in_days = var.cloudtrail_log_retention_days
  kms_key_id        = aws_kms_key.this["logs"].arn

  tags = merge(local.tags, { Name = local.cloudtrail_log_group_name })
}

resource "aws_iam_role" "cloudtrail" {
  name        = "${var.name}-cloudtrail-logs"
  description = "CloudTrail of ${var.name} delivers its events to ${local.cloudtrail_log_group_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailOfThisTrail"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
    ]
  })

  tags = local.tags
}

resource "aws_iam_role_policy" "cloudtrail" {
  name = "deliver-to-log-group"
  role = aws_iam_role.cloudtrail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteTrailLogStreams"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.cloudtrail.arn}:log-stream:*"
      },
    ]
  })
}

# CloudTrail announces each log file it delivers here (for an integrity or SIEM pipeline to
# subscribe to); encrypted with the audit key.
resource "aws_sns_topic" "cloudtrail" {
  name              = "${var.name}-cloudtrail-deliveries"
  kms_master_key_id = aws_kms_key.this["audit"].arn

  tags = merge(local.tags, { Name = "${var.name}-cloudtrail-deliveries" })
}

resource "aws_sns_topic_policy" "cloudtrail" {
  arn = aws_sns_topic.cloudtrail.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailOfThisTrailPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.cloudtrail.arn
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        Sid       = "TlsOnly"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.cloudtrail.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_cloudtrail" "this" {
  count = var.enable_cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = var.audit_bucket_name
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true
  kms_key_id                    = aws_kms_key.this["audit"].arn
  sns_topic_name                = aws_sns_topic.cloudtrail.name

  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.cloudtrail.arn}:*"
  cloud_watch_logs_role_arn  = aws_iam_role.cloudtrail.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true

    dynamic "data_resource" {
      for_each = var.cloudtrail_s3_data_events ? [local.audit_bucket_arn] : []

      content {
        type   = "AWS::S3::Object"
        values = ["${data_resource.value}/"]
      }
    }
  }

  tags = merge(local.tags, { Name = local.trail_name })

  # CloudTrail checks at creation that it may assume the role and write the log group.
  depends_on = [aws_iam_role_policy.cloudtrail, aws_sns_topic_policy.cloudtrail]
}
