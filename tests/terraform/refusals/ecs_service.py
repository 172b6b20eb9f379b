"""What each refusal run of terraform/modules/ecs_service/tests says, exactly (run name -> summary, message)."""

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
    "vpc_id_of_another_resource_is_refused": (
        VARIABLE,
        "vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "one_public_subnet_is_refused": (
        VARIABLE,
        "public_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (an Application Load Balancer spans two or more availability zones).",
    ),
    "public_subnet_name_instead_of_id_is_refused": (
        VARIABLE,
        "public_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (an Application Load Balancer spans two or more availability zones).",
    ),
    "one_private_subnet_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (tasks are spread over two or more availability zones).",
    ),
    "repeated_private_subnet_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two distinct IDs like subnet-0123456789abcdef0 (tasks are spread over two or more availability zones).",
    ),
    "empty_ingress_cidrs_are_refused": (
        VARIABLE,
        "ingress_cidrs must hold at least one valid IPv4 CIDR such as 203.0.113.0/24.",
    ),
    "ingress_cidr_with_a_bad_prefix_is_refused": (
        VARIABLE,
        "ingress_cidrs must hold at least one valid IPv4 CIDR such as 203.0.113.0/24.",
    ),
    "whole_internet_without_public_ingress_is_refused": (
        VARIABLE,
        "ingress_cidrs may contain 0.0.0.0/0 only when public_ingress is true; list the office and VPN ranges instead, or set public_ingress = true on purpose.",
    ),
    "https_egress_to_a_host_name_is_refused": (
        VARIABLE,
        "service_https_egress_cidrs must hold valid IPv4 CIDRs such as 10.0.0.0/16.",
    ),
    "egress_to_a_security_group_name_is_refused": (
        VARIABLE,
        "service_egress_security_groups must map short lower-case names to a security_group_id like sg-0123456789abcdef0 and a whole TCP port between 1 and 65535.",
    ),
    "egress_to_port_zero_is_refused": (
        VARIABLE,
        "service_egress_security_groups must map short lower-case names to a security_group_id like sg-0123456789abcdef0 and a whole TCP port between 1 and 65535.",
    ),
    "kms_alias_for_the_logs_key_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "key_id_for_the_secrets_key_is_refused": (
        VARIABLE,
        "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID.",
    ),
    "log_retention_under_a_year_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "log_retention_that_cloudwatch_lacks_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "iam_server_certificate_is_refused": (
        VARIABLE,
        "certificate_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/UUID), not an IAM server certificate or a domain name.",
    ),
    "domain_name_as_certificate_is_refused": (
        VARIABLE,
        "certificate_arn must be an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/UUID), not an IAM server certificate or a domain name.",
    ),
    "access_logs_bucket_arn_is_refused": (
        VARIABLE,
        "alb_access_logs_bucket must be null or an S3 bucket name (3-63 lower-case letters, digits, dots or dashes), not an ARN.",
    ),
    "no_services_are_refused": (
        VARIABLE,
        "services must hold at least one service, each named with 1-16 lower-case letters, digits or dashes, starting with a letter and not ending with a dash.",
    ),
    "service_name_with_an_underscore_is_refused": (
        VARIABLE,
        "services must hold at least one service, each named with 1-16 lower-case letters, digits or dashes, starting with a letter and not ending with a dash.",
    ),
    "invalid_fargate_cpu_memory_pair_is_refused": (
        VARIABLE,
        "Every service's cpu and memory must be a Fargate combination: cpu 256 with memory 512, 1024 or 2048; 512 with 1024-4096; 1024 with 2048-8192; 2048 with 4096-16384; 4096 with 8192-30720 (steps of 1024); 8192 with 16384-61440 (steps of 4096); 16384 with 32768-122880 (steps of 8192).",
    ),
    "cpu_that_fargate_lacks_is_refused": (
        VARIABLE,
        "Every service's cpu and memory must be a Fargate combination: cpu 256 with memory 512, 1024 or 2048; 512 with 1024-4096; 1024 with 2048-8192; 2048 with 4096-16384; 4096 with 8192-30720 (steps of 1024); 8192 with 16384-61440 (steps of 4096); 16384 with 32768-122880 (steps of 8192).",
    ),
    "privileged_container_port_is_refused": (
        VARIABLE,
        "Every service's container_port must be a whole unprivileged TCP port between 1024 and 65535 (the containers do not run as root).",
    ),
    "container_port_over_65535_is_refused": (
        VARIABLE,
        "Every service's container_port must be a whole unprivileged TCP port between 1024 and 65535 (the containers do not run as root).",
    ),
    "image_without_tag_is_refused": (
        VARIABLE,
        "Every service's image must be REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST with a tag other than latest, so a deployment names one image.",
    ),
    "latest_image_tag_is_refused": (
        VARIABLE,
        "Every service's image must be REGISTRY/REPOSITORY:TAG or REGISTRY/REPOSITORY@sha256:DIGEST with a tag other than latest, so a deployment names one image.",
    ),
    "min_count_over_max_count_is_refused": (
        VARIABLE,
        "Every service's counts must be whole numbers with 1 <= min_count <= desired_count <= max_count <= 100.",
    ),
    "desired_count_over_max_count_is_refused": (
        VARIABLE,
        "Every service's counts must be whole numbers with 1 <= min_count <= desired_count <= max_count <= 100.",
    ),
    "zero_min_count_is_refused": (
        VARIABLE,
        "Every service's counts must be whole numbers with 1 <= min_count <= desired_count <= max_count <= 100.",
    ),
    "target_cpu_of_95_percent_is_refused": (
        VARIABLE,
        "Every service's target_cpu_percent must be between 10 and 90.",
    ),
    "target_cpu_of_5_percent_is_refused": (
        VARIABLE,
        "Every service's target_cpu_percent must be between 10 and 90.",
    ),
    "path_pattern_without_slash_is_refused": (
        VARIABLE,
        'Every service\'s path_patterns must hold 1-5 patterns, each starting with "/" and at most 128 characters without spaces.',
    ),
    "six_path_patterns_are_refused": (
        VARIABLE,
        'Every service\'s path_patterns must hold 1-5 patterns, each starting with "/" and at most 128 characters without spaces.',
    ),
    "health_check_path_without_slash_is_refused": (
        VARIABLE,
        'Every service\'s health_check_path must start with "/" and be a URL path without spaces or wildcards.',
    ),
    "environment_name_starting_with_a_digit_is_refused": (
        VARIABLE,
        "Every service's environment and secrets names must be environment variable names (letters, digits, underscores, not starting with a digit), and no name may be in both.",
    ),
    "name_in_environment_and_secrets_is_refused": (
        VARIABLE,
        "Every service's environment and secrets names must be environment variable names (letters, digits, underscores, not starting with a digit), and no name may be in both.",
    ),
    "secret_value_instead_of_arn_is_refused": (
        VARIABLE,
        "Every service's secrets must map names to Secrets Manager secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, optionally followed by :json-key:version-stage:version-id), never to values.",
    ),
    "wildcard_secret_arn_is_refused": (
        VARIABLE,
        "Every service's secrets must map names to Secrets Manager secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, optionally followed by :json-key:version-stage:version-id), never to values.",
    ),
    "root_user_is_refused": (
        VARIABLE,
        "Every service's user must be null or a numeric non-root UID or UID:GID such as 1000:1000.",
    ),
    "user_name_is_refused": (
        VARIABLE,
        "Every service's user must be null or a numeric non-root UID or UID:GID such as 1000:1000.",
    ),
    "writable_root_is_refused": (
        VARIABLE,
        "Every service's writable_paths must be at most 10 absolute directory paths such as /tmp (not / itself).",
    ),
    "relative_writable_path_is_refused": (
        VARIABLE,
        "Every service's writable_paths must be at most 10 absolute directory paths such as /tmp (not / itself).",
    ),
    "duplicate_rule_priorities_are_refused": (
        VARIABLE,
        "Every service's priority must be null or a distinct whole number between 1 and 999 (1000 and up are given to services without one).",
    ),
    "rule_priority_of_1000_is_refused": (
        VARIABLE,
        "Every service's priority must be null or a distinct whole number between 1 and 999 (1000 and up are given to services without one).",
    ),
    "task_role_policy_that_is_not_json_is_refused": (
        VARIABLE,
        "Every service's task_role_policy_json must be null or an IAM policy document in JSON with a Statement.",
    ),
    "ingress_prefix_list_given_by_name_is_refused": (
        VARIABLE,
        "ingress_prefix_lists must map short lower-case names (e.g. route53_health_checks) to prefix list IDs like pl-0123456789abcdef0.",
    ),
}
