# CloudTrail: a multi-region trail with log file validation, encrypted with the audit key, into
# the audit bucket and a CloudWatch log group (logs key, retention >= 1 year) through a role only
# this trail may assume; S3 data events on the audit bucket both ways; the emulator switch.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "multi_region_validated_trail_encrypted_with_the_audit_key" {
  command = apply

  assert {
    condition     = aws_cloudtrail.this[0].name == "lowlat-test-audit" && aws_cloudtrail.this[0].is_multi_region_trail && aws_cloudtrail.this[0].include_global_service_events
    error_message = "The trail covers every region and the global services."
  }
  assert {
    condition     = aws_cloudtrail.this[0].enable_log_file_validation && aws_cloudtrail.this[0].enable_logging
    error_message = "The trail logs, with log file validation on."
  }
  assert {
    condition     = aws_cloudtrail.this[0].kms_key_id == aws_kms_key.this["audit"].arn
    error_message = "Log files are encrypted with the audit key."
  }
  assert {
    condition     = aws_cloudtrail.this[0].s3_bucket_name == "lowlat-test-audit" && aws_cloudtrail.this[0].s3_key_prefix == null
    error_message = "Log files go to the audit bucket under AWSLogs/ (no prefix)."
  }
  assert {
    condition     = aws_cloudtrail.this[0].sns_topic_name == aws_sns_topic.cloudtrail.name && aws_sns_topic.cloudtrail.kms_master_key_id == aws_kms_key.this["audit"].arn
    error_message = "Deliveries are announced on a topic encrypted with the audit key."
  }
  assert {
    condition     = output.cloudtrail_arn == aws_cloudtrail.this[0].arn
    error_message = "cloudtrail_arn is the trail's ARN."
  }
}

run "trail_delivers_to_an_encrypted_log_group_through_its_own_role" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.cloudtrail.name == "/aws/cloudtrail/lowlat-test" && aws_cloudwatch_log_group.cloudtrail.retention_in_days == 365
    error_message = "The trail's log group keeps events for a year by default."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cloudtrail.kms_key_id == aws_kms_key.this["logs"].arn
    error_message = "The trail's log group is encrypted with the logs key."
  }
  assert {
    condition     = aws_cloudtrail.this[0].cloud_watch_logs_group_arn == "${aws_cloudwatch_log_group.cloudtrail.arn}:*" && aws_cloudtrail.this[0].cloud_watch_logs_role_arn == aws_iam_role.cloudtrail.arn
    error_message = "The trail delivers to its log group with its role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.cloudtrail.assume_role_policy).Statement[0].Principal.Service == "cloudtrail.amazonaws.com" && jsondecode(aws_iam_role.cloudtrail.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-2:123456789012:trail/lowlat-test-audit"
    error_message = "Only CloudTrail, for this trail, may assume the delivery role."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.cloudtrail.policy).Statement[0].Action == ["logs:CreateLogStream", "logs:PutLogEvents"] && jsondecode(aws_iam_role_policy.cloudtrail.policy).Statement[0].Resource == "${aws_cloudwatch_log_group.cloudtrail.arn}:log-stream:*"
    error_message = "The delivery role writes log streams of the trail's group and nothing else."
  }
}

run "management_and_audit_bucket_data_events" {
  command = plan

  variables {
    cloudtrail_log_retention_days = 3653
  }

  assert {
    condition     = aws_cloudtrail.this[0].event_selector[0].include_management_events && aws_cloudtrail.this[0].event_selector[0].read_write_type == "All"
    error_message = "The trail records every management event, reads and writes."
  }
  assert {
    condition     = aws_cloudtrail.this[0].event_selector[0].data_resource[0].type == "AWS::S3::Object" && aws_cloudtrail.this[0].event_selector[0].data_resource[0].values == tolist(["arn:aws:s3:::lowlat-test-audit/"])
    error_message = "By default the trail records S3 data events on the audit bucket's objects."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cloudtrail.retention_in_days == 3653
    error_message = "cloudtrail_log_retention_days reaches the log group."
  }
}

run "data_events_can_be_left_out" {
  command = plan

  variables {
    cloudtrail_s3_data_events = false
  }

  assert {
    condition     = length(aws_cloudtrail.this[0].event_selector[0].data_resource) == 0 && aws_cloudtrail.this[0].event_selector[0].include_management_events
    error_message = "With cloudtrail_s3_data_events off only management events are recorded."
  }
}

run "the_trail_can_be_left_out_on_an_emulator" {
  command = apply

  variables {
    enable_cloudtrail = false
  }

  assert {
    condition     = length(aws_cloudtrail.this) == 0 && output.cloudtrail_arn == null
    error_message = "enable_cloudtrail = false leaves the trail out."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cloudtrail.name == "/aws/cloudtrail/lowlat-test" && length(aws_iam_role_policy.persona) == 4
    error_message = "Everything else stays (log group, role, personas)."
  }
}
