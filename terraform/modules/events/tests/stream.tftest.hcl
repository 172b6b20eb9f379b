# The market data stream (PROVISIONED, market_data CMK, retention, shard-level metrics) and its
# Firehose archive: source, date-partitioned prefixes, GZIP by default and Parquet (S3 side
# UNCOMPRESSED) when parquet_conversion is set and back, SSE-KMS of the objects, the delivery-error
# log group, and the Firehose role's exact, least-privilege policy.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Kinesis stream
################################################################################

run "stream_is_provisioned_and_encrypted_with_the_market_data_key" {
  command = plan

  assert {
    condition     = aws_kinesis_stream.market_data.name == "lowlat-test-market-data"
    error_message = "The stream is named <name>-market-data."
  }
  assert {
    condition     = aws_kinesis_stream.market_data.stream_mode_details[0].stream_mode == "PROVISIONED"
    error_message = "The stream is PROVISIONED (fixed shards, predictable latency and cost), not ON_DEMAND."
  }
  assert {
    condition     = aws_kinesis_stream.market_data.shard_count == 10
    error_message = "The stream has 10 shards by default."
  }
  assert {
    condition     = aws_kinesis_stream.market_data.encryption_type == "KMS" && aws_kinesis_stream.market_data.kms_key_id == var.market_data_kms_key_arn
    error_message = "The stream is encrypted with the market_data CMK (not the AWS-managed key)."
  }
  assert {
    condition     = aws_kinesis_stream.market_data.retention_period == 24
    error_message = "The stream keeps records 24 hours by default."
  }
  assert {
    condition = toset(aws_kinesis_stream.market_data.shard_level_metrics) == toset([
      "IncomingBytes", "IncomingRecords", "IteratorAgeMilliseconds", "OutgoingBytes", "OutgoingRecords",
      "ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded",
    ])
    error_message = "Every shard-level metric is enabled."
  }
  assert {
    condition = aws_kinesis_stream.market_data.tags == tomap({
      Name = "lowlat-test-market-data", "lowlat:env" = "test", "lowlat:module" = "events", "lowlat:managed" = "true", "lowlat:owner" = "trading-platform"
    })
    error_message = "The stream carries its Name, the lowlat:* tags and the user tags."
  }
}

run "shards_and_retention_follow_the_inputs" {
  command = plan

  variables {
    shard_count            = 4
    stream_retention_hours = 168
  }

  assert {
    condition     = aws_kinesis_stream.market_data.shard_count == 4 && aws_kinesis_stream.market_data.retention_period == 168
    error_message = "shard_count and stream_retention_hours reach the stream."
  }
}

run "module_tags_win_over_user_tags" {
  command = plan

  variables {
    tags = { "lowlat:env" = "prod", "lowlat:managed" = "false", team = "md" }
  }

  assert {
    condition     = aws_kinesis_stream.market_data.tags["lowlat:env"] == "test" && aws_kinesis_stream.market_data.tags["lowlat:managed"] == "true" && aws_kinesis_stream.market_data.tags["team"] == "md"
    error_message = "User tags are merged in, but cannot override the module's lowlat:* tags."
  }
  assert {
    condition     = aws_sqs_queue.order["orders"].tags["lowlat:env"] == "test" && aws_sns_topic.alerts.tags["team"] == "md" && aws_cloudwatch_event_bus.orders.tags["team"] == "md"
    error_message = "Queues, topics and the bus carry the same merged tags."
  }
}

################################################################################
# Firehose archive
################################################################################

