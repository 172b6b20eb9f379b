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
    "emulator_gaps_null_is_refused": (
        VARIABLE,
        "emulator_gaps must be an object such as { cloudtrail = true }; leave it {} (the default) against AWS.",
    ),
    "no_ecs_services_while_ecs_is_on_is_refused": (
        VARIABLE,
        "ecs_services must hold at least one service while enable_ecs_service is true; list the services or set enable_ecs_service = false.",
    ),
    "no_ops_cidrs_while_ecs_is_on_is_refused": (
        VARIABLE,
        "ops_cidrs must hold at least one operator network while enable_ecs_service is true: the load balancer is open to ops_cidrs only.",
    ),
    "no_eks_node_groups_while_eks_is_on_is_refused": (
        VARIABLE,
        "eks_node_groups must hold at least one node group while enable_eks_cluster is true; add one or set enable_eks_cluster = false.",
    ),
    "order_status_package_that_is_not_a_zip_is_refused": (
        VARIABLE,
        "order_status_zip_path must be null (the package tools/build_lambdas.py builds) or the path of a .zip file.",
    ),
    "standby_of_named_by_its_env_alone_is_refused": (
        VARIABLE,
        "standby_of.name must be the primary stack's name, lowlat-<env> (e.g. lowlat-prod).",
    ),
    "replication_from_a_standby_is_refused": (
        VARIABLE,
        "replication belongs to the primary stack; a standby (standby_of set) receives copies and sends none.",
    ),
    "failover_sync_group_with_desired_below_min_is_refused": (
        VARIABLE,
        "failover_sync.primary_node_groups: each group needs instance types and min_size <= desired_size <= max_size.",
    ),
    "failover_sync_on_a_primary_is_refused": (
        VARIABLE,
        "failover_sync belongs to a standby stack (standby_of set) with enable_serverless and enable_eks_cluster on: it runs as a function there and resizes that cluster.",
    ),
    "failover_sync_group_missing_from_eks_node_groups_is_refused": (
        VARIABLE,
        "failover_sync.primary_node_groups keys must be keys of eks_node_groups: each primary group is matched by the standby group of the same key.",
    ),
}
