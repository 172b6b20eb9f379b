# Two roles per service, never shared between services:
# - the execution role (used by ECS to start the task): pull the service's image (ECR repository
#   of that image only), write to the service's log group, read only the secrets the service lists
#   and decrypt them with the secrets CMK through Secrets Manager only;
# - the task role (used by the application): no permissions unless the service brings its own
#   policy (task_role_policy_json), plus the SSM channels while ECS Exec is on.
# Both trust ECS tasks of this account and region only (confused-deputy conditions).

locals {
  ecr_image = {
    for k, s in var.services :
    k => regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?/([^:@]+)", s.image)
    if can(regex("^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?/([^:@]+)", s.image))
  }
  ecr_repository_arn = { for k, m in local.ecr_image : k => "arn:${local.partition}:ecr:${m[1]}:${m[0]}:repository/${m[3]}" }

  # The secret itself (without :json-key:version-stage:version-id) is what IAM authorises.
  secret_arns = {
    for k, s in var.services :
    k => sort(distinct([for v in values(s.secrets) : regex("^(arn:[^:]+:secretsmanager:[^:]+:[0-9]{12}:secret:[^:]+)", v)[0]]))
  }

  ecs_tasks_trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:*" }
      }
    }]
  })

  execution_policy = {
    for k, s in var.services : k => jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        [for st in [
          {
            Sid      = "EcrLogin"
            Effect   = "Allow"
            Action   = "ecr:GetAuthorizationToken"
            Resource = "*"
          },
          {
            Sid      = "PullTheServiceImage"
            Effect   = "Allow"
            Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
            Resource = lookup(local.ecr_repository_arn, k, "")
          },
        ] : st if contains(keys(local.ecr_repository_arn), k)],
        [{
          Sid      = "WriteTheServiceLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${aws_cloudwatch_log_group.service[k].arn}:log-stream:*"
        }],
        [for st in [
          {
            Sid      = "ReadTheListedSecrets"
            Effect   = "Allow"
            Action   = "secretsmanager:GetSecretValue"
            Resource = local.secret_arns[k]
          },
          {
            Sid       = "DecryptSecretsThroughSecretsManager"
            Effect    = "Allow"
            Action    = "kms:Decrypt"
            Resource  = var.secrets_kms_key_arn
            Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
          },
        ] : st if length(local.secret_arns[k]) > 0],
      )
    })
  }

  exec_task_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "EcsExecChannels"
        Effect   = "Allow"
        Action   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
        Resource = "*"
      },
      {
        Sid      = "EcsExecSessionKey"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = var.logs_kms_key_arn
      },
      {
        Sid      = "EcsExecFindLogGroup"
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
      },
      {
        Sid      = "EcsExecSessionLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.exec.arn}:log-stream:*"
      },
    ]
  })
}

resource "aws_iam_role" "execution" {
  for_each = var.services

  name               = "${var.name}-${each.key}-task-execution"
  description        = "ECS starts ${each.key} tasks with this role: image pull, logs, its own secrets."
  assume_role_policy = local.ecs_tasks_trust_policy

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-task-execution", "lowlat:service" = each.key })
}

resource "aws_iam_role_policy" "execution" {
  for_each = var.services

  name   = "start-${each.key}"
  role   = aws_iam_role.execution[each.key].id
  policy = local.execution_policy[each.key]
}

resource "aws_iam_role" "task" {
  for_each = var.services

  name               = "${var.name}-${each.key}-task"
  description        = "The ${each.key} application runs with this role: nothing unless its own policy is given."
  assume_role_policy = local.ecs_tasks_trust_policy

  tags = merge(local.tags, { Name = "${var.name}-${each.key}-task", "lowlat:service" = each.key })
}

resource "aws_iam_role_policy" "task" {
  for_each = { for k, s in var.services : k => s.task_role_policy_json if s.task_role_policy_json != null }

  name   = "${each.key}-application"
  role   = aws_iam_role.task[each.key].id
  policy = each.value
}

resource "aws_iam_role_policy" "task_exec" {
  for_each = var.enable_execute_command ? var.services : {}

  name   = "ecs-exec"
  role   = aws_iam_role.task[each.key].id
  policy = local.exec_task_policy
}
