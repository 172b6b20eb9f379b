"""What each refusal run of terraform/modules/connectivity/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import PRECONDITION, VARIABLE

MESSAGES = {
    "vpn_backup_without_a_customer_gateway_ip_is_refused": (
        PRECONDITION,
        "enable_vpn_backup is true, so customer_gateway_ip must be set to the on-premises device's public IPv4 address.",
    ),
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "vpc_id_that_is_not_a_vpc_is_refused": (
        VARIABLE,
        "vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "empty_subnet_ids_are_refused": (
        VARIABLE,
        "subnet_ids must hold at least one ID like subnet-0123456789abcdef0.",
    ),
    "subnet_ids_that_are_not_subnets_are_refused": (
        VARIABLE,
        "subnet_ids must hold at least one ID like subnet-0123456789abcdef0.",
    ),
    "route_table_ids_that_are_not_route_tables_are_refused": (
        VARIABLE,
        "route_table_ids values must look like rtb-0123456789abcdef0.",
    ),
    "default_route_in_onprem_cidrs_is_refused": (
        VARIABLE,
        "onprem_cidrs must be valid, specific IPv4 CIDRs (no default route).",
    ),
    "invalid_onprem_cidr_is_refused": (
        VARIABLE,
        "onprem_cidrs must be valid, specific IPv4 CIDRs (no default route).",
    ),
    "public_amazon_side_asn_is_refused": (
        VARIABLE,
        "amazon_side_asn must be a private ASN (64512-65534 or 4200000000-4294967294).",
    ),
    "direct_connect_gateway_id_that_is_not_a_uuid_is_refused": (
        VARIABLE,
        "direct_connect_gateway_id must be null or a Direct Connect gateway ID (a UUID).",
    ),
    "invalid_direct_connect_allowed_prefix_is_refused": (
        VARIABLE,
        "direct_connect_allowed_prefixes must be valid IPv4 CIDRs.",
    ),
    "customer_gateway_ip_that_is_not_ipv4_is_refused": (
        VARIABLE,
        "customer_gateway_ip must be null or a dotted IPv4 address.",
    ),
    "customer_gateway_bgp_asn_zero_is_refused": (
        VARIABLE,
        "customer_gateway_bgp_asn must be between 1 and 2147483647.",
    ),
    "vpn_log_retention_under_a_year_is_refused": (
        VARIABLE,
        "vpn_log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
}
