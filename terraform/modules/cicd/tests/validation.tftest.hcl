# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and a passing run with the accepted edge values. Offline: every AWS
# answer comes from the mock. The shared inputs come from tests/terraform.tfvars.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "edge_values_are_accepted" {
  command = plan

  variables {
    name                     = "abc"
    env                      = "p1"
    repository_name          = "Lowlat_Platform.infra-rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
    default_branch           = "release/2026.12_hotfix-1"
    pull_request_approvals   = 10
    artifact_bucket_name     = "lowlat.prod-cicd-artifacts-123456789012-eu-west-2-aaaaaaaaaaaaa"
    artifact_expiration_days = 3650
    access_log_bucket_name   = "abc"
    artifact_replication = {
      destination_bucket_arn  = "arn:aws:s3:::lowlat-dr-cicd"
      destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/44444444-4444-4444-4444-444444444444"
    }
    codebuild_image        = "aws/codebuild/amazonlinux2-x86_64-standard:5.0"
    compute_type           = "BUILD_GENERAL1_2XLARGE"
    build_timeout_minutes  = 2160
    queued_timeout_minutes = 480
    log_retention_days     = 3653
    vpc_config = {
      vpc_id             = "vpc-01234567"
      subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1"]
      security_group_ids = ["sg-00000001", "sg-00000002", "sg-00000003", "sg-00000004", "sg-00000005"]
    }
    terraform_environment    = "prod"
    terraform_version        = "1.9.0"
    deployment_role_arn      = "arn:aws:iam::123456789012:role/platform/lowlat-prod-deploy"
    state_bucket_name        = "abc"
    state_lock_table_name    = "abc"
    approval_sns_topic_arn   = "arn:aws:sns:eu-west-2:123456789012:lowlat-prod-notifications"
    approval_sns_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-3333-3333-333333333333"
  }

  assert {
    condition     = length(aws_codecommit_repository.this[0].repository_name) == 100 && length(aws_s3_bucket.artifacts.bucket) == 63
    error_message = "A 100-character repository name and a 63-character bucket name are accepted."
  }
  assert {
    condition     = alltrue([for p in aws_codebuild_project.this : p.build_timeout == 2160 && p.queued_timeout == 480 && length(p.vpc_config[0].security_group_ids) == 5])
    error_message = "The longest timeouts and five security groups reach the projects."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.build : g.retention_in_days == 3653])
    error_message = "The longest CloudWatch retention is accepted."
  }
}

################################################################################
# Refused
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "pre-prod"
  }

  expect_failures = [var.env]
}

run "kms_alias_for_the_pipeline_key_is_refused" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-cicd"
  }

  expect_failures = [var.kms_key_arn]
}

run "bare_key_id_for_the_logs_key_is_refused" {
  command = plan

  variables {
    logs_kms_key_arn = "22222222-2222-2222-2222-222222222222"
  }

  expect_failures = [var.logs_kms_key_arn]
}

run "repository_name_with_a_space_is_refused" {
  command = plan

  variables {
    repository_name = "lowlat platform"
  }

  expect_failures = [var.repository_name]
}

run "repository_name_of_101_characters_is_refused" {
  command = plan

  variables {
    repository_name = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
  }

  expect_failures = [var.repository_name]
}

run "repository_name_ending_in_dot_git_is_refused" {
  command = plan

  variables {
    repository_name = "lowlat-platform.git"
  }

  expect_failures = [var.repository_name]
}

run "branch_with_two_dots_is_refused" {
  command = plan

  variables {
    default_branch = "release..2026"
  }

  expect_failures = [var.default_branch]
}

run "branch_ending_in_dot_lock_is_refused" {
  command = plan

  variables {
    default_branch = "main.lock"
  }

  expect_failures = [var.default_branch]
}

run "zero_approvals_are_refused" {
  command = plan

  variables {
    pull_request_approvals = 0
  }

  expect_failures = [var.pull_request_approvals]
}

run "eleven_approvals_are_refused" {
  command = plan

  variables {
    pull_request_approvals = 11
  }

  expect_failures = [var.pull_request_approvals]
}

run "bucket_name_with_upper_case_is_refused" {
  command = plan

  variables {
    artifact_bucket_name = "Lowlat-Artifacts"
  }

  expect_failures = [var.artifact_bucket_name]
}

run "bucket_name_of_two_characters_is_refused" {
  command = plan

  variables {
    artifact_bucket_name = "ab"
  }

  expect_failures = [var.artifact_bucket_name]
}

run "bucket_name_like_an_ip_address_is_refused" {
  command = plan

  variables {
    artifact_bucket_name = "192.168.10.20"
  }

  expect_failures = [var.artifact_bucket_name]
}

run "bucket_name_with_two_adjacent_dots_is_refused" {
  command = plan

  variables {
    artifact_bucket_name = "lowlat..artifacts"
  }

  expect_failures = [var.artifact_bucket_name]
}

run "bucket_name_with_the_xn_prefix_is_refused" {
  command = plan

  variables {
    artifact_bucket_name = "xn--lowlat-artifacts"
  }

  expect_failures = [var.artifact_bucket_name]
}

run "zero_day_artifact_expiry_is_refused" {
  command = plan

  variables {
    artifact_expiration_days = 0
  }

  expect_failures = [var.artifact_expiration_days]
}

run "artifact_expiry_over_ten_years_is_refused" {
  command = plan

  variables {
    artifact_expiration_days = 3651
  }

  expect_failures = [var.artifact_expiration_days]
}

