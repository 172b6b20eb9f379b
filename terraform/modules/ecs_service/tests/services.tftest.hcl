# The cluster (Container Insights, execute-command logging to a KMS-encrypted group), the task
# definitions (Fargate, awsvpc, read-only root, non-root user, awslogs to the service's own
# encrypted group, environment values, secrets by ARN only), the services (circuit breaker with
# rollback, LB attachment) and the roles (execution: image, logs, listed secrets, KMS via Secrets
# Manager; task: nothing by default, the given policy, the SSM channels only with ECS Exec).
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"

  override_resource {
    target = aws_cloudwatch_log_group.service["risk-dashboard"]
    values = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/risk-dashboard" }
  }
  override_resource {
    target = aws_cloudwatch_log_group.service["refdata-api"]
    values = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/refdata-api" }
  }
  override_resource {
    target = aws_cloudwatch_log_group.exec
    values = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/execute-command" }
  }
  override_resource {
    target = aws_iam_role.execution["risk-dashboard"]
    values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-risk-dashboard-task-execution" }
  }
  override_resource {
    target = aws_iam_role.task["risk-dashboard"]
    values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-risk-dashboard-task" }
  }
}

run "cluster_has_container_insights_and_encrypted_exec_logging" {
  command = plan

  assert {
    condition     = aws_ecs_cluster.this.name == "lowlat-test-apps" && one(aws_ecs_cluster.this.setting).name == "containerInsights" && one(aws_ecs_cluster.this.setting).value == "enabled"
    error_message = "The cluster <name>-apps has Container Insights on."
  }
  assert {
    condition = (
      aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].logging == "OVERRIDE" &&
      aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].kms_key_id == var.logs_kms_key_arn &&
      aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].log_configuration[0].cloud_watch_encryption_enabled == true &&
      aws_ecs_cluster.this.configuration[0].execute_command_configuration[0].log_configuration[0].cloud_watch_log_group_name == "/lowlat/lowlat-test/ecs/execute-command"
    )
    error_message = "Execute-command sessions use the logs CMK and are logged, encrypted, to the execute-command group."
  }
  assert {
    condition     = aws_cloudwatch_log_group.exec.kms_key_id == var.logs_kms_key_arn && aws_cloudwatch_log_group.exec.retention_in_days == 365
    error_message = "The execute-command group is encrypted with the logs CMK and kept a year."
  }
}

run "service_log_groups_are_encrypted_and_kept_a_year" {
  command = plan

  assert {
    condition = alltrue([
      for k, lg in aws_cloudwatch_log_group.service :
      lg.name == "/lowlat/lowlat-test/ecs/${k}" && lg.kms_key_id == var.logs_kms_key_arn && lg.retention_in_days == 365
    ])
    error_message = "Every service has /lowlat/<name>/ecs/<service>, encrypted with the logs CMK, kept 365 days."
  }
  assert {
    condition = output.log_group_names == {
      "refdata-api"    = "/lowlat/lowlat-test/ecs/refdata-api"
      "risk-dashboard" = "/lowlat/lowlat-test/ecs/risk-dashboard"
    } && output.exec_log_group_name == "/lowlat/lowlat-test/ecs/execute-command"
    error_message = "log_group_names and exec_log_group_name name the groups."
  }
}

run "log_retention_follows_its_input" {
  command = plan

  variables {
    log_retention_days = 3653
  }

  assert {
    condition     = alltrue([for lg in aws_cloudwatch_log_group.service : lg.retention_in_days == 3653]) && aws_cloudwatch_log_group.exec.retention_in_days == 3653
    error_message = "log_retention_days reaches every group."
  }
}

