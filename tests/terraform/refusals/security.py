"""What each refusal run of terraform/modules/security/tests says, exactly (run name -> summary, message)."""

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
    "deletion_window_of_six_days_is_refused": (
        VARIABLE,
        "kms_deletion_window_in_days must be a whole number of days between 7 and 30.",
    ),
    "deletion_window_of_thirty_one_days_is_refused": (
        VARIABLE,
        "kms_deletion_window_in_days must be a whole number of days between 7 and 30.",
    ),
    "iam_group_as_key_admin_is_refused": (
        VARIABLE,
        "kms_key_admin_arns must be IAM role or user ARNs.",
    ),
    "user_as_market_data_key_user_is_refused": (
        VARIABLE,
        "market_data_key_user_arns must be IAM role ARNs.",
    ),
    "recovery_window_of_five_days_is_refused": (
        VARIABLE,
        "secret_recovery_window_in_days must be 0 (delete at once) or a whole number of days between 7 and 30.",
    ),
    "recovery_window_of_thirty_one_days_is_refused": (
        VARIABLE,
        "secret_recovery_window_in_days must be 0 (delete at once) or a whole number of days between 7 and 30.",
    ),
    "password_of_nineteen_characters_is_refused": (
        VARIABLE,
        "generated_password_length must be a whole number between 20 and 128.",
    ),
    "password_of_129_characters_is_refused": (
        VARIABLE,
        "generated_password_length must be a whole number between 20 and 128.",
    ),
    "value_version_zero_is_refused": (
        VARIABLE,
        "secret_value_version must be a whole number of 1 or more.",
    ),
    "role_arn_as_rotation_lambda_is_refused": (
        VARIABLE,
        "rotation_lambda_arn must be null or the ARN of a Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME).",
    ),
    "rotation_every_zero_days_is_refused": (
        VARIABLE,
        "rotation_days must be a whole number between 1 and 1000.",
    ),
    "rotation_every_1001_days_is_refused": (
        VARIABLE,
        "rotation_days must be a whole number between 1 and 1000.",
    ),
    "audit_bucket_name_with_upper_case_is_refused": (
        VARIABLE,
        "audit_bucket_name must be an S3 bucket name: 3-63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit.",
    ),
    "cloudtrail_retention_under_a_year_is_refused": (
        VARIABLE,
        "cloudtrail_log_retention_days must be one of the CloudWatch Logs retention values of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
    ),
    "cloudtrail_retention_outside_cloudwatch_values_is_refused": (
        VARIABLE,
        "cloudtrail_log_retention_days must be one of the CloudWatch Logs retention values of at least a year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
    ),
    "rate_limit_of_nine_is_refused": (
        VARIABLE,
        "waf_rate_limit must be a whole number between 10 and 2000000000 (the WAF rate-based rule range).",
    ),
    "rate_limit_over_two_billion_is_refused": (
        VARIABLE,
        "waf_rate_limit must be a whole number between 10 and 2000000000 (the WAF rate-based rule range).",
    ),
    "waf_retention_outside_cloudwatch_values_is_refused": (
        VARIABLE,
        "waf_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653.",
    ),
    "network_load_balancer_arn_is_refused": (
        VARIABLE,
        "alb_arn must be null or the ARN of an application load balancer (arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID).",
    ),
    "associate_alb_without_alb_arn_is_refused": (
        VARIABLE,
        "alb_arn must be set when associate_alb is true.",
    ),
    "unknown_persona_is_refused": (
        VARIABLE,
        "persona_principal_arns keys must be among: trader, risk_manager, compliance_auditor, platform_operator.",
    ),
    "iam_group_as_persona_principal_is_refused": (
        VARIABLE,
        "persona_principal_arns must give each persona at least one IAM user, role or account-root ARN (arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root).",
    ),
    "persona_without_principals_is_refused": (
        VARIABLE,
        "persona_principal_arns must give each persona at least one IAM user, role or account-root ARN (arn:aws:iam::ACCOUNT:user/NAME, role/NAME or root).",
    ),
    "stream_name_instead_of_arn_is_refused": (
        VARIABLE,
        "market_data_stream_arns must be Kinesis stream ARNs (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME).",
    ),
    "queue_url_instead_of_arn_is_refused": (
        VARIABLE,
        "order_queue_arns must be SQS queue ARNs (arn:aws:sqs:REGION:ACCOUNT:NAME).",
    ),
    "rule_arn_instead_of_bus_arn_is_refused": (
        VARIABLE,
        "order_event_bus_arns must be EventBridge event bus ARNs (arn:aws:events:REGION:ACCOUNT:event-bus/NAME).",
    ),
    "index_arn_instead_of_table_arn_is_refused": (
        VARIABLE,
        "positions_table_arns must be DynamoDB table ARNs (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME).",
    ),
    "instance_name_instead_of_resource_id_is_refused": (
        VARIABLE,
        "rds_db_resource_ids must be RDS resource IDs like db-ABCDEFGHIJKLMNOPQRSTUVWXYZ.",
    ),
    "db_username_with_a_dash_is_refused": (
        VARIABLE,
        "risk_db_username must be 1-63 lower-case letters, digits or underscores, not starting with a digit.",
    ),
}
