"""What each refusal run of terraform/modules/network/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "name_with_upper_case_or_underscore_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "name_of_33_characters_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "cidr_block_smaller_than_24_is_refused": (
        VARIABLE,
        "cidr_block must be a valid IPv4 CIDR between /16 and /24.",
    ),
    "cidr_block_that_is_not_a_cidr_is_refused": (
        VARIABLE,
        "cidr_block must be a valid IPv4 CIDR between /16 and /24.",
    ),
    "subnets_in_a_single_az_are_refused": (
        VARIABLE,
        "subnets must cover at least two availability zones.",
    ),
    "subnet_with_an_invalid_cidr_is_refused": (
        VARIABLE,
        "Every public_cidr and private_cidr must be a valid IPv4 CIDR.",
    ),
    "flow_log_retention_under_a_year_is_refused": (
        VARIABLE,
        "flow_log_retention_days must be a CloudWatch retention value of at least 365 days.",
    ),
    "flow_log_traffic_type_in_lower_case_is_refused": (
        VARIABLE,
        "flow_log_traffic_type must be ACCEPT, REJECT or ALL.",
    ),
    "privileged_node_exporter_port_is_refused": (
        VARIABLE,
        "node_exporter_port must be an unprivileged TCP port (1024-65535).",
    ),
    "engine_metrics_port_above_65535_is_refused": (
        VARIABLE,
        "engine_metrics_port must be an unprivileged TCP port (1024-65535).",
    ),
    "reversed_market_data_udp_ports_are_refused": (
        VARIABLE,
        "market_data_udp_ports must be an ordered range inside 1024-65535.",
    ),
    "privileged_latency_probe_port_is_refused": (
        VARIABLE,
        "latency_probe_port must be null or a whole port number inside 1024-65535.",
    ),
    "fractional_latency_probe_port_is_refused": (
        VARIABLE,
        "latency_probe_port must be null or a whole port number inside 1024-65535.",
    ),
    "market_data_source_cidr_of_everything_is_refused": (
        VARIABLE,
        "market_data_source_cidrs must be valid, specific IPv4 CIDRs (no /0).",
    ),
    "venue_cidr_of_everything_is_refused": (
        VARIABLE,
        "venue_cidrs must be valid, specific IPv4 CIDRs (no /0).",
    ),
    "venue_tcp_port_zero_is_refused": (
        VARIABLE,
        "venue_tcp_ports must be TCP port numbers (1-65535).",
    ),
    "invalid_ops_cidr_is_refused": (
        VARIABLE,
        "ops_cidrs must be valid, specific IPv4 CIDRs (no /0).",
    ),
    "monitoring_web_port_above_65535_is_refused": (
        VARIABLE,
        "monitoring_web_ports must be TCP port numbers (1-65535).",
    ),
    "invalid_https_egress_cidr_is_refused": (
        VARIABLE,
        "https_egress_cidrs must be valid IPv4 CIDRs.",
    ),
    "more_than_50_https_egress_cidrs_are_refused": (
        VARIABLE,
        "https_egress_cidrs takes at most 50 CIDRs (each needs NACL rule numbers 200-249 and 250-299); summarise them.",
    ),
}
