# The pipeline: stage order exactly Source -> Validate -> Plan -> Approval -> Apply, the artifact
# store under the pipeline's key, the saved plan handed from Plan to Apply, the approval
# notification both ways, and the push trigger (EventBridge) versus polling.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "stages_run_in_order_source_validate_plan_approval_apply" {
  command = plan

  assert {
    condition     = [for s in aws_codepipeline.this.stage : s.name] == ["Source", "Validate", "Plan", "Approval", "Apply"]
    error_message = "The stages are exactly Source, Validate, Plan, Approval, Apply, in that order."
  }
  assert {
    condition = (
      [for s in aws_codepipeline.this.stage : "${s.action[0].category}/${s.action[0].provider}"] ==
      ["Source/CodeCommit", "Build/CodeBuild", "Build/CodeBuild", "Approval/Manual", "Build/CodeBuild"]
    )
    error_message = "CodeCommit feeds two CodeBuild stages, a manual approval, then the CodeBuild apply."
  }
  assert {
    condition     = alltrue([for s in aws_codepipeline.this.stage : length(s.action) == 1])
    error_message = "Every stage has one action (nothing runs beside the approval)."
  }
  assert {
    condition     = aws_codepipeline.this.pipeline_type == "V2" && aws_codepipeline.this.name == "lowlat-test-terraform"
    error_message = "A V2 pipeline named <name>-terraform."
  }
}

run "artifact_store_is_the_bucket_under_the_pipeline_key" {
  command = plan

  assert {
    condition = (
      one(aws_codepipeline.this.artifact_store).type == "S3" &&
      one(aws_codepipeline.this.artifact_store).location == "lowlat-test-cicd-artifacts-123456789012"
    )
    error_message = "Artifacts go to the module's bucket."
  }
  assert {
    condition = (
      one(aws_codepipeline.this.artifact_store).encryption_key[0].type == "KMS" &&
      one(aws_codepipeline.this.artifact_store).encryption_key[0].id == var.kms_key_arn
    )
    error_message = "The artifact store encrypts with the pipeline's KMS key."
  }
}

run "source_is_the_default_branch_as_a_clone_reference" {
  command = plan

  assert {
    condition = aws_codepipeline.this.stage[0].action[0].configuration == tomap({
      RepositoryName       = "lowlat-test"
      BranchName           = "main"
      PollForSourceChanges = "false"
      OutputArtifactFormat = "CODEBUILD_CLONE_REF"
    })
    error_message = "The source is branch main of the repository, as a clone reference, not polled (the push rule starts the pipeline)."
  }
  assert {
    condition     = aws_codepipeline.this.stage[0].action[0].output_artifacts == tolist(["source_output"])
    error_message = "The source action produces source_output."
  }
}

run "builds_run_their_projects_and_apply_gets_the_saved_plan" {
  command = plan

  assert {
    condition = (
      aws_codepipeline.this.stage[1].action[0].configuration == tomap({ ProjectName = "lowlat-test-validate" }) &&
      aws_codepipeline.this.stage[1].action[0].input_artifacts == tolist(["source_output"]) &&
      aws_codepipeline.this.stage[1].action[0].output_artifacts == null
    )
    error_message = "Validate runs the validate project on the source and produces nothing."
  }
  assert {
    condition = (
      aws_codepipeline.this.stage[2].action[0].configuration == tomap({ ProjectName = "lowlat-test-plan" }) &&
      aws_codepipeline.this.stage[2].action[0].input_artifacts == tolist(["source_output"]) &&
      aws_codepipeline.this.stage[2].action[0].output_artifacts == tolist(["plan_output"])
    )
    error_message = "Plan runs the plan project on the source and produces plan_output (the saved plan)."
  }
  assert {
    condition = (
      aws_codepipeline.this.stage[4].action[0].configuration == tomap({ ProjectName = "lowlat-test-apply", PrimarySource = "source_output" }) &&
      aws_codepipeline.this.stage[4].action[0].input_artifacts == tolist(["source_output", "plan_output"])
    )
    error_message = "Apply runs the apply project on the same source with the saved plan as second input."
  }
}

run "approval_without_a_topic_notifies_nobody" {
  command = plan

  assert {
    condition     = !contains(keys(aws_codepipeline.this.stage[3].action[0].configuration), "NotificationArn")
    error_message = "Without approval_sns_topic_arn the approval has no notification."
  }
  assert {
    condition     = strcontains(aws_codepipeline.this.stage[3].action[0].configuration.CustomData, "terraform/environments/dev")
    error_message = "The approval names the environment whose plan is reviewed."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s if contains(flatten([s.Action]), "sns:Publish")]) == 0
    error_message = "Without a topic the pipeline role cannot publish to SNS."
  }
}

run "approval_notifies_the_encrypted_topic" {
  command = plan

  variables {
    approval_sns_topic_arn   = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-notifications"
    approval_sns_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-3333-3333-333333333333"
  }

  assert {
    condition     = aws_codepipeline.this.stage[3].action[0].configuration.NotificationArn == var.approval_sns_topic_arn
    error_message = "The manual approval notifies the given topic."
  }
  assert {
    condition = (
      [for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s.Resource if s.Action == "sns:Publish"] == [var.approval_sns_topic_arn] &&
      [for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s.Resource if s.Sid == "PublishToEncryptedTopic"] == [var.approval_sns_kms_key_arn]
    )
    error_message = "The pipeline role may publish to that topic only, and use the topic's key."
  }
}

run "a_push_to_the_branch_starts_the_pipeline" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.push[0].event_pattern) == {
      source        = ["aws.codecommit"]
      "detail-type" = ["CodeCommit Repository State Change"]
      resources     = ["arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"]
      detail = {
        event         = ["referenceCreated", "referenceUpdated"]
        referenceType = ["branch"]
        referenceName = ["main"]
      }
    }
    error_message = "The rule matches pushes (created or updated references) to branch main of the repository."
  }
  assert {
    condition     = aws_cloudwatch_event_target.push[0].arn == "arn:aws:codepipeline:eu-west-2:123456789012:lowlat-test-terraform"
    error_message = "The rule's target is the pipeline."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.events[0].policy).Statement == [{
      Sid      = "StartThePipeline"
      Effect   = "Allow"
      Action   = "codepipeline:StartPipelineExecution"
      Resource = "arn:aws:codepipeline:eu-west-2:123456789012:lowlat-test-terraform"
    }]
    error_message = "EventBridge may start this pipeline and nothing else."
  }
}

run "without_the_push_rule_the_source_polls" {
  command = plan

  variables {
    start_on_push  = false
    default_branch = "release/2026"
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.push) == 0 && length(aws_cloudwatch_event_target.push) == 0 && length(aws_iam_role.events) == 0
    error_message = "No rule, target or events role without start_on_push."
  }
  assert {
    condition = (
      aws_codepipeline.this.stage[0].action[0].configuration.PollForSourceChanges == "true" &&
      aws_codepipeline.this.stage[0].action[0].configuration.BranchName == "release/2026"
    )
    error_message = "The source action polls the configured branch instead."
  }
}

run "outputs_name_the_pipeline" {
  command = apply

  assert {
    condition     = output.pipeline_name == "lowlat-test-terraform" && output.pipeline_arn == aws_cloudwatch_event_target.push[0].arn
    error_message = "The outputs name the pipeline, whose ARN is the one the push rule targets."
  }
  assert {
    condition     = output.events_role_arn == aws_iam_role.events[0].arn && output.pipeline_role_arn == aws_codepipeline.this.role_arn
    error_message = "The role outputs are the roles in use."
  }
}
