"""What each refusal run of terraform/modules/serverless/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "statement_with_a_bare_wildcard_action_is_refused": (
        VARIABLE,
        "functions: each statement needs an alphanumeric sid, at least one resource and actions of the form service:Action (a trailing * is allowed, a bare * is not).",
    ),
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "function_key_with_a_dash_is_refused": (
        VARIABLE,
        "functions keys must be 2-31 lower-case letters, digits or underscores, starting with a letter (e.g. order_status).",
    ),
    "package_that_is_not_a_zip_is_refused": (
        VARIABLE,
        "functions: each zip_path must name an existing .zip file; build the packages with tools/build_lambdas.py (terraform/build/lambda/<function>.zip).",
    ),
    "package_that_was_not_built_is_refused": (
        VARIABLE,
        "functions: each zip_path must name an existing .zip file; build the packages with tools/build_lambdas.py (terraform/build/lambda/<function>.zip).",
    ),
    "handler_without_a_function_name_is_refused": (
        VARIABLE,
        "functions: each handler must be module.function with Python identifiers (e.g. handler.handler).",
    ),
    "unsupported_runtime_is_refused": (
        VARIABLE,
        "functions: each runtime must be a supported Python runtime: python3.11, python3.12 or python3.13.",
    ),
    "non_python_runtime_is_refused": (
        VARIABLE,
        "functions: each runtime must be a supported Python runtime: python3.11, python3.12 or python3.13.",
    ),
    "memory_of_64_mb_is_refused": (
        VARIABLE,
        "functions: each memory_mb must be a whole number of MB between 128 and 10240.",
    ),
    "memory_above_10240_mb_is_refused": (
        VARIABLE,
        "functions: each memory_mb must be a whole number of MB between 128 and 10240.",
    ),
    "timeout_of_901_seconds_is_refused": (
        VARIABLE,
        "functions: each timeout_seconds must be a whole number of seconds between 1 and 900.",
    ),
    "timeout_of_0_seconds_is_refused": (
        VARIABLE,
        "functions: each timeout_seconds must be a whole number of seconds between 1 and 900.",
    ),
    "reserved_concurrency_of_0_is_refused": (
        VARIABLE,
        "functions: a reserved_concurrency of 0 stops the function (every invocation is throttled); use 1 or more, or -1 for the unreserved pool.",
    ),
    "reserved_concurrency_below_minus_one_is_refused": (
        VARIABLE,
        "functions: each reserved_concurrency must be a whole number from 1 to 1000, or -1 for the unreserved pool.",
    ),
    "reserved_concurrency_above_1000_is_refused": (
        VARIABLE,
        "functions: each reserved_concurrency must be a whole number from 1 to 1000, or -1 for the unreserved pool.",
    ),
    "environment_name_reserved_by_lambda_is_refused": (
        VARIABLE,
        "functions: environment names must be letters, digits and underscores starting with a letter, and must not start with AWS_ or LAMBDA_ (reserved by Lambda).",
    ),
    "environment_name_with_a_dash_is_refused": (
        VARIABLE,
        "functions: environment names must be letters, digits and underscores starting with a letter, and must not start with AWS_ or LAMBDA_ (reserved by Lambda).",
    ),
    "secret_in_the_environment_is_refused": (
        VARIABLE,
        "functions: environment must not carry secrets (a name contains PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL); pass the secret's ARN and read it from Secrets Manager at run time.",
    ),
    "table_name_instead_of_arn_is_refused": (
        VARIABLE,
        "functions: each table_arns entry must be a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME), not a table name or an index ARN.",
    ),
    "dlq_url_instead_of_arn_is_refused": (
        VARIABLE,
        "existing_dlq_arns values must be SQS queue ARNs (arn:aws:sqs:REGION:ACCOUNT:NAME), not queue URLs or names.",
    ),
    "dlq_for_an_unknown_function_is_refused": (
        VARIABLE,
        "existing_dlq_arns keys must be keys of functions.",
    ),
    "log_retention_below_a_year_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "signing_profile_instead_of_its_version_is_refused": (
        VARIABLE,
        "code_signing_profile_version_arns must hold at most 20 signing profile version ARNs (arn:aws:signer:REGION:ACCOUNT:/signing-profiles/NAME/VERSION).",
    ),
    "code_signing_policy_off_is_refused": (
        VARIABLE,
        "code_signing_policy must be Enforce or Warn.",
    ),
    "vpc_id_of_a_subnet_is_refused": (
        VARIABLE,
        "vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "vpc_cidr_without_a_prefix_length_is_refused": (
        VARIABLE,
        "vpc_cidr_block must be a valid IPv4 CIDR between /16 and /28.",
    ),
    "vpc_cidr_wider_than_16_is_refused": (
        VARIABLE,
        "vpc_cidr_block must be a valid IPv4 CIDR between /16 and /28.",
    ),
    "one_private_subnet_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold 2-16 subnet IDs like subnet-0123456789abcdef0 (one per availability zone).",
    ),
    "subnet_name_instead_of_id_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold 2-16 subnet IDs like subnet-0123456789abcdef0 (one per availability zone).",
    ),
    "prefix_list_name_instead_of_id_is_refused": (
        VARIABLE,
        "egress_prefix_lists must map short lower-case names (e.g. dynamodb, s3) to prefix list IDs like pl-0123456789abcdef0.",
    ),
    "prefix_list_key_with_upper_case_is_refused": (
        VARIABLE,
        "egress_prefix_lists must map short lower-case names (e.g. dynamodb, s3) to prefix list IDs like pl-0123456789abcdef0.",
    ),
    "https_egress_cidr_without_a_prefix_length_is_refused": (
        VARIABLE,
        "egress_https_cidrs must be IPv4 CIDRs.",
    ),
    "lambda_key_alias_is_refused": (
        VARIABLE,
        "lambda_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "logs_key_id_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "orders_key_alias_arn_is_refused": (
        VARIABLE,
        "orders_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "table_key_alias_is_refused": (
        VARIABLE,
        "table_kms_key_arns must hold KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID), not aliases or key IDs.",
    ),
    "no_routes_are_refused": (
        VARIABLE,
        'routes must hold at least one route "METHOD /path": GET, POST, PUT, PATCH or DELETE and 1-3 lower-case path segments, the first literal, the others literal or {parameter}.',
    ),
    "route_without_a_method_is_refused": (
        VARIABLE,
        'routes must hold at least one route "METHOD /path": GET, POST, PUT, PATCH or DELETE and 1-3 lower-case path segments, the first literal, the others literal or {parameter}.',
    ),
    "route_to_an_unknown_function_is_refused": (
        VARIABLE,
        "routes: each route must name a function that is a key of functions.",
    ),
    "routed_function_with_a_30_second_timeout_is_refused": (
        VARIABLE,
        "routes: a function behind a route must have timeout_seconds of at most 29: API Gateway answers 504 after 29 seconds.",
    ),
    "stage_name_with_a_slash_is_refused": (
        VARIABLE,
        "api_stage_name must be 1-32 lower-case letters, digits or underscores, starting with a letter.",
    ),
    "api_endpoint_of_another_kind_is_refused": (
        VARIABLE,
        "api_vpc_endpoint_ids must hold VPC endpoint IDs like vpce-0123456789abcdef0.",
    ),
    "throttle_burst_of_0_is_refused": (
        VARIABLE,
        "throttle_burst_limit must be a whole number of requests between 1 and 5000 (the account's default burst).",
    ),
    "throttle_burst_above_5000_is_refused": (
        VARIABLE,
        "throttle_burst_limit must be a whole number of requests between 1 and 5000 (the account's default burst).",
    ),
    "throttle_rate_of_0_is_refused": (
        VARIABLE,
        "throttle_rate_limit must be more than 0 and at most 10000 requests per second (the account's default rate).",
    ),
    "throttle_rate_above_10000_is_refused": (
        VARIABLE,
        "throttle_rate_limit must be more than 0 and at most 10000 requests per second (the account's default rate).",
    ),
    "logging_level_debug_is_refused": (
        VARIABLE,
        "api_logging_level must be ERROR or INFO.",
    ),
}
