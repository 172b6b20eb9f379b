# WAFv2: the regional web ACL with the four AWS managed rule groups and a per-IP rate limit,
# metrics and sampling on, logging into an encrypted aws-waf-logs-<name> group, and the ALB
# association both ways.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The two log groups of the module get distinct ARNs here, so the logging target is checked.
override_resource {
  target = aws_cloudwatch_log_group.waf
  values = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:aws-waf-logs-lowlat-test" }
}

variables {
  alb_arn = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/lowlat-test/0123456789abcdef"
}

run "managed_rule_groups_and_a_rate_limit" {
  command = plan

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL" && aws_wafv2_web_acl.this.name == "lowlat-test-regional" && length(aws_wafv2_web_acl.this.default_action[0].allow) == 1
    error_message = "A regional web ACL that allows what no rule blocks."
  }
  assert {
    condition = {
      for r in aws_wafv2_web_acl.this.rule : r.name => r.priority
      } == {
      "rate-limit-per-ip"                     = 1
      "AWSManagedRulesCommonRuleSet"          = 10
      "AWSManagedRulesKnownBadInputsRuleSet"  = 20
      "AWSManagedRulesAmazonIpReputationList" = 30
      "AWSManagedRulesSQLiRuleSet"            = 40
    }
    error_message = "The rate limit comes first, then the Common, KnownBadInputs, IP reputation and SQLi rule groups."
  }
  assert {
    condition = alltrue([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].managed_rule_group_statement[0].vendor_name == "AWS" && r.statement[0].managed_rule_group_statement[0].name == r.name && length(r.override_action[0].none) == 1
      if r.name != "rate-limit-per-ip"
    ])
    error_message = "The managed groups are AWS's, with their own actions (override none)."
  }
  assert {
    condition = one([
      for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].limit == 2000 && r.statement[0].rate_based_statement[0].aggregate_key_type == "IP" && length(r.action[0].block) == 1
      if r.name == "rate-limit-per-ip"
    ])
    error_message = "The rate-based rule blocks an IP above 2000 requests per 5 minutes by default."
  }
  assert {
    condition = alltrue(concat(
      [for r in aws_wafv2_web_acl.this.rule : r.visibility_config[0].cloudwatch_metrics_enabled && r.visibility_config[0].sampled_requests_enabled],
      [aws_wafv2_web_acl.this.visibility_config[0].cloudwatch_metrics_enabled, aws_wafv2_web_acl.this.visibility_config[0].sampled_requests_enabled],
    ))
    error_message = "Metrics and sampled requests are on for the ACL and every rule."
  }
}

run "rate_limit_is_the_variable" {
  command = plan

  variables {
    waf_rate_limit = 10
  }

  assert {
    condition     = one([for r in aws_wafv2_web_acl.this.rule : r.statement[0].rate_based_statement[0].limit if r.name == "rate-limit-per-ip"]) == 10
    error_message = "waf_rate_limit reaches the rate-based rule."
  }
}

run "logging_to_an_encrypted_aws_waf_logs_group" {
  command = apply

  assert {
    condition     = aws_cloudwatch_log_group.waf.name == "aws-waf-logs-lowlat-test" && output.waf_log_group_name == "aws-waf-logs-lowlat-test"
    error_message = "WAF logs go to aws-waf-logs-<name>."
  }
  assert {
    condition     = aws_cloudwatch_log_group.waf.kms_key_id == aws_kms_key.this["logs"].arn && aws_cloudwatch_log_group.waf.retention_in_days == 365
    error_message = "The WAF log group is encrypted with the logs key and keeps a year."
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.resource_arn == aws_wafv2_web_acl.this.arn && aws_wafv2_web_acl_logging_configuration.this.log_destination_configs == toset([aws_cloudwatch_log_group.waf.arn])
    error_message = "The web ACL logs to the WAF log group."
  }
  assert {
    condition     = toset([for f in aws_wafv2_web_acl_logging_configuration.this.redacted_fields : f.single_header[0].name]) == toset(["authorization", "cookie"])
    error_message = "Authorization headers and cookies are redacted from the logs."
  }
  assert {
    condition     = jsondecode(aws_cloudwatch_log_resource_policy.waf.policy_document).Statement[0].Resource == "${aws_cloudwatch_log_group.waf.arn}:*" && jsondecode(aws_cloudwatch_log_resource_policy.waf.policy_document).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    error_message = "Log delivery may write the WAF group only, for this account only."
  }
}

run "no_association_by_default" {
  command = plan

  assert {
    condition     = length(aws_wafv2_web_acl_association.alb) == 0
    error_message = "Without associate_alb the web ACL protects nothing yet (even with alb_arn set)."
  }
}

run "associated_with_the_alb_when_asked" {
  command = apply

  variables {
    associate_alb = true
  }

  assert {
    condition     = length(aws_wafv2_web_acl_association.alb) == 1 && aws_wafv2_web_acl_association.alb[0].resource_arn == "arn:aws:elasticloadbalancing:eu-west-2:123456789012:loadbalancer/app/lowlat-test/0123456789abcdef"
    error_message = "associate_alb = true associates the web ACL with alb_arn."
  }
  assert {
    condition     = aws_wafv2_web_acl_association.alb[0].web_acl_arn == aws_wafv2_web_acl.this.arn && output.web_acl_arn == aws_wafv2_web_acl.this.arn
    error_message = "The association uses this module's web ACL."
  }
}
