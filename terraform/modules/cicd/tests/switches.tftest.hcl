# The switches for an emulator (moto cannot create a CodeCommit repository, approval rule
# templates, or CodeBuild projects with a CODEPIPELINE source): each leaves only its own resources
# out, and the pipeline, policies and outputs keep naming them. Both ways; on is the default.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "everything_is_on_by_default" {
  command = plan

  assert {
    condition = (
      length(aws_codecommit_repository.this) == 1 &&
      length(aws_codecommit_approval_rule_template.this) == 1 &&
      length(aws_codecommit_approval_rule_template_association.this) == 1 &&
      length(aws_codebuild_project.this) == 3
    )
    error_message = "By default the repository, its approval rule and the three projects are made."
  }
}

run "without_the_repository" {
  command = apply

  variables {
    enable_repository = false
  }

  assert {
    condition = (
      length(aws_codecommit_repository.this) == 0 &&
      length(aws_codecommit_approval_rule_template.this) == 0 &&
      length(aws_codecommit_approval_rule_template_association.this) == 0
    )
    error_message = "enable_repository = false leaves out the repository and its approval rule."
  }
  assert {
    condition = (
      aws_codepipeline.this.stage[0].action[0].configuration.RepositoryName == "lowlat-test" &&
      [for s in jsondecode(aws_iam_role_policy.pipeline.policy).Statement : s.Resource if s.Sid == "ReadSourceBranch"] == ["arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"] &&
      jsondecode(aws_cloudwatch_event_rule.push[0].event_pattern).resources == ["arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"]
    )
    error_message = "The pipeline, the pipeline role and the push rule still name the repository of that name."
  }
  assert {
    condition     = output.repository_clone_url_http == null && output.repository_arn == null && output.repository_name == "lowlat-test"
    error_message = "The repository outputs are null, its name stays."
  }
  assert {
    condition     = length(aws_codebuild_project.this) == 3
    error_message = "The projects stay."
  }
}

run "without_the_build_projects" {
  command = apply

  variables {
    enable_build_projects = false
  }

  assert {
    condition     = length(aws_codebuild_project.this) == 0 && output.codebuild_project_names == {}
    error_message = "enable_build_projects = false leaves out the three projects."
  }
  assert {
    condition = (
      [for s in aws_codepipeline.this.stage : lookup(s.action[0].configuration, "ProjectName", "")] == ["", "lowlat-test-validate", "lowlat-test-plan", "", "lowlat-test-apply"] &&
      length(aws_cloudwatch_log_group.build) == 3 &&
      length(aws_iam_role.build) == 2
    )
    error_message = "The pipeline still names the projects; their log groups and roles stay."
  }
  assert {
    condition     = length(aws_codecommit_repository.this) == 1
    error_message = "The repository stays."
  }
}
