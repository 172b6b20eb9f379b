# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and runs with the accepted edge values. Offline: every AWS answer
# comes from the mock; the other inputs come from tests/terraform.tfvars.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "upper_edge_values_are_accepted" {
  command = plan

  variables {
    name                                = "lxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1"
    env                                 = "p111111111111111"
    log_components                      = ["engine", "c-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x"]
    log_retention_days                  = 3653
    logs_kms_key_arn                    = "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
    alert_topic_arn                     = "arn:aws:sns:eu-west-2:123456789012:tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
    kinesis_stream_name                 = "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss."
    queue_names                         = ["qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq", "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.fifo"]
    dead_letter_queue_names             = ["qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"]
    rds_instance_id                     = "r-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1"
    rds_replica_instance_id             = "r-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1"
    engine_metrics_namespace            = "Lowlat/EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE"
    engine_metric_names                 = { execution_delay = "DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD", orders_per_second = "Orders.per-second_v2", kill_switch = "K" }
    execution_delay_threshold_micros    = 1000000
    kinesis_iterator_age_threshold_ms   = 31536000000
    rds_cpu_threshold_percent           = 99.9
    rds_free_storage_threshold_gib      = 65536
    rds_replica_lag_threshold_seconds   = 86400
    queue_message_age_threshold_seconds = 1209600
    dead_letter_messages_threshold      = 1000000
  }

  assert {
    condition     = length(aws_cloudwatch_log_group.this) == 2 && alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 3653])
    error_message = "The longest retention and a 31-character component are accepted."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["engine_execution_delay"].threshold == 1000000 && aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].threshold == 70368744177664
    error_message = "The largest thresholds reach their alarms."
  }
  assert {
    condition     = contains(keys(aws_cloudwatch_metric_alarm.this), "queue_message_age:fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.fifo")
    error_message = "A FIFO order queue of 80 characters gets its alarm."
  }
}

