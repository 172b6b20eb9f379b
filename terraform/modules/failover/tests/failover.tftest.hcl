# The failover path: health check on the primary's endpoint, the PRIMARY/SECONDARY pair, the alarm
# in us-east-1 with its encrypted topic, the alarm's events forwarded to the standby region and
# the function invoked there, the zone's query logging and DNSSEC (moto has no DNSSEC API: the
# emulator apply leaves it out by emulator_gaps.dnssec, so it is proven here only).
# Offline: every AWS answer comes from the mocks.

mock_provider "aws" {
  source = "./tests/mocks"
}

mock_provider "aws" {
  alias  = "global"
  source = "./tests/mocks"
}

run "health_check_probes_the_primary_endpoint_over_https" {
  command = plan

  assert {
    condition = (
      aws_route53_health_check.primary.fqdn == var.primary_endpoint.dns_name &&
      aws_route53_health_check.primary.type == "HTTPS" && aws_route53_health_check.primary.port == 443 &&
      aws_route53_health_check.primary.resource_path == "/orders/health" &&
      aws_route53_health_check.primary.request_interval == 10 && aws_route53_health_check.primary.failure_threshold == 3 &&
      aws_route53_health_check.primary.enable_sni
    )
    error_message = "The health check probes the primary load balancer on HTTPS (SNI), every 10 s, unhealthy after 3 failures."
  }
}

run "failover_pair_points_at_both_load_balancers" {
  command = apply

  assert {
    condition = (
      one(aws_route53_record.primary.failover_routing_policy).type == "PRIMARY" &&
      aws_route53_record.primary.health_check_id == aws_route53_health_check.primary.id &&
      one(aws_route53_record.primary.alias).name == var.primary_endpoint.dns_name &&
      one(aws_route53_record.primary.alias).zone_id == var.primary_endpoint.zone_id &&
      one(aws_route53_record.primary.alias).evaluate_target_health
    )
    error_message = "PRIMARY is the primary load balancer, guarded by the health check and by its own target health."
  }
  assert {
    condition = (
      one(aws_route53_record.secondary.failover_routing_policy).type == "SECONDARY" &&
      aws_route53_record.secondary.health_check_id == null &&
      one(aws_route53_record.secondary.alias).name == var.secondary_endpoint.dns_name &&
      !one(aws_route53_record.secondary.alias).evaluate_target_health
    )
    error_message = "SECONDARY is the standby load balancer, answered even while its pilot-light targets are down."
  }
  assert {
    condition     = aws_route53_record.primary.name == "api.trading.example.com" && aws_route53_record.secondary.name == "api.trading.example.com" && output.record_fqdn == "api.trading.example.com"
    error_message = "Both records are api.<zone>, the name clients resolve."
  }
  assert {
    condition     = output.dns == { zone_id = "Z0TESTZONE000000000", record_name = "api.trading.example.com", record_type = "A", primary_set_id = "primary", secondary_set_id = "secondary" }
    error_message = "The dns output gives the DR drill the pair."
  }
}

run "alarm_fires_on_a_failing_or_silent_health_check" {
  command = plan

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.primary_health.alarm_name == "lowlat-test-primary-health" &&
      aws_cloudwatch_metric_alarm.primary_health.namespace == "AWS/Route53" &&
      aws_cloudwatch_metric_alarm.primary_health.metric_name == "HealthCheckStatus" &&
      aws_cloudwatch_metric_alarm.primary_health.statistic == "Minimum" &&
      aws_cloudwatch_metric_alarm.primary_health.comparison_operator == "LessThanThreshold" &&
      aws_cloudwatch_metric_alarm.primary_health.threshold == 1 &&
      aws_cloudwatch_metric_alarm.primary_health.evaluation_periods == 1 &&
      aws_cloudwatch_metric_alarm.primary_health.treat_missing_data == "breaching"
    )
    error_message = "The alarm fires when the check's status drops below 1 for a minute, or when its data stops."
  }
}

run "alarm_notifies_its_encrypted_topic_both_ways" {
  command = apply

  assert {
    condition     = aws_cloudwatch_metric_alarm.primary_health.alarm_actions == toset([aws_sns_topic.health.arn]) && aws_cloudwatch_metric_alarm.primary_health.ok_actions == toset([aws_sns_topic.health.arn])
    error_message = "ALARM and OK both notify the topic."
  }
  assert {
    condition     = aws_sns_topic.health.kms_master_key_id == aws_kms_key.global.arn && aws_kms_key.global.enable_key_rotation
    error_message = "The topic is encrypted with the module's rotating us-east-1 key."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.global.policy).Statement : s.Sid], "CloudWatchPublishesAlarms")
    error_message = "The key lets CloudWatch publish to the encrypted topic."
  }
  assert {
    condition = anytrue([for s in jsondecode(aws_sns_topic_policy.health.policy).Statement :
    s.Sid == "CloudWatchPublishesThisAlarm" && try(s.Condition.ArnLike["aws:SourceArn"], "") == "arn:aws:cloudwatch:us-east-1:123456789012:alarm:lowlat-test-primary-health"])
    error_message = "Only this alarm may publish to the topic."
  }
  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.com"].protocol == "email"
    error_message = "The listed addresses are subscribed."
  }
}

