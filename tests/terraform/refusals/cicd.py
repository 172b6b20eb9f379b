"""What each refusal run of terraform/modules/cicd/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "kms_alias_for_the_pipeline_key_is_refused": (
        VARIABLE,
        "kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "bare_key_id_for_the_logs_key_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "repository_name_with_a_space_is_refused": (
        VARIABLE,
        "repository_name must be 1-100 letters, digits, dots, underscores or dashes (CodeCommit's repository name rules).",
    ),
    "repository_name_of_101_characters_is_refused": (
        VARIABLE,
        "repository_name must be 1-100 letters, digits, dots, underscores or dashes (CodeCommit's repository name rules).",
    ),
    "repository_name_ending_in_dot_git_is_refused": (
        VARIABLE,
        "repository_name must not end in .git (CodeCommit refuses such names).",
    ),
    "branch_with_two_dots_is_refused": (
        VARIABLE,
        'default_branch must be a Git branch name of up to 100 letters, digits, dots, underscores, dashes and slashes, starting with a letter or digit, without ".." or "//", not ending in "/", "." or ".lock".',
    ),
    "branch_ending_in_dot_lock_is_refused": (
        VARIABLE,
        'default_branch must be a Git branch name of up to 100 letters, digits, dots, underscores, dashes and slashes, starting with a letter or digit, without ".." or "//", not ending in "/", "." or ".lock".',
    ),
    "zero_approvals_are_refused": (
        VARIABLE,
        "pull_request_approvals must be a whole number between 1 and 10.",
    ),
    "eleven_approvals_are_refused": (
        VARIABLE,
        "pull_request_approvals must be a whole number between 1 and 10.",
    ),
    "bucket_name_with_upper_case_is_refused": (
        VARIABLE,
        "artifact_bucket_name must be 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit.",
    ),
    "bucket_name_of_two_characters_is_refused": (
        VARIABLE,
        "artifact_bucket_name must be 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit.",
    ),
    "bucket_name_like_an_ip_address_is_refused": (
        VARIABLE,
        'artifact_bucket_name must not contain "..", look like an IP address, start with xn--, sthree- or amzn-s3-demo-, or end with -s3alias, --ol-s3, .mrap or --x-s3 (S3 reserves these forms).',
    ),
    "bucket_name_with_two_adjacent_dots_is_refused": (
        VARIABLE,
        'artifact_bucket_name must not contain "..", look like an IP address, start with xn--, sthree- or amzn-s3-demo-, or end with -s3alias, --ol-s3, .mrap or --x-s3 (S3 reserves these forms).',
    ),
    "bucket_name_with_the_xn_prefix_is_refused": (
        VARIABLE,
        'artifact_bucket_name must not contain "..", look like an IP address, start with xn--, sthree- or amzn-s3-demo-, or end with -s3alias, --ol-s3, .mrap or --x-s3 (S3 reserves these forms).',
    ),
    "zero_day_artifact_expiry_is_refused": (
        VARIABLE,
        "artifact_expiration_days must be a whole number of days between 1 and 3650.",
    ),
    "artifact_expiry_over_ten_years_is_refused": (
        VARIABLE,
        "artifact_expiration_days must be a whole number of days between 1 and 3650.",
    ),
    "access_log_bucket_with_underscores_is_refused": (
        VARIABLE,
        "access_log_bucket_name must be null or an S3 bucket name: 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit.",
    ),
    "replication_to_a_bucket_name_instead_of_an_arn_is_refused": (
        VARIABLE,
        "artifact_replication.destination_bucket_arn must be an S3 bucket ARN like arn:aws:s3:::lowlat-prod-dr-cicd.",
    ),
    "replication_with_a_key_alias_is_refused": (
        VARIABLE,
        "artifact_replication.destination_kms_key_arn must be a KMS key ARN in the destination region (arn:aws:kms:REGION:ACCOUNT:key/ID).",
    ),
    "windows_image_is_refused": (
        VARIABLE,
        "codebuild_image must be a CodeBuild-managed x86_64 Linux image such as aws/codebuild/standard:7.0 or aws/codebuild/amazonlinux-x86_64-standard:5.0.",
    ),
    "docker_hub_image_is_refused": (
        VARIABLE,
        "codebuild_image must be a CodeBuild-managed x86_64 Linux image such as aws/codebuild/standard:7.0 or aws/codebuild/amazonlinux-x86_64-standard:5.0.",
    ),
    "lambda_compute_type_is_refused": (
        VARIABLE,
        "compute_type must be one of BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE or BUILD_GENERAL1_2XLARGE (Linux containers).",
    ),
    "build_timeout_of_four_minutes_is_refused": (
        VARIABLE,
        "build_timeout_minutes must be a whole number between 5 and 2160.",
    ),
    "build_timeout_over_36_hours_is_refused": (
        VARIABLE,
        "build_timeout_minutes must be a whole number between 5 and 2160.",
    ),
    "queued_timeout_of_four_minutes_is_refused": (
        VARIABLE,
        "queued_timeout_minutes must be a whole number between 5 and 480.",
    ),
    "queued_timeout_over_8_hours_is_refused": (
        VARIABLE,
        "queued_timeout_minutes must be a whole number between 5 and 480.",
    ),
    "log_retention_under_a_year_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "log_retention_cloudwatch_does_not_offer_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "vpc_id_of_another_resource_is_refused": (
        VARIABLE,
        "vpc_config.vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "vpc_without_subnets_is_refused": (
        VARIABLE,
        "vpc_config needs at least one subnet ID like subnet-0123456789abcdef0 and 1-5 security group IDs like sg-0123456789abcdef0.",
    ),
    "vpc_with_six_security_groups_is_refused": (
        VARIABLE,
        "vpc_config needs at least one subnet ID like subnet-0123456789abcdef0 and 1-5 security group IDs like sg-0123456789abcdef0.",
    ),
    "environment_the_repository_does_not_have_is_refused": (
        VARIABLE,
        "terraform_environment must name one of the repository's environments (a directory of terraform/environments with a main.tf).",
    ),
    "environment_given_as_a_path_is_refused": (
        VARIABLE,
        "terraform_environment must name one of the repository's environments (a directory of terraform/environments with a main.tf).",
    ),
    "terraform_older_than_1_9_is_refused": (
        VARIABLE,
        "terraform_version must be a Terraform release of 1.9.0 or later in the 1.x line, like 1.11.4.",
    ),
    "terraform_version_latest_is_refused": (
        VARIABLE,
        "terraform_version must be a Terraform release of 1.9.0 or later in the 1.x line, like 1.11.4.",
    ),
    "wildcard_deployment_role_is_refused": (
        VARIABLE,
        "deployment_role_arn must be the ARN of one IAM role (arn:aws:iam::ACCOUNT:role/NAME), without wildcards.",
    ),
    "iam_user_as_deployment_role_is_refused": (
        VARIABLE,
        "deployment_role_arn must be the ARN of one IAM role (arn:aws:iam::ACCOUNT:role/NAME), without wildcards.",
    ),
    "state_bucket_with_upper_case_is_refused": (
        VARIABLE,
        "state_bucket_name must be an S3 bucket name: 3-63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit.",
    ),
    "lock_table_of_two_characters_is_refused": (
        VARIABLE,
        "state_lock_table_name must be null or a DynamoDB table name: 3-255 letters, digits, underscores, dots or dashes.",
    ),
    "queue_arn_as_approval_topic_is_refused": (
        VARIABLE,
        "approval_sns_topic_arn must be null or an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC).",
    ),
    "alias_as_approval_topic_key_is_refused": (
        VARIABLE,
        "approval_sns_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "approval_topic_key_without_a_topic_is_refused": (
        VARIABLE,
        "approval_sns_kms_key_arn is only used with approval_sns_topic_arn; set the topic or leave the key null.",
    ),
}