run "lower_edge_values_are_accepted" {
  command = plan

  variables {
    name                                = "abc"
    env                                 = "p1"
    log_components                      = ["ab"]
    enable_kill_switch_log_alarm        = false
    logs_kms_key_arn                    = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    alert_topic_arn                     = "arn:aws:sns:eu-west-2:123456789012:a"
    kinesis_stream_name                 = "m"
    queue_names                         = ["q"]
    dead_letter_queue_names             = []
    rds_instance_id                     = "r"
    rds_replica_instance_id             = "a"
    engine_metrics_namespace            = "E"
    execution_delay_threshold_micros    = 0.5
    kinesis_iterator_age_threshold_ms   = 1
    rds_cpu_threshold_percent           = 0.1
    rds_free_storage_threshold_gib      = 0.5
    rds_replica_lag_threshold_seconds   = 0.1
    queue_message_age_threshold_seconds = 1
    dead_letter_messages_threshold      = 0
  }

  assert {
    condition     = keys(aws_cloudwatch_log_group.this) == ["ab"] && aws_cloudwatch_log_group.this["ab"].name == "/lowlat/p1/ab"
    error_message = "One two-character component is enough when the kill switch filter is off."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.this["engine_execution_delay"].threshold == 0.5 && aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].threshold == 536870912
    error_message = "Thresholds just above 0 reach their alarms."
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

run "name_of_two_characters_is_refused" {
  command = plan

  variables {
    name = "lt"
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

run "no_log_components_are_refused" {
  command = plan

  variables {
    log_components               = []
    enable_kill_switch_log_alarm = false
  }

  expect_failures = [var.log_components]
}

run "log_component_with_upper_case_and_underscore_is_refused" {
  command = plan

  variables {
    log_components = ["engine", "Feed_1"]
  }

  expect_failures = [var.log_components]
}

run "log_components_without_engine_are_refused_while_the_kill_switch_filter_is_on" {
  command = plan

  variables {
    log_components = ["feed", "monitoring"]
  }

  expect_failures = [var.log_components]
}

run "retention_cloudwatch_does_not_accept_is_refused" {
  command = plan

  variables {
    log_retention_days = 366
  }

  expect_failures = [var.log_retention_days]
}

run "retention_under_a_year_is_refused" {
  command = plan

  variables {
    log_retention_days = 90
  }

  expect_failures = [var.log_retention_days]
}

run "kms_alias_for_the_log_key_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-logs"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "bare_kms_key_id_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "malformed_sns_topic_arn_is_refused" {
  command = plan

  variables {
    alert_topic_arn = "arn:aws:sns:eu-west-2:lowlat-test-alerts"
  }

  expect_failures = [var.alert_topic_arn]
}

run "fifo_sns_topic_is_refused" {
  command = plan

  variables {
    alert_topic_arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts.fifo"
  }

  expect_failures = [var.alert_topic_arn]
}

run "kinesis_stream_name_with_a_space_is_refused" {
  command = plan

  variables {
    kinesis_stream_name = "market data"
  }

  expect_failures = [var.kinesis_stream_name]
}

run "no_queue_names_are_refused" {
  command = plan

  variables {
    queue_names = []
  }

  expect_failures = [var.queue_names]
}

run "queue_name_with_a_dot_is_refused" {
  command = plan

  variables {
    queue_names = ["lowlat-test.orders"]
  }

  expect_failures = [var.queue_names]
}

run "dead_letter_queue_name_over_80_characters_is_refused" {
  command = plan

  variables {
    dead_letter_queue_names = ["ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"]
  }

  expect_failures = [var.dead_letter_queue_names]
}

run "rds_instance_id_with_a_double_dash_is_refused" {
  command = plan

  variables {
    rds_instance_id = "lowlat--trades"
  }

  expect_failures = [var.rds_instance_id]
}

run "rds_instance_id_of_64_characters_is_refused" {
  command = plan

  variables {
    rds_instance_id = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  }

  expect_failures = [var.rds_instance_id]
}

run "rds_replica_instance_id_ending_with_a_dash_is_refused" {
  command = plan

  variables {
    rds_replica_instance_id = "trades-replica-"
  }

  expect_failures = [var.rds_replica_instance_id]
}

run "aws_namespace_for_engine_metrics_is_refused" {
  command = plan

  variables {
    engine_metrics_namespace = "AWS/Engine"
  }

  expect_failures = [var.engine_metrics_namespace]
}

run "engine_metrics_namespace_with_a_bang_is_refused" {
  command = plan

  variables {
    engine_metrics_namespace = "Lowlat/Engine!"
  }

  expect_failures = [var.engine_metrics_namespace]
}

run "engine_metric_names_used_twice_are_refused" {
  command = plan

  variables {
    engine_metric_names = { execution_delay = "OrdersPerSecond" }
  }

  expect_failures = [var.engine_metric_names]
}

run "engine_metric_name_starting_with_a_digit_is_refused" {
  command = plan

  variables {
    engine_metric_names = { kill_switch = "1KillSwitch" }
  }

  expect_failures = [var.engine_metric_names]
}

run "zero_execution_delay_threshold_is_refused" {
  command = plan

  variables {
    execution_delay_threshold_micros = 0
  }

  expect_failures = [var.execution_delay_threshold_micros]
}

run "execution_delay_threshold_over_a_second_is_refused" {
  command = plan

  variables {
    execution_delay_threshold_micros = 1000001
  }

  expect_failures = [var.execution_delay_threshold_micros]
}

run "negative_kinesis_iterator_age_threshold_is_refused" {
  command = plan

  variables {
    kinesis_iterator_age_threshold_ms = -1
  }

  expect_failures = [var.kinesis_iterator_age_threshold_ms]
}

run "kinesis_iterator_age_threshold_over_a_year_is_refused" {
  command = plan

  variables {
    kinesis_iterator_age_threshold_ms = 31536000001
  }

  expect_failures = [var.kinesis_iterator_age_threshold_ms]
}

run "zero_rds_cpu_threshold_is_refused" {
  command = plan

  variables {
    rds_cpu_threshold_percent = 0
  }

  expect_failures = [var.rds_cpu_threshold_percent]
}

run "rds_cpu_threshold_of_100_percent_is_refused" {
  command = plan

  variables {
    rds_cpu_threshold_percent = 100
  }

  expect_failures = [var.rds_cpu_threshold_percent]
}

run "zero_rds_free_storage_threshold_is_refused" {
  command = plan

  variables {
    rds_free_storage_threshold_gib = 0
  }

  expect_failures = [var.rds_free_storage_threshold_gib]
}

run "rds_free_storage_threshold_over_64_tib_is_refused" {
  command = plan

  variables {
    rds_free_storage_threshold_gib = 65537
  }

  expect_failures = [var.rds_free_storage_threshold_gib]
}

run "zero_replica_lag_threshold_is_refused" {
  command = plan

  variables {
    rds_replica_lag_threshold_seconds = 0
  }

  expect_failures = [var.rds_replica_lag_threshold_seconds]
}

run "replica_lag_threshold_over_a_day_is_refused" {
  command = plan

  variables {
    rds_replica_lag_threshold_seconds = 86401
  }

  expect_failures = [var.rds_replica_lag_threshold_seconds]
}

run "zero_queue_message_age_threshold_is_refused" {
  command = plan

  variables {
    queue_message_age_threshold_seconds = 0
  }

  expect_failures = [var.queue_message_age_threshold_seconds]
}

run "queue_message_age_threshold_over_14_days_is_refused" {
  command = plan

  variables {
    queue_message_age_threshold_seconds = 1209601
  }

  expect_failures = [var.queue_message_age_threshold_seconds]
}

run "negative_dead_letter_threshold_is_refused" {
  command = plan

  variables {
    dead_letter_messages_threshold = -1
  }

  expect_failures = [var.dead_letter_messages_threshold]
}

run "fractional_dead_letter_threshold_is_refused" {
  command = plan

  variables {
    dead_letter_messages_threshold = 0.5
  }

  expect_failures = [var.dead_letter_messages_threshold]
}