run "access_log_bucket_with_underscores_is_refused" {
  command = plan

  variables {
    access_log_bucket_name = "lowlat_access_logs"
  }

  expect_failures = [var.access_log_bucket_name]
}

run "replication_to_a_bucket_name_instead_of_an_arn_is_refused" {
  command = plan

  variables {
    artifact_replication = {
      destination_bucket_arn  = "lowlat-dev-dr-cicd"
      destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/44444444-4444-4444-4444-444444444444"
    }
  }

  expect_failures = [var.artifact_replication]
}

run "replication_with_a_key_alias_is_refused" {
  command = plan

  variables {
    artifact_replication = {
      destination_bucket_arn  = "arn:aws:s3:::lowlat-dev-dr-cicd"
      destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/lowlat-dr"
    }
  }

  expect_failures = [var.artifact_replication]
}

run "windows_image_is_refused" {
  command = plan

  variables {
    codebuild_image = "aws/codebuild/windows-base:2019-3.0"
  }

  expect_failures = [var.codebuild_image]
}

run "docker_hub_image_is_refused" {
  command = plan

  variables {
    codebuild_image = "hashicorp/terraform:1.11"
  }

  expect_failures = [var.codebuild_image]
}

run "lambda_compute_type_is_refused" {
  command = plan

  variables {
    compute_type = "BUILD_LAMBDA_1GB"
  }

  expect_failures = [var.compute_type]
}

run "build_timeout_of_four_minutes_is_refused" {
  command = plan

  variables {
    build_timeout_minutes = 4
  }

  expect_failures = [var.build_timeout_minutes]
}

run "build_timeout_over_36_hours_is_refused" {
  command = plan

  variables {
    build_timeout_minutes = 2161
  }

  expect_failures = [var.build_timeout_minutes]
}

run "queued_timeout_of_four_minutes_is_refused" {
  command = plan

  variables {
    queued_timeout_minutes = 4
  }

  expect_failures = [var.queued_timeout_minutes]
}

run "queued_timeout_over_8_hours_is_refused" {
  command = plan

  variables {
    queued_timeout_minutes = 481
  }

  expect_failures = [var.queued_timeout_minutes]
}

run "log_retention_under_a_year_is_refused" {
  command = plan

  variables {
    log_retention_days = 180
  }

  expect_failures = [var.log_retention_days]
}

run "log_retention_cloudwatch_does_not_offer_is_refused" {
  command = plan

  variables {
    log_retention_days = 500
  }

  expect_failures = [var.log_retention_days]
}

run "vpc_id_of_another_resource_is_refused" {
  command = plan

  variables {
    vpc_config = {
      vpc_id             = "subnet-0123456789abcdef0"
      subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1"]
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  expect_failures = [var.vpc_config]
}

run "vpc_without_subnets_is_refused" {
  command = plan

  variables {
    vpc_config = {
      vpc_id             = "vpc-0123456789abcdef0"
      subnet_ids         = []
      security_group_ids = ["sg-0123456789abcdef0"]
    }
  }

  expect_failures = [var.vpc_config]
}

run "vpc_with_six_security_groups_is_refused" {
  command = plan

  variables {
    vpc_config = {
      vpc_id             = "vpc-0123456789abcdef0"
      subnet_ids         = ["subnet-0aaaaaaaaaaaaaaa1"]
      security_group_ids = ["sg-00000001", "sg-00000002", "sg-00000003", "sg-00000004", "sg-00000005", "sg-00000006"]
    }
  }

  expect_failures = [var.vpc_config]
}

run "environment_the_repository_does_not_have_is_refused" {
  command = plan

  variables {
    terraform_environment = "staging"
  }

  expect_failures = [var.terraform_environment]
}

run "environment_given_as_a_path_is_refused" {
  command = plan

  variables {
    terraform_environment = "../environments/dev"
  }

  expect_failures = [var.terraform_environment]
}

run "terraform_older_than_1_9_is_refused" {
  command = plan

  variables {
    terraform_version = "1.8.5"
  }

  expect_failures = [var.terraform_version]
}

run "terraform_version_latest_is_refused" {
  command = plan

  variables {
    terraform_version = "latest"
  }

  expect_failures = [var.terraform_version]
}

run "wildcard_deployment_role_is_refused" {
  command = plan

  variables {
    deployment_role_arn = "arn:aws:iam::123456789012:role/*"
  }

  expect_failures = [var.deployment_role_arn]
}

run "iam_user_as_deployment_role_is_refused" {
  command = plan

  variables {
    deployment_role_arn = "arn:aws:iam::123456789012:user/deployer"
  }

  expect_failures = [var.deployment_role_arn]
}

run "state_bucket_with_upper_case_is_refused" {
  command = plan

  variables {
    state_bucket_name = "Lowlat_State"
  }

  expect_failures = [var.state_bucket_name]
}

run "lock_table_of_two_characters_is_refused" {
  command = plan

  variables {
    state_lock_table_name = "tf"
  }

  expect_failures = [var.state_lock_table_name]
}

run "queue_arn_as_approval_topic_is_refused" {
  command = plan

  variables {
    approval_sns_topic_arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-approvals"
  }

  expect_failures = [var.approval_sns_topic_arn]
}

run "alias_as_approval_topic_key_is_refused" {
  command = plan

  variables {
    approval_sns_topic_arn   = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-notifications"
    approval_sns_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-orders"
  }

  expect_failures = [var.approval_sns_kms_key_arn]
}

run "approval_topic_key_without_a_topic_is_refused" {
  command = plan

  variables {
    approval_sns_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-3333-3333-333333333333"
  }

  expect_failures = [var.approval_sns_kms_key_arn]
}
