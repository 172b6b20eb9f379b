# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
# The provider checks these arguments for ARNs: the SNS topic policy's topic and the WAF logging
# configuration's web ACL and log group.
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-cloudtrail-deliveries" }
}
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:eu-west-2:123456789012:regional/webacl/lowlat-test-regional/0a1b2c3d-4e5f-6789-abcd-ef0123456789" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-2:123456789012:log-group:lowlat-test" }
}

# The provider checks CloudTrail's key and role for ARNs. One distinct ARN per key and per role,
# so a test can tell which key encrypts what and which role is which.
override_resource {
  target = aws_kms_key.this["market_data"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000000", key_id = "00000000-0000-4000-8000-000000000000" }
}
override_resource {
  target = aws_kms_key.this["orders"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000001", key_id = "00000000-0000-4000-8000-000000000001" }
}
override_resource {
  target = aws_kms_key.this["trades"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000002", key_id = "00000000-0000-4000-8000-000000000002" }
}
override_resource {
  target = aws_kms_key.this["audit"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000003", key_id = "00000000-0000-4000-8000-000000000003" }
}
override_resource {
  target = aws_kms_key.this["logs"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000004", key_id = "00000000-0000-4000-8000-000000000004" }
}
override_resource {
  target = aws_kms_key.this["secrets"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000005", key_id = "00000000-0000-4000-8000-000000000005" }
}
override_resource {
  target = aws_kms_key.this["backup"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000006", key_id = "00000000-0000-4000-8000-000000000006" }
}
override_resource {
  target = aws_kms_key.this["monitoring"]
  values = { arn = "arn:aws:kms:eu-west-2:123456789012:key/00000000-0000-4000-8000-000000000007", key_id = "00000000-0000-4000-8000-000000000007" }
}
override_resource {
  target = aws_iam_role.cloudtrail
  values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-cloudtrail-logs" }
}
override_resource {
  target = aws_iam_role.persona["trader"]
  values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-trader" }
}
override_resource {
  target = aws_iam_role.persona["risk_manager"]
  values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-risk-manager" }
}
override_resource {
  target = aws_iam_role.persona["compliance_auditor"]
  values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-compliance-auditor" }
}
override_resource {
  target = aws_iam_role.persona["platform_operator"]
  values = { arn = "arn:aws:iam::123456789012:role/lowlat-test-platform-operator" }
}
