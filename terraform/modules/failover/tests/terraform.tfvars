# The module inputs every test file of this module starts from; a run block overrides what it tests.
name      = "lowlat-test"
env       = "test"
zone_name = "trading.example.com"
primary_endpoint = {
  dns_name = "lowlat-test-apps-123.eu-west-2.elb.amazonaws.com"
  zone_id  = "ZHURV8PSTC4K8"
}
secondary_endpoint = {
  dns_name = "lowlat-test-dr-apps-456.eu-west-1.elb.amazonaws.com"
  zone_id  = "Z32O12XQLNTSW2"
}
function_name         = "lowlat-test-dr-sync-cluster-sizes"
function_arn          = "arn:aws:lambda:eu-west-1:123456789012:function:lowlat-test-dr-sync-cluster-sizes"
alert_email_addresses = ["oncall@example.com"]
tags                  = { owner = "trading-platform" }
