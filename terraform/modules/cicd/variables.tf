################################################################################
# Common
################################################################################

variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod, ...). In prod the artifact bucket is not destroyed with its objects."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged into every taggable resource (the module's Name tags win)."
  default     = {}
}

################################################################################
# Encryption
################################################################################

variable "kms_key_arn" {
  type        = string
  description = "Customer-managed KMS key of the pipeline: the CodeCommit repository, the artifact bucket (SSE-KMS), the CodePipeline artifact store and the CodeBuild projects."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "KMS key of the CodeBuild log groups (its key policy must let CloudWatch Logs use it, like the security module's logs key). null: kms_key_arn."
  default     = null

  validation {
    condition     = var.logs_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

################################################################################
# Source: CodeCommit
################################################################################

variable "repository_name" {
  type        = string
  description = "Name of the CodeCommit repository that holds this Terraform. null: the value of name."
  default     = null

  validation {
    condition     = var.repository_name == null || can(regex("^[A-Za-z0-9._-]{1,100}$", var.repository_name))
    error_message = "repository_name must be 1-100 letters, digits, dots, underscores or dashes (CodeCommit's repository name rules)."
  }

  validation {
    condition     = var.repository_name == null || !endswith(lower(coalesce(var.repository_name, "x")), ".git")
    error_message = "repository_name must not end in .git (CodeCommit refuses such names)."
  }
}

variable "default_branch" {
  type        = string
  description = "Branch the pipeline builds and deploys; also the repository's default branch and the destination the pull-request approval rule guards."
  default     = "main"

  validation {
    condition = (
      can(regex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$", var.default_branch)) &&
      !strcontains(var.default_branch, "..") &&
      !strcontains(var.default_branch, "//") &&
      !endswith(var.default_branch, "/") &&
      !endswith(var.default_branch, ".") &&
      !endswith(var.default_branch, ".lock")
    )
    error_message = "default_branch must be a Git branch name of up to 100 letters, digits, dots, underscores, dashes and slashes, starting with a letter or digit, without \"..\" or \"//\", not ending in \"/\", \".\" or \".lock\"."
  }
}

variable "pull_request_approvals" {
  type        = number
  description = "Approvals a pull request into default_branch needs (CodeCommit approval rule template associated with the repository)."
  default     = 2

  validation {
    condition     = var.pull_request_approvals >= 1 && var.pull_request_approvals <= 10 && floor(var.pull_request_approvals) == var.pull_request_approvals
    error_message = "pull_request_approvals must be a whole number between 1 and 10."
  }
}

################################################################################
# Artifact bucket
################################################################################

variable "artifact_bucket_name" {
  type        = string
  description = "Name of the pipeline's artifact bucket. null: <name>-cicd-artifacts-<account id>."
  default     = null

  validation {
    condition     = var.artifact_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_bucket_name))
    error_message = "artifact_bucket_name must be 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit."
  }

  validation {
    condition = var.artifact_bucket_name == null || !(
      strcontains(coalesce(var.artifact_bucket_name, "x"), "..") ||
      can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", coalesce(var.artifact_bucket_name, "x"))) ||
      startswith(coalesce(var.artifact_bucket_name, "x"), "xn--") ||
      startswith(coalesce(var.artifact_bucket_name, "x"), "sthree-") ||
      startswith(coalesce(var.artifact_bucket_name, "x"), "amzn-s3-demo-") ||
      endswith(coalesce(var.artifact_bucket_name, "x"), "-s3alias") ||
      endswith(coalesce(var.artifact_bucket_name, "x"), "--ol-s3") ||
      endswith(coalesce(var.artifact_bucket_name, "x"), ".mrap") ||
      endswith(coalesce(var.artifact_bucket_name, "x"), "--x-s3")
    )
    error_message = "artifact_bucket_name must not contain \"..\", look like an IP address, start with xn--, sthree- or amzn-s3-demo-, or end with -s3alias, --ol-s3, .mrap or --x-s3 (S3 reserves these forms)."
  }
}

variable "artifact_expiration_days" {
  type        = number
  description = "Days after which pipeline artifacts (source snapshots, saved plans) expire; older versions expire the same number of days after they are replaced."
  default     = 90

  validation {
    condition     = var.artifact_expiration_days >= 1 && var.artifact_expiration_days <= 3650 && floor(var.artifact_expiration_days) == var.artifact_expiration_days
    error_message = "artifact_expiration_days must be a whole number of days between 1 and 3650."
  }
}

variable "access_log_bucket_name" {
  type        = string
  description = "Existing bucket that receives the artifact bucket's S3 server access logs (under <artifact bucket>/). null: no access logging."
  default     = null

  validation {
    condition     = var.access_log_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be null or an S3 bucket name: 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit."
  }
}

variable "artifact_replication" {
  type = object({
    destination_bucket_arn  = string
    destination_kms_key_arn = string
  })
  description = "Cross-region replication of the artifact bucket (disaster-recovery copy of the saved plans and source snapshots) into a versioned bucket the caller made in another region, encrypted there with destination_kms_key_arn. null: no replication."
  default     = null

  validation {
    condition     = var.artifact_replication == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifact_replication.destination_bucket_arn))
    error_message = "artifact_replication.destination_bucket_arn must be an S3 bucket ARN like arn:aws:s3:::lowlat-prod-dr-cicd."
  }

  validation {
    condition     = var.artifact_replication == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.artifact_replication.destination_kms_key_arn))
    error_message = "artifact_replication.destination_kms_key_arn must be a KMS key ARN in the destination region (arn:aws:kms:REGION:ACCOUNT:key/ID)."
  }
}

