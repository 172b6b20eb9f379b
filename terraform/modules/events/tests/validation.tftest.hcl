# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), the precondition of the Firehose stream, and two passing runs with the
# accepted edge values (lower and upper), which also check that those values reach the resources.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name                                = "abc"
    env                                 = "p1"
    shard_count                         = 1
    stream_retention_hours              = 24
    archive_prefix                      = "a/"
    firehose_buffering_size_mb          = 1
    firehose_buffering_interval_seconds = 60
    firehose_log_retention_days         = 1
    event_source                        = "a.b"
    order_queues                        = ["o"]
    event_rules                         = { r = { detail_types = ["X"], queue = "o" } }
    queue_message_retention_seconds     = 60
    queue_visibility_timeout_seconds    = 0
    max_receive_count                   = 1
    alert_email_addresses               = []
  }

  assert {
    condition     = aws_kinesis_stream.market_data.shard_count == 1 && aws_kinesis_stream.market_data.retention_period == 24
    error_message = "One shard and 24 hours are accepted."
  }
  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_size == 1 &&
      aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_interval == 60 &&
      startswith(aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].prefix, "a/data/") &&
      aws_cloudwatch_log_group.firehose.retention_in_days == 1
    )
    error_message = "The smallest buffer, interval, prefix and log retention are accepted."
  }
  assert {
    condition     = aws_sqs_queue.order["o"].message_retention_seconds == 60 && aws_sqs_queue.order["o"].visibility_timeout_seconds == 0 && aws_sqs_queue.order["o"].name == "abc-o"
    error_message = "One queue with 60 s retention and no visibility timeout is accepted."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this["r"].event_pattern) == { source = ["a.b"], "detail-type" = ["X"] }
    error_message = "A one-rule bus with a two-part source is accepted."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name                                = "l2345678901234567890123456789012"
    env                                 = "p234567890123456"
    shard_count                         = 500
    stream_retention_hours              = 8760
    firehose_buffering_size_mb          = 128
    firehose_buffering_interval_seconds = 900
    firehose_log_retention_days         = 3653
    parquet_conversion                  = { database_name = "market_data_2", table_name = "ticks_v2" }
    queue_message_retention_seconds     = 1209600
    queue_visibility_timeout_seconds    = 43200
    max_receive_count                   = 1000
    alert_email_addresses               = ["ops@example.com", "first.last+alerts@desk.example.co.uk"]
  }

  assert {
    condition     = aws_kinesis_stream.market_data.shard_count == 500 && aws_kinesis_stream.market_data.retention_period == 8760
    error_message = "500 shards and 8760 hours are accepted."
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_size == 128 && aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_interval == 900
    error_message = "128 MiB and 900 s are accepted (with Parquet on)."
  }
  assert {
    condition     = aws_sqs_queue.order["orders"].message_retention_seconds == 1209600 && aws_sqs_queue.order["orders"].visibility_timeout_seconds == 43200 && aws_sqs_queue.order["orders"].name == "l2345678901234567890123456789012-orders"
    error_message = "14 days retention, 12 hours visibility and a 32-character name are accepted."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.alert_email) == 2 && aws_cloudwatch_log_group.firehose.retention_in_days == 3653
    error_message = "Two e-mail addresses and ten years of log retention are accepted."
  }
}

run "parquet_with_a_64_mib_buffer_is_accepted" {
  command = plan

  variables {
    parquet_conversion         = { database_name = "market_data", table_name = "ticks" }
    firehose_buffering_size_mb = 64
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.archive.extended_s3_configuration[0].buffering_size == 64
    error_message = "64 MiB is enough for record format conversion."
  }
}

################################################################################
# Refused
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "name_starting_with_a_digit_is_refused" {
  command = plan

  variables {
    name = "1lowlat"
  }

  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "pre-prod"
  }

  expect_failures = [var.env]
}

run "market_data_key_alias_is_refused" {
  command = plan

  variables {
    market_data_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-market-data"
  }

  expect_failures = [var.market_data_kms_key_arn]
}

run "orders_key_id_without_arn_is_refused" {
  command = plan

  variables {
    orders_kms_key_arn = "22222222-2222-4222-8222-222222222222"
  }

  expect_failures = [var.orders_kms_key_arn]
}

run "logs_key_of_another_service_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-AbCdEf"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "archive_bucket_name_instead_of_arn_is_refused" {
  command = plan

  variables {
    archive_bucket_arn = "lowlat-test-tick-archive"
  }

  expect_failures = [var.archive_bucket_arn]
}

run "archive_object_arn_is_refused" {
  command = plan

  variables {
    archive_bucket_arn = "arn:aws:s3:::lowlat-test-tick-archive/market-data/*"
  }

  expect_failures = [var.archive_bucket_arn]
}

run "zero_shards_are_refused" {
  command = plan

  variables {
    shard_count = 0
  }

  expect_failures = [var.shard_count]
}

run "five_hundred_and_one_shards_are_refused" {
  command = plan

  variables {
    shard_count = 501
  }

  expect_failures = [var.shard_count]
}

run "fractional_shard_count_is_refused" {
  command = plan

  variables {
    shard_count = 2.5
  }

  expect_failures = [var.shard_count]
}

run "stream_retention_under_a_day_is_refused" {
  command = plan

  variables {
    stream_retention_hours = 23
  }

  expect_failures = [var.stream_retention_hours]
}

