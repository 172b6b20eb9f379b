# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests.
name              = "lowlat-test"
env               = "test"
audit_bucket_name = "lowlat-test-audit"
persona_principal_arns = {
  trader             = ["arn:aws:iam::123456789012:role/desk-traders"]
  risk_manager       = ["arn:aws:iam::123456789012:user/risk.lead"]
  compliance_auditor = ["arn:aws:iam::210987654321:root"]
  platform_operator  = ["arn:aws:iam::123456789012:role/sre", "arn:aws:iam::123456789012:user/oncall"]
}
