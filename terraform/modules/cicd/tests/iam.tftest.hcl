# The service roles, least privilege: only the deploy role (plan, apply) may assume the deployment
# role, the validate role is explicitly denied it; every role reaches only this module's bucket,
# key, repository, log groups, projects and pipeline; trust is limited to the account's services.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  bucket_arn = "arn:aws:s3:::lowlat-test-cicd-artifacts-123456789012"
  repo_arn   = "arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"
}

run "validate_role_cannot_assume_the_deployment_role" {
  command = plan

  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : startswith(a, "sts:")])
    ]) == 0
    error_message = "The validate role is allowed no STS action."
  }
  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s if s.Effect == "Deny"
      ] == [{
        Sid      = "NeverAssumeDeploymentRole"
        Effect   = "Deny"
        Action   = "sts:AssumeRole"
        Resource = "arn:aws:iam::123456789012:role/lowlat-dev-deploy"
    }]
    error_message = "The validate role is explicitly denied assuming the deployment role, even if another policy allowed it."
  }
  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s
      if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : contains(["s3:PutObject", "kms:Encrypt", "kms:GenerateDataKey*"], a)])
    ]) == 0
    error_message = "The validate build reads artifacts and writes none."
  }
}

run "deploy_role_assumes_the_deployment_role_only" {
  command = plan

  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.build["deploy"].policy).Statement : s.Resource
      if anytrue([for a in flatten([s.Action]) : startswith(a, "sts:")])
    ] == ["arn:aws:iam::123456789012:role/lowlat-dev-deploy"]
    error_message = "The deploy role may assume the deployment role and no other."
  }
  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.build["deploy"].policy).Statement : s.Resource if s.Action == "s3:PutObject"
    ] == ["${var.bucket_arn}/*"]
    error_message = "The deploy role writes the saved plan into the artifact bucket only."
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.build["deploy"].policy).Statement : s if s.Effect == "Deny"]) == 0
    error_message = "Nothing is denied to the deploy role."
  }
}

run "build_roles_reach_only_their_own_logs_the_bucket_the_key_and_the_repository" {
  command = plan

  assert {
    condition = (
      [for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s.Resource if s.Sid == "WriteBuildLogs"] ==
      [["arn:aws:logs:eu-west-2:123456789012:log-group:/aws/codebuild/lowlat-test-validate:*"]] &&
      [for s in jsondecode(aws_iam_role_policy.build["deploy"].policy).Statement : s.Resource if s.Sid == "WriteBuildLogs"] ==
      [[
        "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/codebuild/lowlat-test-apply:*",
        "arn:aws:logs:eu-west-2:123456789012:log-group:/aws/codebuild/lowlat-test-plan:*",
      ]]
    )
    error_message = "Each build role writes to the log groups of its own projects only."
  }
  assert {
    condition = alltrue([
      for r in aws_iam_role_policy.build : alltrue([
        for s in jsondecode(r.policy).Statement :
        s.Effect == "Deny" || s.Sid == "AssumeDeploymentRole" || s.Sid == "WriteBuildLogs" ||
        contains([var.bucket_arn, "${var.bucket_arn}/*", var.kms_key_arn, var.repo_arn], s.Resource)
      ])
    ])
    error_message = "Apart from logs and the deployment role, the build roles reach only the bucket, the key and the repository."
  }
  assert {
    condition = (
      [for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s.Action if s.Sid == "UsePipelineKey"] == [["kms:Decrypt", "kms:DescribeKey"]] &&
      [for s in jsondecode(aws_iam_role_policy.build["validate"].policy).Statement : s.Action if s.Resource == var.repo_arn] == ["codecommit:GitPull"]
    )
    error_message = "The validate role decrypts with the key and pulls the repository, nothing more."
  }
}

run "build_roles_trust_codebuild_of_their_projects" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.build["validate"].assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = ["arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-validate"] }
      }
    }]
    error_message = "Only CodeBuild, for the validate project of this account, assumes the validate role."
  }
  assert {
    condition = jsondecode(aws_iam_role.build["deploy"].assume_role_policy).Statement[0].Condition.ArnLike["aws:SourceArn"] == [
      "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-apply",
      "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-plan",
    ]
    error_message = "Only the plan and apply projects assume the deploy role."
  }
  assert {
    condition     = aws_iam_role.build["validate"].name == "lowlat-test-cicd-validate" && aws_iam_role.build["deploy"].name == "lowlat-test-cicd-deploy"
    error_message = "The build roles are <name>-cicd-validate and <name>-cicd-deploy."
  }
}

run "pipeline_role_starts_the_three_builds_and_reads_the_branch" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s.Resource if s.Sid == "RunTheBuilds"] == [[
      "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-apply",
      "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-plan",
      "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-validate",
    ]]
    error_message = "The pipeline role starts and watches the three projects only."
  }
  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s.Resource if s.Sid == "ReadSourceBranch"] == [var.repo_arn]
    error_message = "The pipeline role reads the module's repository only."
  }
  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s
      if anytrue([for a in flatten([s.Action]) : startswith(a, "sts:") || startswith(a, "iam:")])
    ]) == 0
    error_message = "The pipeline role cannot assume roles or touch IAM."
  }
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement :
      s.Effect == "Allow" && s.Resource != "*" && !contains(flatten([s.Resource]), "*")
    ])
    error_message = "No pipeline permission is on every resource."
  }
  assert {
    condition = jsondecode(aws_iam_role.pipeline.assume_role_policy).Statement == [{
      Effect    = "Allow"
      Principal = { Service = "codepipeline.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
    error_message = "Only CodePipeline of this account assumes the pipeline role."
  }
}

run "no_build_permission_is_on_every_resource_without_a_vpc" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for r in aws_iam_role_policy.build : [
        for s in jsondecode(r.policy).Statement : !contains(flatten([s.Resource]), "*")
      ]
    ]))
    error_message = "Without a VPC no build permission is on Resource \"*\"."
  }
}

run "events_role_is_trusted_by_the_push_rule_only" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.events[0].assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "aws:SourceAccount" = "123456789012"
        "aws:SourceArn"     = "arn:aws:events:eu-west-2:123456789012:rule/lowlat-test-cicd-push"
      }
    }
    error_message = "EventBridge assumes the events role for the module's push rule only."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.push[0].name == "lowlat-test-cicd-push"
    error_message = "The rule the trust names is the rule the module makes."
  }
}

run "outputs_are_the_roles" {
  command = apply

  assert {
    condition = (
      output.validate_role_arn == aws_iam_role.build["validate"].arn &&
      output.deploy_role_arn == aws_iam_role.build["deploy"].arn &&
      output.pipeline_role_arn == aws_iam_role.pipeline.arn
    )
    error_message = "The role outputs are the roles the builds and the pipeline use."
  }
}