################################################################################
# CodeBuild
################################################################################

variable "codebuild_image" {
  type        = string
  description = "CodeBuild-managed x86_64 Linux image of the three projects (they run without privileged mode)."
  default     = "aws/codebuild/standard:7.0"

  validation {
    condition     = can(regex("^aws/codebuild/(standard|amazonlinux2-x86_64-standard|amazonlinux-x86_64-standard):[0-9]+\\.[0-9]+$", var.codebuild_image))
    error_message = "codebuild_image must be a CodeBuild-managed x86_64 Linux image such as aws/codebuild/standard:7.0 or aws/codebuild/amazonlinux-x86_64-standard:5.0."
  }
}

variable "compute_type" {
  type        = string
  description = "CodeBuild compute type of the three projects."
  default     = "BUILD_GENERAL1_SMALL"

  validation {
    condition     = contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"], var.compute_type)
    error_message = "compute_type must be one of BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE or BUILD_GENERAL1_2XLARGE (Linux containers)."
  }
}

variable "build_timeout_minutes" {
  type        = number
  description = "Minutes a build may run before CodeBuild stops it."
  default     = 60

  validation {
    condition     = var.build_timeout_minutes >= 5 && var.build_timeout_minutes <= 2160 && floor(var.build_timeout_minutes) == var.build_timeout_minutes
    error_message = "build_timeout_minutes must be a whole number between 5 and 2160."
  }
}