run "firehose_archives_the_stream_as_gzip_json_by_default" {
  command = apply

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.name == "lowlat-test-market-data-archive" && aws_kinesis_firehose_delivery_stream.archive.destination == "extended_s3"
    error_message = "The delivery stream <name>-market-data-archive delivers to extended S3."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.kinesis_source_configuration[0].kinesis_stream_arn == aws_kinesis_stream.market_data.arn &&
      aws_kinesis_firehose_delivery_stream.archive.kinesis_source_configuration[0].role_arn == aws_iam_role.firehose.arn
    )
    error_message = "Firehose reads the market data stream with its own role."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].bucket_arn == var.archive_bucket_arn &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].role_arn == aws_iam_role.firehose.arn
    )
    error_message = "Firehose writes to the archive bucket with its own role."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].prefix == "market-data/data/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
    error_message = "Records land under <archive_prefix>data/ partitioned by year=/month=/day=/hour=."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].error_output_prefix == "market-data/errors/!{firehose:error-output-type}/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/"
    error_message = "Failed records land under <archive_prefix>errors/<error type>/ with the same date partitions."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].compression_format == "GZIP" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].file_extension == ".json.gz" &&
      length(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration) == 0 &&
      output.archive_compression == "GZIP"
    )
    error_message = "Without parquet_conversion the JSON records are written GZIP-compressed as .json.gz, with no format conversion."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].kms_key_arn == var.market_data_kms_key_arn
    error_message = "Archive objects are written with SSE-KMS under the market_data CMK."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_size == 64 &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_interval == 300
    )
    error_message = "Firehose buffers 64 MiB or 300 s by default."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].cloudwatch_logging_options[0].enabled &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].cloudwatch_logging_options[0].log_group_name == aws_cloudwatch_log_group.firehose.name &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].cloudwatch_logging_options[0].log_stream_name == aws_cloudwatch_log_stream.firehose_delivery.name &&
      aws_cloudwatch_log_stream.firehose_delivery.log_group_name == aws_cloudwatch_log_group.firehose.name
    )
    error_message = "Delivery errors are logged to the module's log group and stream."
  }
  assert {
    condition = (
      aws_cloudwatch_log_group.firehose.name == "/aws/kinesisfirehose/lowlat-test-market-data-archive" &&
      aws_cloudwatch_log_group.firehose.kms_key_id == var.logs_kms_key_arn &&
      aws_cloudwatch_log_group.firehose.retention_in_days == 365
    )
    error_message = "The delivery-error log group is encrypted with the logs CMK and keeps a year by default."
  }
  assert {
    condition = (
      output.stream_name == aws_kinesis_stream.market_data.name && output.stream_arn == aws_kinesis_stream.market_data.arn &&
      output.firehose_name == aws_kinesis_firehose_delivery_stream.archive.name && output.firehose_arn == aws_kinesis_firehose_delivery_stream.archive.arn &&
      output.firehose_role_arn == aws_iam_role.firehose.arn && output.firehose_log_group_name == aws_cloudwatch_log_group.firehose.name
    )
    error_message = "The stream and Firehose outputs name the module's resources."
  }
}

run "parquet_conversion_uses_the_glue_schema_and_no_s3_compression" {
  command = apply

  variables {
    parquet_conversion = { database_name = "market_data", table_name = "ticks" }
  }

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].compression_format == "UNCOMPRESSED" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].file_extension == ".parquet" &&
      output.archive_compression == "UNCOMPRESSED"
    )
    error_message = "With Parquet conversion the S3 side is UNCOMPRESSED (AWS refuses GZIP with it) and objects end in .parquet."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].enabled &&
      length(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].input_format_configuration[0].deserializer[0].open_x_json_ser_de) == 1 &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].output_format_configuration[0].serializer[0].parquet_ser_de[0].compression == "SNAPPY"
    )
    error_message = "JSON records are converted to Snappy-compressed Parquet."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].database_name == "market_data" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].table_name == "ticks" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].catalog_id == "123456789012" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].region == "eu-west-2" &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration[0].schema_configuration[0].role_arn == aws_iam_role.firehose.arn
    )
    error_message = "The schema comes from the given Glue table of this account and region, read with the Firehose role."
  }
  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.firehose.policy).Statement : s if s.Sid == "ReadParquetSchema"] == [{
      Sid      = "ReadParquetSchema"
      Effect   = "Allow"
      Action   = ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"]
      Resource = ["arn:aws:glue:eu-west-2:123456789012:catalog", "arn:aws:glue:eu-west-2:123456789012:database/market_data", "arn:aws:glue:eu-west-2:123456789012:table/market_data/ticks"]
    }]
    error_message = "The role may read exactly that Glue table's schema (catalog, database, table)."
  }
}

