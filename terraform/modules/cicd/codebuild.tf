# The three CodeBuild projects of the pipeline, each running a buildspec of this repository
# (.ci/buildspecs/<project>.yml) on a managed Linux image without privileged mode, artifacts
# encrypted with the pipeline's key, logs in a KMS-encrypted log group of its own.

resource "aws_cloudwatch_log_group" "build" {
  for_each = local.builds

  name              = local.log_group_name[each.key]
  retention_in_days = var.log_retention_days
  kms_key_id        = local.logs_kms_key_arn

  tags = merge(local.tags, { Name = local.log_group_name[each.key] })
}

resource "aws_codebuild_project" "this" {
  for_each = var.enable_build_projects ? local.builds : {}

  name           = local.project_names[each.key]
  description    = each.value.description
  service_role   = aws_iam_role.build[each.value.role].arn
  encryption_key = var.kms_key_arn
  build_timeout  = var.build_timeout_minutes
  queued_timeout = var.queued_timeout_minutes

  source {
    type      = "CODEPIPELINE"
    buildspec = local.buildspecs[each.key]
  }

  artifacts {
    type                = "CODEPIPELINE"
    encryption_disabled = false
  }

  environment {
    type                        = "LINUX_CONTAINER"
    image                       = var.codebuild_image
    compute_type                = var.compute_type
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = false

    dynamic "environment_variable" {
      for_each = local.build_env[each.key]
      content {
        name  = environment_variable.key
        value = environment_variable.value
        type  = "PLAINTEXT"
      }
    }
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = aws_cloudwatch_log_group.build[each.key].name
    }
    s3_logs {
      status = "DISABLED"
    }
  }

  dynamic "vpc_config" {
    for_each = var.vpc_config == null ? [] : [var.vpc_config]
    content {
      vpc_id             = vpc_config.value.vpc_id
      subnets            = vpc_config.value.subnet_ids
      security_group_ids = vpc_config.value.security_group_ids
    }
  }

  tags = merge(local.tags, { Name = local.project_names[each.key] })

  # The role must be able to write the logs and read the source before the first build.
  depends_on = [aws_iam_role_policy.build]
}
