# CPU target tracking per service between min_count and max_count, on by default; with
# enable_autoscaling = false (the moto emulator apply) neither targets nor policies exist.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "every_service_scales_on_cpu_between_its_min_and_max" {
  command = apply

  assert {
    condition = (
      length(aws_appautoscaling_target.service) == 2 &&
      aws_appautoscaling_target.service["risk-dashboard"].resource_id == "service/lowlat-test-apps/risk-dashboard" &&
      aws_appautoscaling_target.service["refdata-api"].resource_id == "service/lowlat-test-apps/refdata-api"
    )
    error_message = "Each service is a scalable target service/<cluster>/<service>."
  }
  assert {
    condition = alltrue([
      for k, t in aws_appautoscaling_target.service :
      t.service_namespace == "ecs" && t.scalable_dimension == "ecs:service:DesiredCount" &&
      t.min_capacity == var.services[k].min_count && t.max_capacity == var.services[k].max_count
    ])
    error_message = "The service's desired count scales between min_count and max_count."
  }
  assert {
    condition = (
      aws_appautoscaling_target.service["risk-dashboard"].min_capacity == 2 && aws_appautoscaling_target.service["risk-dashboard"].max_capacity == 6 &&
      aws_appautoscaling_target.service["refdata-api"].min_capacity == 1 && aws_appautoscaling_target.service["refdata-api"].max_capacity == 3
    )
    error_message = "The counts of the test services reach their targets."
  }
  assert {
    condition = alltrue([
      for k, p in aws_appautoscaling_policy.cpu :
      p.name == "lowlat-test-${k}-cpu" && p.policy_type == "TargetTrackingScaling" &&
      p.resource_id == aws_appautoscaling_target.service[k].resource_id &&
      p.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    ])
    error_message = "Each target has a CPU target-tracking policy."
  }
  assert {
    condition = (
      aws_appautoscaling_policy.cpu["risk-dashboard"].target_tracking_scaling_policy_configuration[0].target_value == 60 &&
      aws_appautoscaling_policy.cpu["refdata-api"].target_tracking_scaling_policy_configuration[0].target_value == 50
    )
    error_message = "target_cpu_percent (default 60) is the tracked value."
  }
}

run "autoscaling_off_leaves_targets_and_policies_out" {
  command = plan

  variables {
    enable_autoscaling = false
  }

  assert {
    condition     = length(aws_appautoscaling_target.service) == 0 && length(aws_appautoscaling_policy.cpu) == 0
    error_message = "enable_autoscaling = false creates no scalable target and no policy."
  }
  assert {
    condition     = length(aws_ecs_service.this) == 2 && aws_ecs_service.this["risk-dashboard"].desired_count == 2
    error_message = "The services themselves stay, at their desired_count."
  }
}
