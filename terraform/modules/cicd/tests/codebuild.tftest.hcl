# The CodeBuild projects: one per stage, each running its buildspec from the repository
# (.ci/buildspecs/<stage>.yml, which must exist), on the managed Linux image without privileged
# mode, encrypted with the pipeline's key, logging to a KMS-encrypted log group kept >= 365 days,
# with the environment the buildspecs read; timeouts and the VPC both ways.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"

  override_resource {
    target          = aws_iam_role.build["validate"]
    values          = { arn = "arn:aws:iam::123456789012:role/lowlat-test-cicd-validate" }
    override_during = plan
  }
  override_resource {
    target          = aws_iam_role.build["deploy"]
    values          = { arn = "arn:aws:iam::123456789012:role/lowlat-test-cicd-deploy" }
    override_during = plan
  }
}

run "three_projects_run_the_repositorys_buildspecs" {
  command = plan

  assert {
    condition     = { for k, p in aws_codebuild_project.this : k => p.name } == { validate = "lowlat-test-validate", plan = "lowlat-test-plan", apply = "lowlat-test-apply" }
    error_message = "One project per build stage: <name>-validate, <name>-plan, <name>-apply."
  }
  assert {
    condition = alltrue([
      for k, p in aws_codebuild_project.this : p.source[0].type == "CODEPIPELINE" && p.source[0].buildspec == ".ci/buildspecs/${k}.yml" && p.artifacts[0].type == "CODEPIPELINE"
    ])
    error_message = "Each project reads its source from the pipeline and runs .ci/buildspecs/<stage>.yml."
  }
  assert {
    condition     = alltrue([for k, p in aws_codebuild_project.this : fileexists("${path.module}/../../../${p.source[0].buildspec}")])
    error_message = "Every buildspec a project names exists in the repository."
  }
}

# The buildspecs themselves (python-free: Terraform reads the YAML): CodeBuild syntax 0.2, the
# three phases, bash, and the steps that make each stage what it is.
run "buildspecs_are_codebuild_0_2_with_install_pre_build_and_build" {
  command = plan

  assert {
    condition = alltrue([
      for k in ["validate", "plan", "apply"] :
      yamldecode(file("${path.module}/../../../.ci/buildspecs/${k}.yml")).version == 0.2 &&
      keys(yamldecode(file("${path.module}/../../../.ci/buildspecs/${k}.yml")).phases) == ["build", "install", "pre_build"] &&
      yamldecode(file("${path.module}/../../../.ci/buildspecs/${k}.yml")).env.shell == "bash"
    ])
    error_message = "Every buildspec is version 0.2 with exactly the phases install, pre_build and build, in bash."
  }
  assert {
    condition = alltrue([
      for k in ["validate", "plan", "apply"] :
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/${k}.yml")).phases.build.commands : strcontains(c, "tools/tf.sh")]) &&
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/${k}.yml")).phases.pre_build.commands : strcontains(c, "check-env")])
    ])
    error_message = "Every buildspec checks TF_ENV first and runs Terraform through tools/tf.sh."
  }
  assert {
    condition = (
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/validate.yml")).phases.build.commands : strcontains(c, "checkov -d terraform")]) &&
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/validate.yml")).phases.build.commands : strcontains(c, "tools/run-tests.sh lint")]) &&
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/validate.yml")).phases.build.commands : strcontains(c, "tools/tf.sh test")])
    )
    error_message = "validate runs terraform test, checkov on the source and the repository's lint stage."
  }
  assert {
    condition = (
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/plan.yml")).phases.build.commands : strcontains(c, "-out=tfplan")]) &&
      anytrue([for c in yamldecode(file("${path.module}/../../../.ci/buildspecs/plan.yml")).phases.build.commands : strcontains(c, "checkov-plan")]) &&
      contains(yamldecode(file("${path.module}/../../../.ci/buildspecs/plan.yml")).artifacts.files, "tfplan")
    )
    error_message = "plan saves tfplan, runs checkov on the plan and hands the plan file on as its artifact."
  }
  assert {
    condition = (
      yamldecode(file("${path.module}/../../../.ci/buildspecs/apply.yml")).phases.build.commands == ["tools/tf.sh apply \"terraform/environments/$TF_ENV\" -no-color -input=false -lock-timeout=5m tfplan"] &&
      contains(yamldecode(file("${path.module}/../../../.ci/buildspecs/apply.yml")).phases.pre_build.commands, ".ci/buildspecs/ci-terraform.sh restore-plan")
    )
    error_message = "apply applies the restored saved plan and nothing else."
  }
}

