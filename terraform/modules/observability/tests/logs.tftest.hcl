# The log groups (name, KMS key, retention, tags) and the kill switch metric filter on the engine
# log group, both ways. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "every_default_component_gets_an_encrypted_log_group_kept_a_year" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_log_group.this)) == toset(["engine", "feed", "venue-gateway", "monitoring", "platform-events"])
    error_message = "The default components are engine, feed, venue-gateway, monitoring and platform-events, one log group each."
  }
  assert {
    condition     = alltrue([for c, g in aws_cloudwatch_log_group.this : g.name == "/lowlat/test/${c}"])
    error_message = "Every log group is named /lowlat/<env>/<component>."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.kms_key_id == "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"])
    error_message = "Every log group is encrypted with logs_kms_key_arn."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 365])
    error_message = "Every log group keeps its events 365 days by default."
  }
  assert {
    condition     = alltrue([for c, g in aws_cloudwatch_log_group.this : g.tags["lowlat:owner"] == "platform" && g.tags["lowlat:component"] == c && g.tags["Name"] == "lowlat-test-${c}-logs"])
    error_message = "Every log group carries the tags given, its component and a Name."
  }
}

run "custom_components_and_retention_reach_every_log_group" {
  command = plan

  variables {
    log_components     = ["engine", "risk"]
    log_retention_days = 3653
    logs_kms_key_arn   = "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_log_group.this)) == toset(["engine", "risk"])
    error_message = "Only the components given get log groups."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 3653 && g.kms_key_id == "arn:aws:kms:eu-west-2:123456789012:key/mrk-0123456789abcdef0123456789abcdef"])
    error_message = "log_retention_days and a multi-Region logs_kms_key_arn reach every log group."
  }
}

run "kill_switch_lines_of_the_engine_log_feed_a_metric" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_log_metric_filter.kill_switch) == 1
    error_message = "The kill switch metric filter exists by default."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.kill_switch[0].log_group_name == "/lowlat/test/engine"
    error_message = "The metric filter reads the engine log group."
  }
  assert {
    condition = (
      strcontains(aws_cloudwatch_log_metric_filter.kill_switch[0].pattern, "$.msg = \"kill switch engaged*\"") &&
      strcontains(aws_cloudwatch_log_metric_filter.kill_switch[0].pattern, "$.msg = \"kill switch still engaged*\"")
    )
    error_message = "The pattern matches the engine's JSON lines for an engaged kill switch (now, and still engaged after a restart)."
  }
  assert {
    condition = (
      aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].namespace == "Lowlat/Engine/Logs" &&
      aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].name == "KillSwitchEngagedLines-test" &&
      aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].value == "1" &&
      aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].default_value == "0"
    )
    error_message = "Each matching line counts 1 in Lowlat/Engine/Logs KillSwitchEngagedLines-<env>, other lines 0."
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].namespace == aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].namespace &&
      aws_cloudwatch_metric_alarm.this["engine_kill_switch_log"].metric_name == aws_cloudwatch_log_metric_filter.kill_switch[0].metric_transformation[0].name
    )
    error_message = "The kill switch log alarm watches the metric the filter feeds."
  }
}

run "kill_switch_log_alarm_off_leaves_filter_and_alarm_out" {
  command = plan

  variables {
    enable_kill_switch_log_alarm = false
    log_components               = ["feed"]
  }

  assert {
    condition     = length(aws_cloudwatch_log_metric_filter.kill_switch) == 0
    error_message = "No metric filter when enable_kill_switch_log_alarm is false."
  }
  assert {
    condition     = !contains(keys(aws_cloudwatch_metric_alarm.this), "engine_kill_switch_log")
    error_message = "No kill switch log alarm when enable_kill_switch_log_alarm is false."
  }
  assert {
    condition     = keys(aws_cloudwatch_log_group.this) == ["feed"]
    error_message = "Without the filter, log_components need not include engine."
  }
}

run "outputs_map_components_to_log_group_names_and_arns" {
  command = apply

  assert {
    condition     = output.log_group_names == { for c in var.log_components : c => "/lowlat/test/${c}" }
    error_message = "log_group_names maps each component to its log group name."
  }
  assert {
    condition     = keys(output.log_group_arns) == keys(output.log_group_names) && alltrue([for a in values(output.log_group_arns) : startswith(a, "arn:aws:logs:")])
    error_message = "log_group_arns maps the same components to log group ARNs."
  }
}
