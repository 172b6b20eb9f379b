# Every alarm: metric, statistic, threshold, comparison, missing-data handling, and its ALARM and
# OK actions to the alert topic; the optional alarms both ways; the outputs. Offline: every AWS
# answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "default_alarms_are_the_expected_set" {
  command = plan

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "engine_execution_delay",
      "engine_kill_switch",
      "engine_kill_switch_log",
      "kinesis_iterator_age",
      "rds_cpu_high",
      "rds_free_storage_low",
      "queue_message_age:lowlat-test-orders",
      "queue_message_age:lowlat-test-executions",
      "dead_letter_messages:lowlat-test-orders-dlq",
      "dead_letter_messages:lowlat-test-executions-dlq",
    ])
    error_message = "Engine delay, kill switch (metric and log), Kinesis, RDS CPU and storage, one age alarm per order queue and one per dead-letter queue; no replica lag alarm by default."
  }
}

run "every_alarm_notifies_the_alert_topic_on_alarm_and_ok" {
  command = plan

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.actions_enabled && a.alarm_actions == toset(["arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"])])
    error_message = "Every alarm sends ALARM to alert_topic_arn and nowhere else."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.ok_actions == toset(["arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"])])
    error_message = "Every alarm sends OK to alert_topic_arn and nowhere else."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : length(coalesce(a.insufficient_data_actions, [])) == 0])
    error_message = "No alarm notifies on INSUFFICIENT_DATA: missing data is handled by treat_missing_data."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : startswith(a.alarm_name, "lowlat-test-") && a.tags["Name"] == a.alarm_name && a.tags["lowlat:owner"] == "platform"])
    error_message = "Every alarm is named <name>-... and carries the tags given."
  }
}

run "engine_execution_delay_alarm_is_on_the_p99_above_1_ms" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].namespace == "Lowlat/Engine" &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].metric_name == "ExecutionDelayMicros" &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].dimensions == tomap({ Env = "test" })
    )
    error_message = "The delay alarm watches Lowlat/Engine ExecutionDelayMicros of Env=<env>."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].extended_statistic == "p99" &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].statistic == null
    )
    error_message = "The delay alarm evaluates the p99 (extended_statistic), not a plain statistic."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].threshold == 1000 &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].comparison_operator == "GreaterThanThreshold"
    )
    error_message = "The delay alarm fires above 1000 µs (1 ms)."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].period == 60 &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].evaluation_periods == 3 &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].datapoints_to_alarm == 2 &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].treat_missing_data == "notBreaching"
    )
    error_message = "The delay alarm needs 2 of 3 one-minute periods over, and a minute without orders is not a breach."
  }
}

run "engine_kill_switch_alarm_fires_when_engaged_or_silent" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].namespace == "Lowlat/Engine" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].metric_name == "KillSwitchEngaged" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].dimensions == tomap({ Env = "test" }) &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].statistic == "Maximum"
    )
    error_message = "The kill switch alarm watches the Maximum of Lowlat/Engine KillSwitchEngaged of Env=<env>."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].threshold == 1 &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].evaluation_periods == 1 &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].treat_missing_data == "breaching"
    )
    error_message = "The kill switch alarm fires in the first minute the state is 1, or in which the engine reports nothing."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].statistic == "Sum" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].threshold == 1 &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].comparison_operator == "GreaterThanOrEqualToThreshold" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].treat_missing_data == "notBreaching"
    )
    error_message = "The kill switch log alarm fires on one matching line a minute; no lines is not a breach."
  }
}

run "kinesis_alarm_is_on_the_iterator_age_of_the_stream" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].namespace == "AWS/Kinesis" &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].metric_name == "GetRecords.IteratorAgeMilliseconds" &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].dimensions == tomap({ StreamName = "lowlat-test-market-data" }) &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].statistic == "Maximum"
    )
    error_message = "The Kinesis alarm watches the maximum iterator age of kinesis_stream_name."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].threshold == 10000 &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].treat_missing_data == "breaching"
    )
    error_message = "The Kinesis alarm fires above 10000 ms, and when consumers stop reading (no data)."
  }
}

run "rds_alarms_are_on_cpu_and_free_storage_of_the_instance" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].namespace == "AWS/RDS" &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].metric_name == "CPUUtilization" &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].dimensions == tomap({ DBInstanceIdentifier = "lowlat-test-trades" }) &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].threshold == 80 &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].treat_missing_data == "missing"
    )
    error_message = "The RDS CPU alarm fires above 80 % on rds_instance_id; gaps keep its state."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].metric_name == "FreeStorageSpace" &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].dimensions == tomap({ DBInstanceIdentifier = "lowlat-test-trades" }) &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].statistic == "Minimum" &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].threshold == 10737418240 &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].treat_missing_data == "missing"
    )
    error_message = "The RDS storage alarm fires below 10 GiB (10737418240 bytes) free on rds_instance_id."
  }
}

