"""What each refusal run of terraform/modules/observability/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "name_of_two_characters_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "no_log_components_are_refused": (
        VARIABLE,
        "log_components must hold at least one component name of 2-31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "log_component_with_upper_case_and_underscore_is_refused": (
        VARIABLE,
        "log_components must hold at least one component name of 2-31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "log_components_without_engine_are_refused_while_the_kill_switch_filter_is_on": (
        VARIABLE,
        "log_components must include engine while enable_kill_switch_log_alarm is true (its metric filter reads the engine log group).",
    ),
    "retention_cloudwatch_does_not_accept_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "retention_under_a_year_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "kms_alias_for_the_log_key_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "bare_kms_key_id_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "malformed_sns_topic_arn_is_refused": (
        VARIABLE,
        "alert_topic_arn must be the ARN of a standard SNS topic, e.g. arn:aws:sns:eu-west-2:123456789012:lowlat-prod-alerts (alarm actions cannot publish to FIFO topics).",
    ),
    "fifo_sns_topic_is_refused": (
        VARIABLE,
        "alert_topic_arn must be the ARN of a standard SNS topic, e.g. arn:aws:sns:eu-west-2:123456789012:lowlat-prod-alerts (alarm actions cannot publish to FIFO topics).",
    ),
    "kinesis_stream_name_with_a_space_is_refused": (
        VARIABLE,
        "kinesis_stream_name must be a Kinesis stream name: 1-128 letters, digits, dots, dashes or underscores.",
    ),
    "no_queue_names_are_refused": (
        VARIABLE,
        "queue_names must hold at least one SQS queue name (1-80 letters, digits, dashes or underscores; FIFO names end in .fifo).",
    ),
    "queue_name_with_a_dot_is_refused": (
        VARIABLE,
        "queue_names must hold at least one SQS queue name (1-80 letters, digits, dashes or underscores; FIFO names end in .fifo).",
    ),
    "dead_letter_queue_name_over_80_characters_is_refused": (
        VARIABLE,
        "dead_letter_queue_names must be SQS queue names (1-80 letters, digits, dashes or underscores; FIFO names end in .fifo).",
    ),
    "rds_instance_id_with_a_double_dash_is_refused": (
        VARIABLE,
        "rds_instance_id must be an RDS DB instance identifier: 1-63 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash.",
    ),
    "rds_instance_id_of_64_characters_is_refused": (
        VARIABLE,
        "rds_instance_id must be an RDS DB instance identifier: 1-63 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash.",
    ),
    "rds_replica_instance_id_ending_with_a_dash_is_refused": (
        VARIABLE,
        "rds_replica_instance_id must be null or an RDS DB instance identifier: 1-63 lower-case letters, digits and single dashes, starting with a letter and not ending with a dash.",
    ),
    "aws_namespace_for_engine_metrics_is_refused": (
        VARIABLE,
        "engine_metrics_namespace must be 1-250 letters, digits, spaces or . _ / # : - characters and must not start with AWS/ (reserved for AWS services).",
    ),
    "engine_metrics_namespace_with_a_bang_is_refused": (
        VARIABLE,
        "engine_metrics_namespace must be 1-250 letters, digits, spaces or . _ / # : - characters and must not start with AWS/ (reserved for AWS services).",
    ),
    "engine_metric_names_used_twice_are_refused": (
        VARIABLE,
        "engine_metric_names must be three different metric names of 1-255 letters, digits, dots, dashes or underscores, each starting with a letter.",
    ),
    "engine_metric_name_starting_with_a_digit_is_refused": (
        VARIABLE,
        "engine_metric_names must be three different metric names of 1-255 letters, digits, dots, dashes or underscores, each starting with a letter.",
    ),
    "zero_execution_delay_threshold_is_refused": (
        VARIABLE,
        "execution_delay_threshold_micros must be more than 0 and at most 1000000 (one second).",
    ),
    "execution_delay_threshold_over_a_second_is_refused": (
        VARIABLE,
        "execution_delay_threshold_micros must be more than 0 and at most 1000000 (one second).",
    ),
    "negative_kinesis_iterator_age_threshold_is_refused": (
        VARIABLE,
        "kinesis_iterator_age_threshold_ms must be more than 0 and at most 31536000000 (365 days, the longest Kinesis retention).",
    ),
    "kinesis_iterator_age_threshold_over_a_year_is_refused": (
        VARIABLE,
        "kinesis_iterator_age_threshold_ms must be more than 0 and at most 31536000000 (365 days, the longest Kinesis retention).",
    ),
    "zero_rds_cpu_threshold_is_refused": (
        VARIABLE,
        "rds_cpu_threshold_percent must be more than 0 and less than 100.",
    ),
    "rds_cpu_threshold_of_100_percent_is_refused": (
        VARIABLE,
        "rds_cpu_threshold_percent must be more than 0 and less than 100.",
    ),
    "zero_rds_free_storage_threshold_is_refused": (
        VARIABLE,
        "rds_free_storage_threshold_gib must be more than 0 and at most 65536 (64 TiB, the largest RDS volume).",
    ),
    "rds_free_storage_threshold_over_64_tib_is_refused": (
        VARIABLE,
        "rds_free_storage_threshold_gib must be more than 0 and at most 65536 (64 TiB, the largest RDS volume).",
    ),
    "zero_replica_lag_threshold_is_refused": (
        VARIABLE,
        "rds_replica_lag_threshold_seconds must be more than 0 and at most 86400 (one day).",
    ),
    "replica_lag_threshold_over_a_day_is_refused": (
        VARIABLE,
        "rds_replica_lag_threshold_seconds must be more than 0 and at most 86400 (one day).",
    ),
    "zero_queue_message_age_threshold_is_refused": (
        VARIABLE,
        "queue_message_age_threshold_seconds must be more than 0 and at most 1209600 (14 days, the longest SQS retention).",
    ),
    "queue_message_age_threshold_over_14_days_is_refused": (
        VARIABLE,
        "queue_message_age_threshold_seconds must be more than 0 and at most 1209600 (14 days, the longest SQS retention).",
    ),
    "negative_dead_letter_threshold_is_refused": (
        VARIABLE,
        "dead_letter_messages_threshold must be a whole number of messages, 0 or more (0 alarms on the first dead letter).",
    ),
    "fractional_dead_letter_threshold_is_refused": (
        VARIABLE,
        "dead_letter_messages_threshold must be a whole number of messages, 0 or more (0 alarms on the first dead letter).",
    ),
}