run "projects_are_encrypted_with_the_pipeline_key" {
  command = plan

  assert {
    condition     = alltrue([for p in aws_codebuild_project.this : p.encryption_key == var.kms_key_arn && !p.artifacts[0].encryption_disabled])
    error_message = "Build artifacts are encrypted with the pipeline's KMS key."
  }
}

run "linux_image_without_privileged_mode" {
  command = plan

  assert {
    condition = alltrue([
      for p in aws_codebuild_project.this :
      p.environment[0].type == "LINUX_CONTAINER" && p.environment[0].image == "aws/codebuild/standard:7.0" &&
      p.environment[0].compute_type == "BUILD_GENERAL1_SMALL" && p.environment[0].privileged_mode == false &&
      p.environment[0].image_pull_credentials_type == "CODEBUILD"
    ])
    error_message = "Every build runs the managed standard:7.0 Linux image, small, without privileged mode."
  }
}

run "image_and_compute_type_follow_the_variables" {
  command = plan

  variables {
    codebuild_image = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
    compute_type    = "BUILD_GENERAL1_LARGE"
  }

  assert {
    condition = alltrue([
      for p in aws_codebuild_project.this :
      p.environment[0].image == "aws/codebuild/amazonlinux-x86_64-standard:5.0" && p.environment[0].compute_type == "BUILD_GENERAL1_LARGE" && !p.environment[0].privileged_mode
    ])
    error_message = "The image and compute type are the given ones; privileged mode stays off."
  }
}

run "plan_and_apply_run_as_the_deploy_role_validate_as_its_own" {
  command = plan

  assert {
    condition = (
      aws_codebuild_project.this["validate"].service_role == "arn:aws:iam::123456789012:role/lowlat-test-cicd-validate" &&
      aws_codebuild_project.this["plan"].service_role == "arn:aws:iam::123456789012:role/lowlat-test-cicd-deploy" &&
      aws_codebuild_project.this["apply"].service_role == "arn:aws:iam::123456789012:role/lowlat-test-cicd-deploy"
    )
    error_message = "validate runs as the validate role, plan and apply as the deploy role."
  }
}

run "buildspecs_get_the_environment_and_the_backend" {
  command = plan

  assert {
    condition = {
      for p in aws_codebuild_project.this["validate"].environment[0].environment_variable : p.name => p.value
      } == {
      TF_ENV           = "dev"
      TF_VERSION       = "1.11.4"
      LOWLAT_TF_MIRROR = "/opt/tf-plugins"
    }
    error_message = "The validate build knows the environment and the Terraform version, not the deployment role."
  }
  assert {
    condition = alltrue([
      for k in ["plan", "apply"] : {
        for p in aws_codebuild_project.this[k].environment[0].environment_variable : p.name => p.value
        } == {
        TF_ENV           = "dev"
        TF_VERSION       = "1.11.4"
        LOWLAT_TF_MIRROR = "/opt/tf-plugins"
        DEPLOY_ROLE_ARN  = "arn:aws:iam::123456789012:role/lowlat-dev-deploy"
        TF_STATE_BUCKET  = "lowlat-terraform-state-123456789012"
      }
    ])
    error_message = "Plan and apply get the deployment role and the state bucket (S3 lock file: no lock table)."
  }
  assert {
    condition     = alltrue(flatten([for p in aws_codebuild_project.this : [for v in p.environment[0].environment_variable : v.type == "PLAINTEXT"]]))
    error_message = "No secret is passed: every variable is a plain value."
  }
}

run "a_lock_table_and_another_environment_reach_the_buildspecs" {
  command = plan

  variables {
    terraform_environment = "prod"
    terraform_version     = "1.10.5"
    state_lock_table_name = "lowlat-terraform-locks"
  }

  assert {
    condition = (
      { for p in aws_codebuild_project.this["plan"].environment[0].environment_variable : p.name => p.value }["TF_STATE_LOCK_TABLE"] == "lowlat-terraform-locks" &&
      { for p in aws_codebuild_project.this["apply"].environment[0].environment_variable : p.name => p.value }["TF_ENV"] == "prod" &&
      { for p in aws_codebuild_project.this["validate"].environment[0].environment_variable : p.name => p.value }["TF_VERSION"] == "1.10.5"
    )
    error_message = "TF_ENV, TF_VERSION and TF_STATE_LOCK_TABLE follow the variables."
  }
}