run "stream_retention_over_a_year_is_refused" {
  command = plan

  variables {
    stream_retention_hours = 8761
  }

  expect_failures = [var.stream_retention_hours]
}

run "archive_prefix_with_a_leading_slash_is_refused" {
  command = plan

  variables {
    archive_prefix = "/market-data/"
  }

  expect_failures = [var.archive_prefix]
}

run "archive_prefix_without_a_trailing_slash_is_refused" {
  command = plan

  variables {
    archive_prefix = "market-data"
  }

  expect_failures = [var.archive_prefix]
}

run "zero_mib_buffer_is_refused" {
  command = plan

  variables {
    firehose_buffering_size_mb = 0
  }

  expect_failures = [var.firehose_buffering_size_mb]
}

run "buffer_over_128_mib_is_refused" {
  command = plan

  variables {
    firehose_buffering_size_mb = 129
  }

  expect_failures = [var.firehose_buffering_size_mb]
}

run "buffering_interval_under_a_minute_is_refused" {
  command = plan

  variables {
    firehose_buffering_interval_seconds = 59
  }

  expect_failures = [var.firehose_buffering_interval_seconds]
}

run "buffering_interval_over_15_minutes_is_refused" {
  command = plan

  variables {
    firehose_buffering_interval_seconds = 901
  }

  expect_failures = [var.firehose_buffering_interval_seconds]
}

run "parquet_table_name_with_a_dash_is_refused" {
  command = plan

  variables {
    parquet_conversion = { database_name = "market_data", table_name = "tick-data" }
  }

  expect_failures = [var.parquet_conversion]
}

run "parquet_with_a_buffer_under_64_mib_is_refused" {
  command = plan

  variables {
    parquet_conversion         = { database_name = "market_data", table_name = "ticks" }
    firehose_buffering_size_mb = 32
  }

  expect_failures = [aws_kinesis_firehose_delivery_stream.archive]
}

run "log_retention_not_offered_by_cloudwatch_is_refused" {
  command = plan

  variables {
    firehose_log_retention_days = 2
  }

  expect_failures = [var.firehose_log_retention_days]
}

run "aws_event_source_is_refused" {
  command = plan

  variables {
    event_source = "aws.ec2"
  }

  expect_failures = [var.event_source]
}

run "event_source_without_a_dot_is_refused" {
  command = plan

  variables {
    event_source = "engine"
  }

  expect_failures = [var.event_source]
}

run "rule_without_detail_types_is_refused" {
  command = plan

  variables {
    event_rules = { "order-routed" = { detail_types = [], queue = "orders" } }
  }

  expect_failures = [var.event_rules]
}

run "no_event_rule_is_refused" {
  command = plan

  variables {
    event_rules = {}
  }

  expect_failures = [var.event_rules]
}

run "rule_to_an_unknown_queue_is_refused" {
  command = plan

  variables {
    event_rules = { "order-routed" = { detail_types = ["OrderRouted"], queue = "fills" } }
  }

  expect_failures = [var.event_rules]
}

run "dropping_a_queue_a_rule_targets_is_refused" {
  command = plan

  variables {
    order_queues = ["orders", "executions"]
  }

  expect_failures = [var.event_rules]
}

run "no_order_queue_is_refused" {
  command = plan

  variables {
    order_queues = []
    event_rules  = { "order-routed" = { detail_types = ["OrderRouted"], queue = "orders" } }
  }

  expect_failures = [var.order_queues]
}

run "order_queue_name_with_upper_case_is_refused" {
  command = plan

  variables {
    order_queues = ["orders", "cancels", "executions", "Fills"]
  }

  expect_failures = [var.order_queues]
}

run "order_queue_named_twice_is_refused" {
  command = plan

  variables {
    order_queues = ["orders", "cancels", "executions", "orders"]
  }

  expect_failures = [var.order_queues]
}

run "queue_retention_of_59_seconds_is_refused" {
  command = plan

  variables {
    queue_message_retention_seconds = 59
  }

  expect_failures = [var.queue_message_retention_seconds]
}

run "queue_retention_of_1209601_seconds_is_refused" {
  command = plan

  variables {
    queue_message_retention_seconds = 1209601
  }

  expect_failures = [var.queue_message_retention_seconds]
}

run "negative_visibility_timeout_is_refused" {
  command = plan

  variables {
    queue_visibility_timeout_seconds = -1
  }

  expect_failures = [var.queue_visibility_timeout_seconds]
}

run "visibility_timeout_over_12_hours_is_refused" {
  command = plan

  variables {
    queue_visibility_timeout_seconds = 43201
  }

  expect_failures = [var.queue_visibility_timeout_seconds]
}

run "zero_max_receive_count_is_refused" {
  command = plan

  variables {
    max_receive_count = 0
  }

  expect_failures = [var.max_receive_count]
}

run "max_receive_count_over_1000_is_refused" {
  command = plan

  variables {
    max_receive_count = 1001
  }

  expect_failures = [var.max_receive_count]
}

run "invalid_email_address_is_refused" {
  command = plan

  variables {
    alert_email_addresses = ["ops@example.com", "ops.example.com"]
  }

  expect_failures = [var.alert_email_addresses]
}

run "email_address_listed_twice_is_refused" {
  command = plan

  variables {
    alert_email_addresses = ["ops@example.com", "ops@example.com"]
  }

  expect_failures = [var.alert_email_addresses]
}