run "task_definitions_are_fargate_read_only_and_log_to_their_group" {
  command = plan

  assert {
    condition = alltrue([
      for k, td in aws_ecs_task_definition.this :
      td.family == "lowlat-test-${k}" && td.requires_compatibilities == toset(["FARGATE"]) && td.network_mode == "awsvpc" &&
      td.cpu == tostring(var.services[k].cpu) && td.memory == tostring(var.services[k].memory)
    ])
    error_message = "Task definitions are FARGATE, awsvpc, with the service's cpu and memory."
  }
  assert {
    condition = alltrue([
      for k, td in aws_ecs_task_definition.this : alltrue([
        for c in jsondecode(td.container_definitions) :
        c.name == k && c.readonlyRootFilesystem == true && c.essential == true &&
        c.portMappings == [{ containerPort = var.services[k].container_port, hostPort = var.services[k].container_port, protocol = "tcp" }]
      ])
    ])
    error_message = "Each task's one container has a read-only root filesystem and exposes the container port."
  }
  assert {
    condition = alltrue([
      for k, td in aws_ecs_task_definition.this : alltrue([
        for c in jsondecode(td.container_definitions) :
        c.logConfiguration == {
          logDriver = "awslogs"
          options = {
            awslogs-group         = "/lowlat/lowlat-test/ecs/${k}"
            awslogs-region        = "eu-west-2"
            awslogs-stream-prefix = "ecs"
          }
        }
      ])
    ])
    error_message = "Containers log with awslogs to their own service's group."
  }
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["risk-dashboard"].container_definitions)[0].user == "10001:10001" &&
      !contains(keys(jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0]), "user")
    )
    error_message = "user is set when given (non-root) and left to the image otherwise."
  }
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].mountPoints == [{ sourceVolume = "rw-tmp", containerPath = "/tmp", readOnly = false }] &&
      [for v in aws_ecs_task_definition.this["refdata-api"].volume : v.name] == ["rw-tmp"]
    )
    error_message = "/tmp is a writable task volume by default, on the read-only root."
  }
}

run "secrets_are_injected_by_arn_and_environment_is_plain" {
  command = plan

  assert {
    condition = jsondecode(aws_ecs_task_definition.this["risk-dashboard"].container_definitions)[0].secrets == [
      { name = "API_TOKEN", valueFrom = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/risk-api-token-GhIjKl" },
      { name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/rds-master-AbCdEf:password::" },
    ]
    error_message = "Secrets reach the container as `secrets` entries whose valueFrom is the Secrets Manager ARN."
  }
  assert {
    condition = jsondecode(aws_ecs_task_definition.this["risk-dashboard"].container_definitions)[0].environment == [
      { name = "LOG_LEVEL", value = "info" },
    ]
    error_message = "Only the non-secret environment map becomes environment values."
  }
  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].secrets == [] &&
      jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].environment == []
    )
    error_message = "A service without secrets or environment gets empty lists."
  }
}

run "services_roll_back_failed_deployments_behind_their_target_group" {
  command = apply

  assert {
    condition = alltrue([
      for s in aws_ecs_service.this :
      s.deployment_circuit_breaker[0].enable == true && s.deployment_circuit_breaker[0].rollback == true &&
      s.deployment_minimum_healthy_percent == 100 && s.deployment_maximum_percent == 200
    ])
    error_message = "Every service has the deployment circuit breaker with rollback and keeps full capacity during deployments."
  }
  assert {
    condition = alltrue([
      for k, s in aws_ecs_service.this :
      s.launch_type == "FARGATE" && s.platform_version == "LATEST" && s.cluster == aws_ecs_cluster.this.arn &&
      s.task_definition == aws_ecs_task_definition.this[k].arn && s.desired_count == var.services[k].desired_count &&
      s.enable_execute_command == false
    ])
    error_message = "Services run their task definition on the latest Fargate platform, ECS Exec off by default."
  }
  assert {
    condition = alltrue([
      for k, s in aws_ecs_service.this :
      one(s.load_balancer).target_group_arn == aws_lb_target_group.this[k].arn &&
      one(s.load_balancer).container_name == k && one(s.load_balancer).container_port == var.services[k].container_port
    ])
    error_message = "Each service registers its container port in its own target group."
  }
  assert {
    condition     = output.service_names == { "refdata-api" = "refdata-api", "risk-dashboard" = "risk-dashboard" } && output.cluster_name == "lowlat-test-apps" && output.cluster_arn == aws_ecs_cluster.this.arn
    error_message = "service_names, cluster_name and cluster_arn name them."
  }
}

