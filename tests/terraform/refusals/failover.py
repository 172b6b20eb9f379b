"""What each refusal run of terraform/modules/failover/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import VARIABLE

MESSAGES = {
    "zone_name_with_a_scheme_is_refused": (
        VARIABLE,
        "zone_name must be a DNS domain name such as trading.example.com.",
    ),
    "endpoint_without_its_zone_id_is_refused": (
        VARIABLE,
        "primary_endpoint needs the load balancer's DNS name and its canonical hosted zone ID (Z...).",
    ),
    "health_check_interval_route53_does_not_offer_is_refused": (
        VARIABLE,
        "health_check.request_interval must be 10 or 30 seconds (Route 53 offers no other), failure_threshold 1-10.",
    ),
    "health_check_path_without_a_slash_is_refused": (
        VARIABLE,
        "health_check.path must start with / and port must be 1-65535.",
    ),
    "fewer_than_three_checker_regions_are_refused": (
        VARIABLE,
        "health_check.regions needs at least 3 Route 53 checker regions (Route 53's minimum), or null for its default set.",
    ),
    "function_given_by_name_instead_of_arn_is_refused": (
        VARIABLE,
        "function_arn must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME).",
    ),
    "zero_evaluation_periods_are_refused": (
        VARIABLE,
        "alarm_evaluation_periods must be a whole number of minutes from 1 to 10.",
    ),
    "record_name_with_a_dot_is_refused": (
        VARIABLE,
        "record_name must be one DNS label (letters, digits, dashes), e.g. api.",
    ),
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 2-31 lower-case letters, digits or dashes, starting with a letter (e.g. lowlat-prod).",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. prod).",
    ),
    "zone_given_by_name_instead_of_id_is_refused": (
        VARIABLE,
        "zone_id must be a Route 53 hosted zone ID such as Z0123456789ABCDEFGHIJ.",
    ),
    "secondary_endpoint_given_by_load_balancer_arn_is_refused": (
        VARIABLE,
        "secondary_endpoint needs the load balancer's DNS name and its canonical hosted zone ID (Z...).",
    ),
    "alert_address_without_a_domain_is_refused": (
        VARIABLE,
        "alert_email_addresses must be e-mail addresses.",
    ),
    "function_given_by_arn_instead_of_name_is_refused": (
        VARIABLE,
        "function_name must be a Lambda function name (letters, digits, - and _, at most 64).",
    ),
    "log_retention_cloudwatch_does_not_offer_is_refused": (
        VARIABLE,
        "log_retention_days must be a CloudWatch Logs retention value (e.g. 30, 90, 365, 3653).",
    ),
    "deletion_window_of_six_days_is_refused": (
        VARIABLE,
        "kms_deletion_window_in_days must be a whole number of days from 7 to 30.",
    ),
}
