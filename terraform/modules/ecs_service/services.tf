# One task definition, log group and service per entry of var.services. Tasks are Fargate, awsvpc,
# in the private subnets without public IPs, read-only root filesystem (writable_paths are
# ephemeral task volumes), logs to their own KMS-encrypted group, secrets injected by ARN through
# the container definition's `secrets` (ECS fetches them at start with the execution role; the
# values never pass through Terraform). Deployments roll back on their own when the new tasks do
# not become healthy (circuit breaker).

locals {
  # The SSM agent of ECS Exec writes to these; with a read-only root they must be volumes.
  exec_writable_paths = ["/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"]

  writable_paths = {
    for k, s in var.services :
    k => distinct(concat(s.writable_paths, var.enable_execute_command ? local.exec_writable_paths : []))
  }

  container_definitions = {
    for k, s in var.services : k => [merge(
      {
        name                   = k
        image                  = s.image
        essential              = true
        readonlyRootFilesystem = true
        portMappings = [{
          containerPort = s.container_port
          hostPort      = s.container_port
          protocol      = "tcp"
        }]
        environment = [for n in sort(keys(s.environment)) : { name = n, value = s.environment[n] }]
        secrets     = [for n in sort(keys(s.secrets)) : { name = n, valueFrom = s.secrets[n] }]
        mountPoints = [
          for p in local.writable_paths[k] :
          { sourceVolume = "rw${replace(p, "/[^A-Za-z0-9_-]/", "-")}", containerPath = p, readOnly = false }
        ]
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.service[k].name
            awslogs-region        = local.region
            awslogs-stream-prefix = "ecs"
          }
        }
      },
      s.user == null ? {} : { user = s.user },
      var.enable_execute_command ? { linuxParameters = { initProcessEnabled = true } } : {},
    )]
  }
}

resource "aws_cloudwatch_log_group" "service" {
  for_each = var.services

  name              = local.service_log_group_name[each.key]
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = local.service_log_group_name[each.key], "lowlat:service" = each.key })
}

resource "aws_ecs_task_definition" "this" {
  for_each = var.services

  family                   = "${var.name}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(each.value.cpu)
  memory                   = tostring(each.value.memory)
  execution_role_arn       = aws_iam_role.execution[each.key].arn
  task_role_arn            = aws_iam_role.task[each.key].arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  dynamic "volume" {
    for_each = local.writable_paths[each.key]

    content {
      name = "rw${replace(volume.value, "/[^A-Za-z0-9_-]/", "-")}"
    }
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "lowlat:service" = each.key })
}

resource "aws_ecs_service" "this" {
  for_each = var.services

  name                              = each.key
  cluster                           = aws_ecs_cluster.this.arn
  task_definition                   = aws_ecs_task_definition.this[each.key].arn
  desired_count                     = each.value.desired_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  enable_execute_command            = var.enable_execute_command
  enable_ecs_managed_tags           = true
  propagate_tags                    = "SERVICE"
  health_check_grace_period_seconds = 60

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this[each.key].arn
    container_name   = each.key
    container_port   = each.value.container_port
  }

  tags = merge(local.tags, { Name = "${var.name}-${each.key}", "lowlat:service" = each.key })

  # The autoscaler owns the running count once the service exists; desired_count is the start.
  lifecycle {
    ignore_changes = [desired_count]
  }

  # A target group must belong to a load balancer (through its rule) before a service uses it.
  depends_on = [aws_lb_listener_rule.this]
}
