"""What each refusal run of terraform/modules/trading_hosts/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import PRECONDITION, VARIABLE

MESSAGES = {
    "threads_per_core_is_refused_on_c5n_metal": (
        PRECONDITION,
        "threads_per_core cannot be set on c5n.metal (bare metal takes no CPU options); turn SMT off in firmware or leave threads_per_core null.",
    ),
    "ami_without_ena_is_refused": (
        PRECONDITION,
        "AMI ami-0123456789abcdef0 does not have ENA enabled; c5n instances need an ENA-enabled AMI.",
    ),
    "arm64_ami_is_refused": (
        PRECONDITION,
        "AMI ami-0123456789abcdef0 is arm64; c5n instances are x86_64.",
    ),
    "unknown_initial_state_is_refused": (
        VARIABLE,
        "initial_state must be running or stopped (pilot light).",
    ),
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "role_outside_the_four_tiers_is_refused": (
        VARIABLE,
        "role must be one of: engine, feed, venue, monitoring.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "cluster_starting_with_a_digit_is_refused": (
        VARIABLE,
        "cluster must be up to 31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "instance_type_outside_c5n_is_refused": (
        VARIABLE,
        "instance_type must be a c5n size: c5n.large, c5n.xlarge, c5n.2xlarge, c5n.4xlarge, c5n.9xlarge, c5n.18xlarge or c5n.metal.",
    ),
    "zero_instances_are_refused": (
        VARIABLE,
        "instance_count must be a whole number between 1 and 32.",
    ),
    "fractional_instance_count_is_refused": (
        VARIABLE,
        "instance_count must be a whole number between 1 and 32.",
    ),
    "thirty_three_instances_are_refused": (
        VARIABLE,
        "instance_count must be a whole number between 1 and 32.",
    ),
    "subnet_id_of_another_resource_is_refused": (
        VARIABLE,
        "subnet_id must look like subnet-0123456789abcdef0.",
    ),
    "no_security_group_is_refused": (
        VARIABLE,
        "security_group_ids must hold at least one ID like sg-0123456789abcdef0.",
    ),
    "security_group_name_instead_of_id_is_refused": (
        VARIABLE,
        "security_group_ids must hold at least one ID like sg-0123456789abcdef0.",
    ),
    "ami_name_instead_of_id_is_refused": (
        VARIABLE,
        "ami_id must look like ami-0123456789abcdef0.",
    ),
    "empty_ami_owners_are_refused": (
        VARIABLE,
        "ami_owners must not be empty.",
    ),
    "root_volume_under_20_gib_is_refused": (
        VARIABLE,
        "root_volume_size must be between 20 and 16384 GiB.",
    ),
    "root_volume_iops_under_gp3_baseline_is_refused": (
        VARIABLE,
        "root_volume_iops must be between 3000 and 16000 for gp3.",
    ),
    "root_volume_throughput_over_gp3_maximum_is_refused": (
        VARIABLE,
        "root_volume_throughput must be between 125 and 1000 MiB/s for gp3.",
    ),
    "wildcard_host_secret_arn_is_refused": (
        VARIABLE,
        "host_secret_arn must be the full ARN of one secret, without wildcards.",
    ),
    "kms_alias_for_the_secret_key_is_refused": (
        VARIABLE,
        "host_secret_kms_key_arn must be null or a KMS key ARN (not an alias).",
    ),
    "iam_group_as_key_admin_is_refused": (
        VARIABLE,
        "kms_key_admin_arns must be IAM role or user ARNs.",
    ),
    "capacity_reservation_of_another_kind_is_refused": (
        VARIABLE,
        "capacity_reservation_id must be null or look like cr-0123456789abcdef0.",
    ),
    "placement_group_name_with_a_space_is_refused": (
        VARIABLE,
        "placement_group_name must be null or 1-255 letters, digits, dots, dashes or underscores.",
    ),
    "three_threads_per_core_are_refused": (
        VARIABLE,
        "threads_per_core must be null, 1 (SMT off) or 2 (SMT on).",
    ),
    "metrics_namespace_of_aws_is_refused": (
        VARIABLE,
        "metrics_namespace must be null or 1-250 letters, digits, spaces or . _ / # : - characters, and must not start with AWS/ (reserved for AWS services).",
    ),
    "alert_topic_of_sqs_is_refused": (
        VARIABLE,
        "alert_topic.arn must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) and alert_topic.kms_key_arn null or a KMS key ARN (not an alias).",
    ),
    "alert_topic_key_alias_is_refused": (
        VARIABLE,
        "alert_topic.arn must be a standard SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) and alert_topic.kms_key_arn null or a KMS key ARN (not an alias).",
    ),
}