run "logs_go_to_an_encrypted_log_group_kept_a_year" {
  command = plan

  assert {
    condition = { for k, g in aws_cloudwatch_log_group.build : k => g.name } == {
      validate = "/aws/codebuild/lowlat-test-validate"
      plan     = "/aws/codebuild/lowlat-test-plan"
      apply    = "/aws/codebuild/lowlat-test-apply"
    }
    error_message = "One log group per project, /aws/codebuild/<project>."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.build : g.kms_key_id == var.logs_kms_key_arn && g.retention_in_days == 365])
    error_message = "The log groups are encrypted with the logs key and kept 365 days."
  }
  assert {
    condition = alltrue([
      for k, p in aws_codebuild_project.this :
      p.logs_config[0].cloudwatch_logs[0].status == "ENABLED" && p.logs_config[0].cloudwatch_logs[0].group_name == "/aws/codebuild/lowlat-test-${k}" && p.logs_config[0].s3_logs[0].status == "DISABLED"
    ])
    error_message = "Each project logs to its own log group, not to S3."
  }
}

run "logs_use_the_pipeline_key_when_no_logs_key_is_given" {
  command = plan

  variables {
    logs_kms_key_arn   = null
    log_retention_days = 731
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.build : g.kms_key_id == var.kms_key_arn && g.retention_in_days == 731])
    error_message = "Without a logs key the log groups use the pipeline key; retention follows the variable."
  }
}

run "timeouts_default_to_an_hour" {
  command = plan

  assert {
    condition     = alltrue([for p in aws_codebuild_project.this : p.build_timeout == 60 && p.queued_timeout == 60])
    error_message = "Builds stop after 60 minutes and leave the queue after 60."
  }
}

run "timeouts_follow_the_variables" {
  command = plan

  variables {
    build_timeout_minutes  = 120
    queued_timeout_minutes = 30
  }

  assert {
    condition     = alltrue([for p in aws_codebuild_project.this : p.build_timeout == 120 && p.queued_timeout == 30])
    error_message = "The timeouts are the given ones."
  }
}

run "no_vpc_by_default" {
  command = plan

  assert {
    condition     = alltrue([for p in aws_codebuild_project.this : length(p.vpc_config) == 0])
    error_message = "Without vpc_config the builds run in CodeBuild's network."
  }
  assert {
    condition = alltrue([
      for r in aws_iam_role_policy.build : length([for s in jsondecode(r.policy).Statement : s if anytrue([for a in flatten([s.Action]) : startswith(a, "ec2:")])]) == 0
    ])
    error_message = "Without a VPC the build roles have no EC2 permission."
  }
}

run "builds_in_a_vpc_get_only_their_network_interfaces" {
  command = plan

  variables {
    vpc_config = {
      vpc_id             = "vpc-0123456789abcdef0"
      subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  assert {
    condition = alltrue([
      for p in aws_codebuild_project.this :
      p.vpc_config[0].vpc_id == "vpc-0123456789abcdef0" &&
      p.vpc_config[0].subnets == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]) &&
      p.vpc_config[0].security_group_ids == toset(["sg-0123456789abcdef0"])
    ])
    error_message = "Every project runs in the given subnets with the given security group."
  }
  assert {
    condition = alltrue([
      for r in aws_iam_role_policy.build : [
        for s in jsondecode(r.policy).Statement : s.Condition if s.Action == "ec2:CreateNetworkInterfacePermission"
        ] == [{
          StringEquals = { "ec2:AuthorizedService" = "codebuild.amazonaws.com" }
          ArnEquals = { "ec2:Subnet" = [
            "arn:aws:ec2:eu-west-2:123456789012:subnet/subnet-0aaaaaaaaaaaaaaa1",
            "arn:aws:ec2:eu-west-2:123456789012:subnet/subnet-0bbbbbbbbbbbbbbb2",
          ] }
      }]
    ])
    error_message = "Each build role may hand network interfaces to CodeBuild in the given subnets only."
  }
  assert {
    condition = alltrue([
      for r in aws_iam_role_policy.build : [
        for s in jsondecode(r.policy).Statement : s.Resource if s.Action == "ec2:CreateNetworkInterface"
        ] == [[
          "arn:aws:ec2:eu-west-2:123456789012:network-interface/*",
          "arn:aws:ec2:eu-west-2:123456789012:subnet/subnet-0aaaaaaaaaaaaaaa1",
          "arn:aws:ec2:eu-west-2:123456789012:subnet/subnet-0bbbbbbbbbbbbbbb2",
          "arn:aws:ec2:eu-west-2:123456789012:security-group/sg-0123456789abcdef0",
      ]]
    ])
    error_message = "Network interfaces can be created in the given subnets and security group only."
  }
}