run "turning_parquet_off_again_restores_gzip_and_drops_glue_access" {
  command = apply

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].compression_format == "GZIP" &&
      length(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].data_format_conversion_configuration) == 0
    )
    error_message = "parquet_conversion = null goes back to GZIP JSON without conversion."
  }
  assert {
    condition     = !anytrue([for s in jsondecode(aws_iam_role_policy.firehose.policy).Statement : can(regex("glue:", jsonencode(s.Action)))])
    error_message = "Without conversion the role has no Glue permission."
  }
}

run "firehose_role_is_least_privilege" {
  command = apply

  assert {
    condition = jsondecode(aws_iam_role.firehose.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "FirehoseOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "firehose.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "sts:ExternalId" = "123456789012" } }
      }]
    }
    error_message = "Only Firehose, on behalf of this account, can assume the role."
  }
  assert {
    condition     = aws_iam_role_policy.firehose.role == aws_iam_role.firehose.id
    error_message = "The policy is the Firehose role's own."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.firehose.policy).Statement == [
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
        Condition = { StringEquals = {
          "kms:ViaService"                        = "kinesis.eu-west-2.amazonaws.com"
          "kms:EncryptionContext:aws:kinesis:arn" = aws_kinesis_stream.market_data.arn
        } }
      },
      {
        Sid      = "LocateArchiveBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"]
        Resource = "arn:aws:s3:::lowlat-test-tick-archive"
      },
      {
        Sid      = "WriteArchivePrefix"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::lowlat-test-tick-archive/market-data/*"
      },
      {
        Sid      = "EncryptArchiveObjects"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.market_data_kms_key_arn
        Condition = {
          StringEquals = { "kms:ViaService" = "s3.eu-west-2.amazonaws.com" }
          StringLike   = { "kms:EncryptionContext:aws:s3:arn" = ["arn:aws:s3:::lowlat-test-tick-archive", "arn:aws:s3:::lowlat-test-tick-archive/market-data/*"] }
        }
      },
      {
        Sid      = "LogDeliveryErrors"
        Effect   = "Allow"
        Action   = "logs:PutLogEvents"
        Resource = "${aws_cloudwatch_log_group.firehose.arn}:log-stream:DestinationDelivery"
      },
    ]
    error_message = "The role reads that stream, decrypts it through Kinesis, writes only under the archive prefix, encrypts through S3 for that bucket, and logs to its own log stream: nothing more."
  }
  assert {
    condition     = !anytrue([for s in jsondecode(aws_iam_role_policy.firehose.policy).Statement : contains(flatten([s.Resource]), "*") || can(regex("[a-z0-9]+:\\*", jsonencode(s.Action)))])
    error_message = "No statement uses a wildcard resource or a service-wide action wildcard."
  }
}

run "archive_prefix_moves_data_errors_and_the_write_grant_together" {
  command = apply

  variables {
    archive_prefix = "ticks/raw/"
  }

  assert {
    condition = (
      startswith(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].prefix, "ticks/raw/data/year=") &&
      startswith(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].error_output_prefix, "ticks/raw/errors/")
    )
    error_message = "Data and errors move under the new prefix."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.firehose.policy).Statement : s.Resource if s.Sid == "WriteArchivePrefix"] == ["arn:aws:s3:::lowlat-test-tick-archive/ticks/raw/*"]
    error_message = "The write grant follows the prefix."
  }
}

run "buffering_and_log_retention_follow_the_inputs" {
  command = plan

  variables {
    firehose_buffering_size_mb          = 128
    firehose_buffering_interval_seconds = 60
    firehose_log_retention_days         = 731
  }

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_size == 128 &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_interval == 60 &&
      aws_cloudwatch_log_group.firehose.retention_in_days == 731
    )
    error_message = "Buffering and log retention inputs reach Firehose and the log group."
  }
}