run "execution_role_pulls_logs_and_reads_only_the_listed_secrets" {
  command = apply

  assert {
    condition = (
      aws_ecs_task_definition.this["risk-dashboard"].execution_role_arn == "arn:aws:iam::123456789012:role/lowlat-test-risk-dashboard-task-execution" &&
      aws_ecs_task_definition.this["risk-dashboard"].task_role_arn == "arn:aws:iam::123456789012:role/lowlat-test-risk-dashboard-task"
    )
    error_message = "A task uses its service's own execution role and task role, two different roles."
  }
  assert {
    condition = jsondecode(aws_iam_role.execution["risk-dashboard"].assume_role_policy).Statement == [{
      Sid       = "EcsTasksOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:ecs:eu-west-2:123456789012:*" }
      }
    }]
    error_message = "Only ECS tasks of this account and region may assume the role."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.execution["risk-dashboard"].policy).Statement == [
      { Sid = "EcrLogin", Effect = "Allow", Action = "ecr:GetAuthorizationToken", Resource = "*" },
      {
        Sid      = "PullTheServiceImage"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = "arn:aws:ecr:eu-west-2:123456789012:repository/lowlat/risk-dashboard"
      },
      {
        Sid      = "WriteTheServiceLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/risk-dashboard:log-stream:*"
      },
      {
        Sid    = "ReadTheListedSecrets"
        Effect = "Allow"
        Action = "secretsmanager:GetSecretValue"
        Resource = [
          "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/rds-master-AbCdEf",
          "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/risk-api-token-GhIjKl",
        ]
      },
      {
        Sid       = "DecryptSecretsThroughSecretsManager"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = "arn:aws:kms:eu-west-2:123456789012:key/66666666-6666-4666-8666-666666666666"
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.eu-west-2.amazonaws.com" } }
      },
    ]
    error_message = "The execution role pulls the service's ECR repository, writes its log group, reads exactly its listed secrets (without the JSON-key suffix) and decrypts with the secrets CMK through Secrets Manager only."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.execution["refdata-api"].policy).Statement : s.Sid] == ["WriteTheServiceLogs"]
    error_message = "A service from another registry without secrets gets only its log permission: no ECR, no secret, no KMS."
  }
}

run "task_role_is_empty_by_default" {
  command = apply

  assert {
    condition     = length(aws_iam_role_policy.task) == 0 && length(aws_iam_role_policy.task_exec) == 0
    error_message = "Without task_role_policy_json and ECS Exec the task roles have no policy at all."
  }
  assert {
    condition     = length(aws_iam_role.task) == 2 && aws_iam_role.task["risk-dashboard"].name == "lowlat-test-risk-dashboard-task"
    error_message = "Every service has its own task role."
  }
  assert {
    condition     = output.task_role_arns["risk-dashboard"] == "arn:aws:iam::123456789012:role/lowlat-test-risk-dashboard-task"
    error_message = "task_role_arns names each service's task role."
  }
}

run "task_role_gets_the_given_policy_only" {
  command = apply

  variables {
    services = {
      refdata-api = {
        image             = "registry.example.com/lowlat/refdata-api:2.0.1"
        cpu               = 256
        memory            = 512
        container_port    = 9000
        path_patterns     = ["/refdata/*"]
        health_check_path = "/health"
        task_role_policy_json = jsonencode({
          Version   = "2012-10-17"
          Statement = [{ Effect = "Allow", Action = "dynamodb:GetItem", Resource = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-instruments" }]
        })
      }
    }
  }

  assert {
    condition = (
      toset(keys(aws_iam_role_policy.task)) == toset(["refdata-api"]) &&
      aws_iam_role_policy.task["refdata-api"].role == aws_iam_role.task["refdata-api"].id &&
      jsondecode(aws_iam_role_policy.task["refdata-api"].policy).Statement[0].Action == "dynamodb:GetItem"
    )
    error_message = "task_role_policy_json becomes the one policy of that service's task role."
  }
}

run "ecs_exec_adds_ssm_channels_and_writable_agent_directories" {
  command = apply

  variables {
    enable_execute_command = true
  }

  assert {
    condition     = alltrue([for s in aws_ecs_service.this : s.enable_execute_command == true])
    error_message = "enable_execute_command reaches every service."
  }
  assert {
    condition = (
      length(aws_iam_role_policy.task_exec) == 2 &&
      [for s in jsondecode(aws_iam_role_policy.task_exec["risk-dashboard"].policy).Statement : s.Sid] == ["EcsExecChannels", "EcsExecSessionKey", "EcsExecFindLogGroup", "EcsExecSessionLogs"] &&
      jsondecode(aws_iam_role_policy.task_exec["risk-dashboard"].policy).Statement[1].Resource == var.logs_kms_key_arn &&
      jsondecode(aws_iam_role_policy.task_exec["risk-dashboard"].policy).Statement[3].Resource == "arn:aws:logs:eu-west-2:123456789012:log-group:/lowlat/lowlat-test/ecs/execute-command:log-stream:*"
    )
    error_message = "With ECS Exec the task roles may open SSM channels, decrypt the session with the logs CMK and log to the execute-command group."
  }
  assert {
    condition = (
      [for m in jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].mountPoints : m.containerPath] == ["/tmp", "/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm"] &&
      jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].readonlyRootFilesystem == true &&
      jsondecode(aws_ecs_task_definition.this["refdata-api"].container_definitions)[0].linuxParameters == { initProcessEnabled = true }
    )
    error_message = "The root stays read-only; the SSM agent's directories become writable volumes and an init process runs."
  }
}
