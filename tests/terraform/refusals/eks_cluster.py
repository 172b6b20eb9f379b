"""What each refusal run of terraform/modules/eks_cluster/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "name_of_two_characters_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "kubernetes_version_with_a_patch_is_refused": (
        VARIABLE,
        'kubernetes_version must be a Kubernetes minor version such as "1.30" (major.minor, no patch and no leading v).',
    ),
    "kubernetes_version_with_a_leading_v_is_refused": (
        VARIABLE,
        'kubernetes_version must be a Kubernetes minor version such as "1.30" (major.minor, no patch and no leading v).',
    ),
    "subnet_id_as_vpc_id_is_refused": (
        VARIABLE,
        "vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "a_single_private_subnet_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two IDs like subnet-0123456789abcdef0 (EKS needs subnets in two availability zones).",
    ),
    "private_subnet_name_instead_of_id_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two IDs like subnet-0123456789abcdef0 (EKS needs subnets in two availability zones).",
    ),
    "public_access_cidr_that_is_no_cidr_is_refused": (
        VARIABLE,
        "public_access_cidrs must be valid IPv4 CIDRs such as 192.0.2.0/27.",
    ),
    "public_access_from_anywhere_is_refused": (
        VARIABLE,
        "public_access_cidrs must not contain 0.0.0.0/0 (or any /0): list the networks that may reach the public endpoint.",
    ),
    "public_endpoint_without_cidrs_is_refused": (
        VARIABLE,
        "public_access_cidrs must list at least one CIDR when endpoint_public_access is true.",
    ),
    "api_ingress_from_anywhere_is_refused": (
        VARIABLE,
        "api_ingress_cidrs must be valid, specific IPv4 CIDRs (no /0).",
    ),
    "secrets_key_alias_is_refused": (
        VARIABLE,
        "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias.",
    ),
    "logs_key_id_without_arn_is_refused": (
        VARIABLE,
        "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias.",
    ),
    "log_retention_under_a_year_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch retention value of at least 365 days (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653).",
    ),
    "short_oidc_thumbprint_is_refused": (
        VARIABLE,
        "oidc_thumbprints must hold at most 5 SHA-1 thumbprints of 40 hex digits each.",
    ),
    "no_node_group_is_refused": (
        VARIABLE,
        "node_groups must hold at least one group, each named with up to 30 lower-case letters, digits or dashes, starting with a letter (the node group name <name>-<key> has at most 63 characters).",
    ),
    "node_group_name_with_upper_case_is_refused": (
        VARIABLE,
        "node_groups must hold at least one group, each named with up to 30 lower-case letters, digits or dashes, starting with a letter (the node group name <name>-<key> has at most 63 characters).",
    ),
    "node_group_without_instance_types_is_refused": (
        VARIABLE,
        "Every node group needs at least one instance type such as t3.medium.",
    ),
    "capacity_type_in_lower_case_is_refused": (
        VARIABLE,
        "Every node group's capacity_type must be ON_DEMAND or SPOT.",
    ),
    "max_size_zero_is_refused": (
        VARIABLE,
        "Every node group needs whole-number sizes with min_size >= 0 and max_size between 1 and 1000.",
    ),
    "fractional_min_size_is_refused": (
        VARIABLE,
        "Every node group needs whole-number sizes with min_size >= 0 and max_size between 1 and 1000.",
    ),
    "min_size_above_desired_size_is_refused": (
        VARIABLE,
        "Every node group's min_size must not be greater than its desired_size.",
    ),
    "desired_size_above_max_size_is_refused": (
        VARIABLE,
        "Every node group's desired_size must not be greater than its max_size.",
    ),
    "disk_under_20_gib_is_refused": (
        VARIABLE,
        "Every node group's disk_size must be a whole number of GiB between 20 and 16384.",
    ),
    "unknown_ami_type_is_refused": (
        VARIABLE,
        "Every node group's ami_type must be one of AL2023_x86_64_STANDARD, AL2023_ARM_64_STANDARD, AL2023_x86_64_NVIDIA, AL2023_x86_64_NEURON, BOTTLEROCKET_x86_64, BOTTLEROCKET_ARM_64, AL2_x86_64 or AL2_ARM_64.",
    ),
    "hop_limit_3_is_refused": (
        VARIABLE,
        "node_metadata_hop_limit must be 1 (pods cannot reach IMDS) or 2 (pods can).",
    ),
    "node_volume_key_alias_is_refused": (
        VARIABLE,
        "node_volume_kms_key_arn must be null or a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias.",
    ),
    "addon_version_without_eksbuild_is_refused": (
        VARIABLE,
        "addon_versions values must be null or EKS add-on versions such as v1.19.2-eksbuild.1.",
    ),
}