run "alarm_events_are_forwarded_to_the_standby_and_invoke_the_function" {
  command = apply

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.forward.event_pattern) == jsondecode(aws_cloudwatch_event_rule.invoke.event_pattern) &&
      jsondecode(aws_cloudwatch_event_rule.invoke.event_pattern)["detail-type"] == ["CloudWatch Alarm State Change"] &&
      jsondecode(aws_cloudwatch_event_rule.invoke.event_pattern).resources == [aws_cloudwatch_metric_alarm.primary_health.arn]
    )
    error_message = "Both rules match only the health alarm's state changes."
  }
  assert {
    condition     = aws_cloudwatch_event_target.forward.arn == "arn:aws:events:eu-west-1:123456789012:event-bus/default" && aws_cloudwatch_event_target.forward.role_arn == aws_iam_role.forward.arn
    error_message = "us-east-1 forwards to the standby region's default bus with the forwarding role."
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.forward.policy).Statement == [{ Sid = "PutOnStandbyDefaultBus", Effect = "Allow", Action = "events:PutEvents", Resource = "arn:aws:events:eu-west-1:123456789012:event-bus/default" }]
    error_message = "The forwarding role may put events on that one bus only."
  }
  assert {
    condition     = aws_cloudwatch_event_target.invoke.arn == var.function_arn && one(aws_cloudwatch_event_target.invoke.retry_policy).maximum_retry_attempts == 4
    error_message = "The standby rule invokes the function, retrying for an hour."
  }
  assert {
    condition     = aws_lambda_permission.invoke.principal == "events.amazonaws.com" && aws_lambda_permission.invoke.source_arn == aws_cloudwatch_event_rule.invoke.arn && aws_lambda_permission.invoke.function_name == var.function_name
    error_message = "Only the standby rule may invoke the function."
  }
}

run "created_zone_is_query_logged_and_signed" {
  command = apply

  assert {
    condition     = length(aws_route53_zone.this) == 1 && aws_route53_zone.this[0].name == "trading.example.com"
    error_message = "Without zone_id the zone is created."
  }
  assert {
    condition     = aws_route53_query_log.this[0].cloudwatch_log_group_arn == aws_cloudwatch_log_group.query_log[0].arn && aws_cloudwatch_log_group.query_log[0].name == "/aws/route53/trading.example.com" && aws_cloudwatch_log_group.query_log[0].kms_key_id == aws_kms_key.global.arn
    error_message = "Queries are logged to an encrypted log group under /aws/route53/."
  }
  assert {
    condition     = aws_kms_key.dnssec[0].customer_master_key_spec == "ECC_NIST_P256" && aws_kms_key.dnssec[0].key_usage == "SIGN_VERIFY" && aws_route53_key_signing_key.this[0].key_management_service_arn == aws_kms_key.dnssec[0].arn && length(aws_route53_hosted_zone_dnssec.this) == 1
    error_message = "The zone is signed with a key-signing key on an ECC_NIST_P256 KMS key."
  }
  assert {
    condition     = tolist(output.name_servers) == tolist(["ns-1.awsdns-01.org"])
    error_message = "The zone's name servers are output for the delegation."
  }
}

run "existing_zone_is_used_as_is" {
  command = plan

  variables {
    zone_id = "Z0EXISTING00000000"
  }

  assert {
    condition     = length(aws_route53_zone.this) == 0 && length(aws_route53_query_log.this) == 0 && length(aws_route53_key_signing_key.this) == 0 && aws_route53_record.primary.zone_id == "Z0EXISTING00000000"
    error_message = "A given zone is used for the records; its logging and signing are its owner's."
  }
}

run "query_logging_can_be_left_out" {
  command = plan

  variables {
    enable_query_logging = false
  }

  assert {
    condition     = length(aws_route53_query_log.this) == 0 && length(aws_cloudwatch_log_group.query_log) == 0 && length(aws_cloudwatch_log_resource_policy.query_log) == 0
    error_message = "enable_query_logging = false logs nothing."
  }
}

run "dnssec_can_be_left_out" {
  command = plan

  variables {
    enable_dnssec = false
  }

  assert {
    condition     = length(aws_kms_key.dnssec) == 0 && length(aws_route53_key_signing_key.this) == 0 && length(aws_route53_hosted_zone_dnssec.this) == 0
    error_message = "enable_dnssec = false signs nothing."
  }
}

run "slower_detection_on_request" {
  command = plan

  variables {
    health_check             = { request_interval = 30, failure_threshold = 5, path = "/risk/health" }
    alarm_evaluation_periods = 3
  }

  assert {
    condition     = aws_route53_health_check.primary.request_interval == 30 && aws_route53_health_check.primary.failure_threshold == 5 && aws_route53_health_check.primary.resource_path == "/risk/health" && aws_cloudwatch_metric_alarm.primary_health.evaluation_periods == 3 && aws_cloudwatch_metric_alarm.primary_health.datapoints_to_alarm == 3
    error_message = "Interval, threshold, path and evaluation periods follow the inputs."
  }
}