run "queue_alarms_are_on_the_age_of_the_oldest_message" {
  command = plan

  assert {
    condition = alltrue([for q in var.queue_names : (
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].namespace == "AWS/SQS" &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].metric_name == "ApproximateAgeOfOldestMessage" &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].dimensions == tomap({ QueueName = q }) &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].threshold == 60 &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].treat_missing_data == "notBreaching" &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:${q}"].alarm_name == "lowlat-test-queue-message-age-${q}"
    )])
    error_message = "Every order queue alarms when its oldest message is older than 60 s; an idle queue is not a breach."
  }
  assert {
    condition = alltrue([for q in var.dead_letter_queue_names : (
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:${q}"].metric_name == "ApproximateNumberOfMessagesVisible" &&
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:${q}"].dimensions == tomap({ QueueName = q }) &&
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:${q}"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:${q}"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:${q}"].treat_missing_data == "notBreaching"
    )])
    error_message = "Every dead-letter queue alarms on its first visible message."
  }
}

run "thresholds_given_reach_their_alarms" {
  command = plan

  variables {
    execution_delay_threshold_micros    = 250
    kinesis_iterator_age_threshold_ms   = 2000
    rds_cpu_threshold_percent           = 65
    rds_free_storage_threshold_gib      = 20
    queue_message_age_threshold_seconds = 5
    dead_letter_messages_threshold      = 3
    engine_metrics_namespace            = "Lowlat/EngineV2"
    engine_metric_names                 = { execution_delay = "TickToTradeMicros", kill_switch = "Halted" }
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].threshold == 250 &&
      aws_cloudwatch_metric_alarm.this["kinesis_iterator_age"].threshold == 2000 &&
      aws_cloudwatch_metric_alarm.this["rds_cpu_high"].threshold == 65 &&
      aws_cloudwatch_metric_alarm.this["rds_free_storage_low"].threshold == 21474836480 &&
      aws_cloudwatch_metric_alarm.this["queue_message_age:lowlat-test-orders"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.this["dead_letter_messages:lowlat-test-orders-dlq"].threshold == 3
    )
    error_message = "Each threshold variable reaches its alarm (free storage converted from GiB to bytes)."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].namespace == "Lowlat/EngineV2" &&
      aws_cloudwatch_metric_alarm.this["engine_execution_delay"].metric_name == "TickToTradeMicros" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch"].metric_name == "Halted" &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].namespace == "Lowlat/EngineV2/Logs"
    )
    error_message = "engine_metrics_namespace and engine_metric_names reach the engine alarms."
  }
}

run "replica_lag_alarm_with_a_replica_and_no_dead_letter_alarms_without_dlqs" {
  command = plan

  variables {
    rds_replica_instance_id           = "lowlat-test-trades-replica"
    rds_replica_lag_threshold_seconds = 5
    dead_letter_queue_names           = []
    enable_kill_switch_log_alarm      = false
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].namespace == "AWS/RDS" &&
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].metric_name == "ReplicaLag" &&
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].dimensions == tomap({ DBInstanceIdentifier = "lowlat-test-trades-replica" }) &&
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].threshold == 5 &&
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].comparison_operator == "GreaterThanThreshold" &&
      aws_cloudwatch_metric_alarm.this["rds_replica_lag"].treat_missing_data == "breaching"
    )
    error_message = "rds_replica_instance_id adds a replica lag alarm on that instance above the threshold given."
  }
  assert {
    condition     = length([for k in keys(aws_cloudwatch_metric_alarm.this) : k if startswith(k, "dead_letter_messages:")]) == 0
    error_message = "No dead-letter alarm without dead_letter_queue_names."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 8
    error_message = "Delay, kill switch (metric only), Kinesis, CPU, storage, replica lag and two queue alarms: 8."
  }
}

run "outputs_map_alarm_keys_to_names_and_arns" {
  command = apply

  assert {
    condition     = output.alarm_names["engine_execution_delay"] == "lowlat-test-engine-execution-delay-p99" && output.alarm_names["queue_message_age:lowlat-test-orders"] == "lowlat-test-queue-message-age-lowlat-test-orders"
    error_message = "alarm_names maps each alarm key to its alarm name."
  }
  assert {
    condition     = keys(output.alarm_arns) == keys(output.alarm_names) && alltrue([for a in values(output.alarm_arns) : startswith(a, "arn:aws:cloudwatch:")])
    error_message = "alarm_arns maps the same keys to alarm ARNs."
  }
}
