# The pipeline: Source (CodeCommit, default_branch) -> Validate -> Plan -> Approval -> Apply,
# artifacts in the module's bucket under the pipeline's KMS key. The plan build's saved plan is
# the apply build's second input, so what is applied is exactly what was approved.

resource "aws_codepipeline" "this" {
  name           = local.pipeline_name
  pipeline_type  = "V2"
  execution_mode = "SUPERSEDED"
  role_arn       = aws_iam_role.pipeline.arn

  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket

    encryption_key {
      type = "KMS"
      id   = var.kms_key_arn
    }
  }

  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeCommit"
      version          = "1"
      output_artifacts = [local.source_artifact]
      configuration = {
        RepositoryName       = local.repository_name
        BranchName           = var.default_branch
        PollForSourceChanges = var.start_on_push ? "false" : "true"
        # A reference to the commit, cloned by each build: the validate build reads Git history.
        OutputArtifactFormat = "CODEBUILD_CLONE_REF"
      }
    }
  }

  stage {
    name = "Validate"
    action {
      name            = "Validate"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = [local.source_artifact]
      configuration = {
        ProjectName = local.project_names.validate
      }
    }
  }

  stage {
    name = "Plan"
    action {
      name             = "Plan"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = [local.source_artifact]
      output_artifacts = [local.plan_artifact]
      configuration = {
        ProjectName = local.project_names.plan
      }
    }
  }

  stage {
    name = "Approval"
    action {
      name     = "Approve"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"
      configuration = merge(
        { CustomData = "Review the plan of terraform/environments/${var.terraform_environment} (tfplan.txt and tfplan.json of the Plan build) before it is applied." },
        var.approval_sns_topic_arn == null ? {} : { NotificationArn = var.approval_sns_topic_arn },
      )
    }
  }

  stage {
    name = "Apply"
    action {
      name            = "Apply"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = [local.source_artifact, local.plan_artifact]
      configuration = {
        ProjectName   = local.project_names.apply
        PrimarySource = local.source_artifact
      }
    }
  }

  tags = merge(local.tags, { Name = local.pipeline_name })

  depends_on = [aws_iam_role_policy.pipeline, aws_codebuild_project.this]
}

################################################################################
# Start on push (instead of polling)
################################################################################

resource "aws_cloudwatch_event_rule" "push" {
  count = var.start_on_push ? 1 : 0

  name        = "${var.name}-cicd-push"
  description = "Starts ${local.pipeline_name} on a push to ${var.default_branch} of ${local.repository_name}."
  event_pattern = jsonencode({
    source        = ["aws.codecommit"]
    "detail-type" = ["CodeCommit Repository State Change"]
    resources     = [local.repository_arn]
    detail = {
      event         = ["referenceCreated", "referenceUpdated"]
      referenceType = ["branch"]
      referenceName = [var.default_branch]
    }
  })

  tags = merge(local.tags, { Name = "${var.name}-cicd-push" })
}

resource "aws_cloudwatch_event_target" "push" {
  count = var.start_on_push ? 1 : 0

  rule     = aws_cloudwatch_event_rule.push[0].name
  arn      = local.pipeline_arn
  role_arn = aws_iam_role.events[0].arn
}
