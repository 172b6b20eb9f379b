################################################################################
# Kinesis Data Stream: normalised market data from the feed handlers
################################################################################

locals {
  stream_name   = "${var.name}-market-data"
  firehose_name = "${var.name}-market-data-archive"

  # Every shard-level metric: hot shards and consumers falling behind show per shard.
  shard_level_metrics = [
    "IncomingBytes",
    "IncomingRecords",
    "IteratorAgeMilliseconds",
    "OutgoingBytes",
    "OutgoingRecords",
    "ReadProvisionedThroughputExceeded",
    "WriteProvisionedThroughputExceeded",
  ]

  parquet = var.parquet_conversion != null
  # Parquet output is compressed by its serializer (Snappy); AWS then refuses any S3 compression.
  archive_compression = local.parquet ? "UNCOMPRESSED" : "GZIP"
  archive_extension   = local.parquet ? ".parquet" : ".json.gz"

  archive_partitions    = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
  archive_data_prefix   = "${var.archive_prefix}data/${local.archive_partitions}"
  archive_error_prefix  = "${var.archive_prefix}errors/!{firehose:error-output-type}/${local.archive_partitions}"
  archive_objects_arn   = "${var.archive_bucket_arn}/${var.archive_prefix}*"
  firehose_log_group    = "/aws/kinesisfirehose/${local.firehose_name}"
  firehose_log_stream   = "DestinationDelivery"
  glue_catalog_arn      = "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog"
  glue_database_arn     = local.parquet ? "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.parquet_conversion.database_name}" : null
  glue_table_arn        = local.parquet ? "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.parquet_conversion.database_name}/${var.parquet_conversion.table_name}" : null
  firehose_policy_extra = local.parquet ? [local.glue_statement] : []
}

resource "aws_kinesis_stream" "market_data" {
  name             = local.stream_name
  shard_count      = var.shard_count
  retention_period = var.stream_retention_hours

  encryption_type = "KMS"
  kms_key_id      = var.market_data_kms_key_arn

  shard_level_metrics = local.shard_level_metrics

  stream_mode_details {
    stream_mode = "PROVISIONED"
  }

  tags = merge(local.tags, { Name = local.stream_name })
}

################################################################################
# Firehose: the stream archived to S3 (date-partitioned, GZIP or Parquet)
################################################################################

resource "aws_cloudwatch_log_group" "firehose" {
  name              = local.firehose_log_group
  retention_in_days = var.firehose_log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = local.firehose_log_group })
}

resource "aws_cloudwatch_log_stream" "firehose_delivery" {
  name           = local.firehose_log_stream
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_iam_role" "firehose" {
  name        = "${var.name}-market-data-archive"
  description = "Firehose ${local.firehose_name}: reads ${local.stream_name}, writes the archive prefix."

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "FirehoseOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = local.account_id } }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-market-data-archive" })
}

locals {
  glue_statement = {
    Sid      = "ReadParquetSchema"
    Effect   = "Allow"
    Action   = ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"]
    Resource = [local.glue_catalog_arn, local.glue_database_arn, local.glue_table_arn]
  }
}

resource "aws_iam_role_policy" "firehose" {
  name = "market-data-archive"
  role = aws_iam_role.firehose.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid      = "ReadMarketDataStream"
        Effect   = "Allow"
        Action   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"]
        Resource = aws_kinesis_stream.market_data.arn
      },
      {
        Sid      = "DecryptMarketDataStream"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = var.market_data_kms_key_arn
        Condition = {
          StringEquals = {
            "kms:ViaService"                        = "kinesis.${local.region}.amazonaws.com"
            "kms:EncryptionContext:aws:kinesis:arn" = aws_kinesis_stream.market_data.arn
          }
        }
      },
      {
        Sid      = "LocateArchiveBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
        Resource = var.archive_bucket_arn
      },
      {
        Sid      = "WriteArchivePrefix"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
        Resource = local.archive_objects_arn
      },
      {
        Sid      = "EncryptArchiveObjects"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.market_data_kms_key_arn
        Condition = {
          StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
          # The object ARN, or the bucket ARN when the bucket uses S3 Bucket Keys.
          StringLike = { "kms:EncryptionContext:aws:s3:arn" = [var.archive_bucket_arn, local.archive_objects_arn] }
        }
      },
      {
        Sid      = "LogDeliveryErrors"
        Effect   = "Allow"
        Action   = "logs:PutLogEvents"
        Resource = "${aws_cloudwatch_log_group.firehose.arn}:log-stream:${aws_cloudwatch_log_stream.firehose_delivery.name}"
      },
    ], local.firehose_policy_extra)
  })
}

resource "aws_kinesis_firehose_delivery_stream" "archive" {
  name        = local.firehose_name
  destination = "extended_s3"

  # Server-side encryption of the delivery stream itself applies to Direct PUT only; with a
  # Kinesis source AWS refuses it. Records are encrypted at rest in the stream (market_data CMK)
  # and in S3 (SSE-KMS with the same CMK, kms_key_arn below); Firehose holds them only in transit.
  kinesis_source_configuration {
    kinesis_stream_arn = aws_kinesis_stream.market_data.arn
    role_arn           = aws_iam_role.firehose.arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
    bucket_arn          = var.archive_bucket_arn
    prefix              = local.archive_data_prefix
    error_output_prefix = local.archive_error_prefix
    file_extension      = local.archive_extension
    buffering_size      = var.firehose_buffering_size_mb
    buffering_interval  = var.firehose_buffering_interval_seconds
    compression_format  = local.archive_compression
    kms_key_arn         = var.market_data_kms_key_arn

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = aws_cloudwatch_log_stream.firehose_delivery.name
    }

    dynamic "data_format_conversion_configuration" {
      for_each = local.parquet ? [var.parquet_conversion] : []
      content {
        enabled = true

        input_format_configuration {
          deserializer {
            open_x_json_ser_de {}
          }
        }

        output_format_configuration {
          serializer {
            parquet_ser_de {
              compression = "SNAPPY"
            }
          }
        }

        schema_configuration {
          catalog_id    = local.account_id
          region        = local.region
          database_name = data_format_conversion_configuration.value.database_name
          table_name    = data_format_conversion_configuration.value.table_name
          role_arn      = aws_iam_role.firehose.arn
        }
      }
    }
  }

  tags = merge(local.tags, { Name = local.firehose_name })

  # The role must be able to read the stream before Firehose first tries to.
  depends_on = [aws_iam_role_policy.firehose]

  lifecycle {
    precondition {
      condition     = var.parquet_conversion == null || var.firehose_buffering_size_mb >= 64
      error_message = "firehose_buffering_size_mb must be at least 64 when parquet_conversion is set (AWS's minimum for record format conversion)."
    }
  }
}
