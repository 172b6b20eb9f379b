"""What each refusal run of terraform/modules/events/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import PRECONDITION, VARIABLE

MESSAGES = {
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "name_starting_with_a_digit_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "market_data_key_alias_is_refused": (
        VARIABLE,
        "market_data_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "orders_key_id_without_arn_is_refused": (
        VARIABLE,
        "orders_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "logs_key_of_another_service_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "archive_bucket_name_instead_of_arn_is_refused": (
        VARIABLE,
        "archive_bucket_arn must be the ARN of an S3 bucket (arn:aws:s3:::BUCKET), not a bucket name or an object ARN.",
    ),
    "archive_object_arn_is_refused": (
        VARIABLE,
        "archive_bucket_arn must be the ARN of an S3 bucket (arn:aws:s3:::BUCKET), not a bucket name or an object ARN.",
    ),
    "zero_shards_are_refused": (
        VARIABLE,
        "shard_count must be a whole number between 1 and 500.",
    ),
    "five_hundred_and_one_shards_are_refused": (
        VARIABLE,
        "shard_count must be a whole number between 1 and 500.",
    ),
    "fractional_shard_count_is_refused": (
        VARIABLE,
        "shard_count must be a whole number between 1 and 500.",
    ),
    "stream_retention_under_a_day_is_refused": (
        VARIABLE,
        "stream_retention_hours must be a whole number of hours between 24 and 8760 (365 days).",
    ),
    "stream_retention_over_a_year_is_refused": (
        VARIABLE,
        "stream_retention_hours must be a whole number of hours between 24 and 8760 (365 days).",
    ),
    "archive_prefix_with_a_leading_slash_is_refused": (
        VARIABLE,
        "archive_prefix must be up to 200 characters of lower-case path segments (letters, digits, dots, dashes, underscores) ending with a slash and without a leading slash, e.g. market-data/.",
    ),
    "archive_prefix_without_a_trailing_slash_is_refused": (
        VARIABLE,
        "archive_prefix must be up to 200 characters of lower-case path segments (letters, digits, dots, dashes, underscores) ending with a slash and without a leading slash, e.g. market-data/.",
    ),
    "zero_mib_buffer_is_refused": (
        VARIABLE,
        "firehose_buffering_size_mb must be a whole number of MiB between 1 and 128.",
    ),
    "buffer_over_128_mib_is_refused": (
        VARIABLE,
        "firehose_buffering_size_mb must be a whole number of MiB between 1 and 128.",
    ),
    "buffering_interval_under_a_minute_is_refused": (
        VARIABLE,
        "firehose_buffering_interval_seconds must be a whole number of seconds between 60 and 900.",
    ),
    "buffering_interval_over_15_minutes_is_refused": (
        VARIABLE,
        "firehose_buffering_interval_seconds must be a whole number of seconds between 60 and 900.",
    ),
    "parquet_table_name_with_a_dash_is_refused": (
        VARIABLE,
        "parquet_conversion must be null or name a Glue database_name and table_name of 1-255 lower-case letters, digits or underscores.",
    ),
    "parquet_with_a_buffer_under_64_mib_is_refused": (
        PRECONDITION,
        "firehose_buffering_size_mb must be at least 64 when parquet_conversion is set (AWS's minimum for record format conversion).",
    ),
    "log_retention_not_offered_by_cloudwatch_is_refused": (
        VARIABLE,
        "firehose_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
    ),
    "aws_event_source_is_refused": (
        VARIABLE,
        "event_source must be a dotted lower-case name such as lowlat.engine, not starting with aws.",
    ),
    "event_source_without_a_dot_is_refused": (
        VARIABLE,
        "event_source must be a dotted lower-case name such as lowlat.engine, not starting with aws.",
    ),
    "rule_without_detail_types_is_refused": (
        VARIABLE,
        "event_rules must hold at least one rule; each rule name must be up to 31 lower-case letters, digits or dashes starting with a letter, with at least one detail-type of letters, digits, spaces, dots, dashes or underscores.",
    ),
    "no_event_rule_is_refused": (
        VARIABLE,
        "event_rules must hold at least one rule; each rule name must be up to 31 lower-case letters, digits or dashes starting with a letter, with at least one detail-type of letters, digits, spaces, dots, dashes or underscores.",
    ),
    "rule_to_an_unknown_queue_is_refused": (
        VARIABLE,
        "Every event_rules queue must be one of the names in order_queues.",
    ),
    "dropping_a_queue_a_rule_targets_is_refused": (
        VARIABLE,
        "Every event_rules queue must be one of the names in order_queues.",
    ),
    "no_order_queue_is_refused": (
        VARIABLE,
        "order_queues must hold at least one name of up to 31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "order_queue_name_with_upper_case_is_refused": (
        VARIABLE,
        "order_queues must hold at least one name of up to 31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "order_queue_named_twice_is_refused": (
        VARIABLE,
        "order_queues must not name a queue twice.",
    ),
    "queue_retention_of_59_seconds_is_refused": (
        VARIABLE,
        "queue_message_retention_seconds must be a whole number of seconds between 60 and 1209600 (1 minute to 14 days).",
    ),
    "queue_retention_of_1209601_seconds_is_refused": (
        VARIABLE,
        "queue_message_retention_seconds must be a whole number of seconds between 60 and 1209600 (1 minute to 14 days).",
    ),
    "negative_visibility_timeout_is_refused": (
        VARIABLE,
        "queue_visibility_timeout_seconds must be a whole number of seconds between 0 and 43200 (12 hours).",
    ),
    "visibility_timeout_over_12_hours_is_refused": (
        VARIABLE,
        "queue_visibility_timeout_seconds must be a whole number of seconds between 0 and 43200 (12 hours).",
    ),
    "zero_max_receive_count_is_refused": (
        VARIABLE,
        "max_receive_count must be a whole number between 1 and 1000.",
    ),
    "max_receive_count_over_1000_is_refused": (
        VARIABLE,
        "max_receive_count must be a whole number between 1 and 1000.",
    ),
    "invalid_email_address_is_refused": (
        VARIABLE,
        "alert_email_addresses must hold distinct e-mail addresses like ops@example.com.",
    ),
    "email_address_listed_twice_is_refused": (
        VARIABLE,
        "alert_email_addresses must hold distinct e-mail addresses like ops@example.com.",
    ),
}
