# The delivery pipeline of this repository's Terraform: CodeCommit -> CodeBuild validate ->
# CodeBuild plan -> manual approval -> CodeBuild apply of the saved plan, every store encrypted
# with the caller's KMS key. Resources refer to one another by names and ARNs built here, so each
# switch for the emulator (enable_repository, enable_build_projects) leaves its resources out
# without breaking the others.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  lowlat_tags = {
    "lowlat:env"     = var.env
    "lowlat:managed" = "true"
  }
  tags = merge(var.tags, local.lowlat_tags)

  # Artifacts are disposable outside prod; in prod the bucket is not destroyed with its objects.
  protect = var.env == "prod"

  logs_kms_key_arn = coalesce(var.logs_kms_key_arn, var.kms_key_arn)

  repository_name = coalesce(var.repository_name, var.name)
  repository_arn  = "arn:${local.partition}:codecommit:${local.region}:${local.account_id}:${local.repository_name}"

  artifact_bucket_name = coalesce(var.artifact_bucket_name, "${var.name}-cicd-artifacts-${local.account_id}")
  artifact_bucket_arn  = "arn:${local.partition}:s3:::${local.artifact_bucket_name}"

  pipeline_name = "${var.name}-terraform"
  pipeline_arn  = "arn:${local.partition}:codepipeline:${local.region}:${local.account_id}:${local.pipeline_name}"

  # The three builds: what each runs (.ci/buildspecs/<key>.yml) and which role runs it. Only the
  # deploy role (plan, apply) may assume the deployment role.
  builds = {
    validate = {
      description = "Runs the repository's checks: terraform fmt, validate and test of every module, checkov, yamllint, ansible-lint."
      role        = "validate"
    }
    plan = {
      description = "Plans terraform/environments/${var.terraform_environment} into a saved plan file and runs checkov on the plan."
      role        = "deploy"
    }
    apply = {
      description = "Applies the saved plan of terraform/environments/${var.terraform_environment} after the manual approval."
      role        = "deploy"
    }
  }
  project_names  = { for k, _ in local.builds : k => "${var.name}-${k}" }
  project_arns   = { for k, n in local.project_names : k => "arn:${local.partition}:codebuild:${local.region}:${local.account_id}:project/${n}" }
  buildspecs     = { for k, _ in local.builds : k => ".ci/buildspecs/${k}.yml" }
  log_group_name = { for k, n in local.project_names : k => "/aws/codebuild/${n}" }
  log_group_arns = { for k, n in local.log_group_name : k => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${n}" }

  # What the buildspecs read from their environment.
  common_build_env = {
    TF_ENV           = var.terraform_environment
    TF_VERSION       = var.terraform_version
    LOWLAT_TF_MIRROR = "/opt/tf-plugins"
  }
  deploy_build_env = merge(
    local.common_build_env,
    {
      DEPLOY_ROLE_ARN = var.deployment_role_arn
      TF_STATE_BUCKET = var.state_bucket_name
    },
    # Without a lock table the buildspecs lock with a lock file in the state bucket.
    var.state_lock_table_name == null ? {} : { TF_STATE_LOCK_TABLE = var.state_lock_table_name },
  )
  build_env = {
    validate = local.common_build_env
    plan     = local.deploy_build_env
    apply    = local.deploy_build_env
  }

  # Pipeline artifacts (their names become CODEBUILD_SRC_DIR_<name> in the apply build).
  source_artifact = "source_output"
  plan_artifact   = "plan_output"
}
