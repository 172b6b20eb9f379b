# CPU target tracking per service between min_count and max_count (Application Auto Scaling).
# enable_autoscaling = false leaves both resources out: only for the moto emulator, which lacks
# Application Auto Scaling's tag APIs (README, Emulator gaps); tests/autoscaling.tftest.hcl covers
# them with the mock provider.

resource "aws_appautoscaling_target" "service" {
  for_each = var.enable_autoscaling ? var.services : {}

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this[each.key].name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = each.value.min_count
  max_capacity       = each.value.max_count

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "lowlat:service" = each.key })
}

resource "aws_appautoscaling_policy" "cpu" {
  for_each = aws_appautoscaling_target.service

  name               = "${var.name}-${each.key}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = each.value.service_namespace
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.services[each.key].target_cpu_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
