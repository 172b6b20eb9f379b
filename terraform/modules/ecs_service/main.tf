# The trading applications that are not latency-critical (risk dashboard, reference-data API, ...)
# on ECS Fargate behind one Application Load Balancer: the cluster and its execute-command log
# group (here), the load balancer, listeners, rules and target groups (alb.tf), the security-group
# chain internet -> ALB -> tasks (security_groups.tf), task definitions, services and their log
# groups (services.tf), execution and task roles (iam.tf) and CPU autoscaling (autoscaling.tf).
# Keys, subnets and the certificate come in as inputs; the WAF is associated by the security
# module (it takes this module's alb_arn), not here.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # User tags first: the module's own keys win. Each resource adds its Name.
  tags = merge(var.tags, {
    "lowlat:env"     = var.env
    "lowlat:module"  = "ecs_service"
    "lowlat:managed" = "true"
  })

  cluster_name = "${var.name}-apps"
  # Load balancer names are limited to 32 characters and may not end with a dash.
  alb_name = "${trimsuffix(substr(var.name, 0, 27), "-")}-apps"

  log_group_prefix       = "/lowlat/${var.name}/ecs"
  exec_log_group_name    = "${local.log_group_prefix}/execute-command"
  service_log_group_name = { for k in keys(var.services) : k => "${local.log_group_prefix}/${k}" }
}

################################################################################
# Cluster
################################################################################

resource "aws_cloudwatch_log_group" "exec" {
  name              = local.exec_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = local.exec_log_group_name })
}

resource "aws_ecs_cluster" "this" {
  name = local.cluster_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  # ECS Exec sessions (when enable_execute_command is on): the data channel is encrypted with
  # the logs CMK and every session's output is logged, encrypted, to the execute-command group.
  configuration {
    execute_command_configuration {
      kms_key_id = var.logs_kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }

  tags = merge(local.tags, { Name = local.cluster_name })
}
