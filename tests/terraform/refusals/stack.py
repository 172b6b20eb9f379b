"""What each refusal run of terraform/modules/stack/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "env_longer_than_16_characters_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "cluster_starting_with_a_digit_is_refused": (
        VARIABLE,
        "cluster must be up to 31 lower-case letters, digits or dashes, starting with a letter.",
    ),
    "vpc_cidr_that_is_not_a_cidr_is_refused": (
        VARIABLE,
        "vpc_cidr must be a valid IPv4 CIDR.",
    ),
    "a_single_availability_zone_is_refused": (
        VARIABLE,
        "subnets must cover at least two availability zones.",
    ),
    "trading_az_that_is_not_an_az_name_is_refused": (
        VARIABLE,
        "trading_az must be an availability zone name such as eu-west-2a.",
    ),
    "trading_az_outside_subnets_is_refused": (
        VARIABLE,
        "trading_az must be one of the availability zones in subnets.",
    ),
    "host_group_of_an_unknown_role_is_refused": (
        VARIABLE,
        "host_groups keys must be roles: engine, feed, venue, monitoring.",
    ),
    "ami_id_that_is_not_an_ami_is_refused": (
        VARIABLE,
        "ami_id must look like ami-0123456789abcdef0.",
    ),
    "host_secret_that_is_not_a_secrets_manager_arn_is_refused": (
        VARIABLE,
        "host_secret_arns values must be Secrets Manager ARNs.",
    ),
    "host_group_without_a_secret_is_refused": (
        VARIABLE,
        "host_secret_arns needs a secret ARN for every role in host_groups.",
    ),
}