variable "queued_timeout_minutes" {
  type        = number
  description = "Minutes a build may wait in the queue before CodeBuild drops it."
  default     = 60

  validation {
    condition     = var.queued_timeout_minutes >= 5 && var.queued_timeout_minutes <= 480 && floor(var.queued_timeout_minutes) == var.queued_timeout_minutes
    error_message = "queued_timeout_minutes must be a whole number between 5 and 480."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the CodeBuild log groups."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "vpc_config" {
  type = object({
    vpc_id             = string
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  description = "Run the builds inside a VPC (private subnets with a NAT or endpoints to AWS and the Terraform registry). null: CodeBuild's own network."
  default     = null

  validation {
    condition     = var.vpc_config == null || can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_config.vpc_id))
    error_message = "vpc_config.vpc_id must look like vpc-0123456789abcdef0."
  }

  validation {
    condition = var.vpc_config == null || (
      length(try(var.vpc_config.subnet_ids, [])) >= 1 &&
      length(try(var.vpc_config.security_group_ids, [])) >= 1 &&
      length(try(var.vpc_config.security_group_ids, [])) <= 5 &&
      alltrue([for s in try(var.vpc_config.subnet_ids, []) : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))]) &&
      alltrue([for s in try(var.vpc_config.security_group_ids, []) : can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    )
    error_message = "vpc_config needs at least one subnet ID like subnet-0123456789abcdef0 and 1-5 security group IDs like sg-0123456789abcdef0."
  }
}

################################################################################
# What plan and apply deploy
################################################################################

variable "terraform_environment" {
  type        = string
  description = "Directory of terraform/environments that the plan and apply projects deploy (the buildspecs get it as TF_ENV)."

  validation {
    condition     = contains([for f in fileset("${path.module}/../../environments", "*/main.tf") : dirname(f)], var.terraform_environment)
    error_message = "terraform_environment must name one of the repository's environments (a directory of terraform/environments with a main.tf)."
  }
}

variable "terraform_version" {
  type        = string
  description = "Terraform release the buildspecs install (checked against HashiCorp's published SHA256SUMS)."
  default     = "1.11.4"

  validation {
    condition     = can(regex("^1\\.(9|1[0-9])\\.[0-9]+$", var.terraform_version))
    error_message = "terraform_version must be a Terraform release of 1.9.0 or later in the 1.x line, like 1.11.4."
  }
}

variable "deployment_role_arn" {
  type        = string
  description = "IAM role that Terraform assumes in the plan and apply builds (its trust policy must allow the deploy role this module outputs). The validate builds cannot assume it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", var.deployment_role_arn))
    error_message = "deployment_role_arn must be the ARN of one IAM role (arn:aws:iam::ACCOUNT:role/NAME), without wildcards."
  }
}

variable "state_bucket_name" {
  type        = string
  description = "S3 bucket of the Terraform state (the environments' S3 backend); the plan and apply builds reach it as the deployment role."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be an S3 bucket name: 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit."
  }
}

variable "state_lock_table_name" {
  type        = string
  description = "DynamoDB table that locks the state. null: S3 native locking (a lock file next to the state, Terraform 1.10+)."
  default     = null

  validation {
    condition     = var.state_lock_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.state_lock_table_name))
    error_message = "state_lock_table_name must be null or a DynamoDB table name: 3-255 letters, digits, underscores, dots or dashes."
  }
}

################################################################################
# Pipeline
################################################################################

variable "approval_sns_topic_arn" {
  type        = string
  description = "SNS topic the manual approval notifies (e.g. the events module's notification topic). null: no notification."
  default     = null

  validation {
    condition     = var.approval_sns_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.approval_sns_topic_arn))
    error_message = "approval_sns_topic_arn must be null or an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)."
  }
}

variable "approval_sns_kms_key_arn" {
  type        = string
  description = "KMS key of an encrypted approval topic, so the pipeline role may publish to it. null: the topic is not encrypted with a customer-managed key."
  default     = null

  validation {
    condition     = var.approval_sns_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.approval_sns_kms_key_arn))
    error_message = "approval_sns_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }

  validation {
    condition     = var.approval_sns_kms_key_arn == null || var.approval_sns_topic_arn != null
    error_message = "approval_sns_kms_key_arn is only used with approval_sns_topic_arn; set the topic or leave the key null."
  }
}

variable "start_on_push" {
  type        = bool
  description = "An EventBridge rule starts the pipeline on every push to default_branch (the source action then does not poll). false: CodePipeline polls the branch."
  default     = true
}

################################################################################
# Switches for what an emulator lacks (all on for AWS)
################################################################################

variable "enable_repository" {
  type        = bool
  description = "Create the CodeCommit repository and its approval rule (off: a repository of that name is managed elsewhere; moto cannot create one)."
  default     = true
}

variable "enable_build_projects" {
  type        = bool
  description = "Create the three CodeBuild projects (off: leaves them out; moto refuses CODEPIPELINE-sourced projects)."
  default     = true
}
