# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests. Each data class has its own key, so a test can tell them apart.
name                      = "lowlat-test"
env                       = "dev"
vpc_id                    = "vpc-0123456789abcdef0"
private_subnet_ids        = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
client_security_group_ids = ["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"]
trades_kms_key_arn        = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
market_data_kms_key_arn   = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
audit_kms_key_arn         = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-3333-3333-333333333333"
backup_kms_key_arn        = "arn:aws:kms:eu-west-2:123456789012:key/44444444-4444-4444-4444-444444444444"
monitoring_kms_key_arn    = "arn:aws:kms:eu-west-2:123456789012:key/55555555-5555-5555-5555-555555555555"
secrets_kms_key_arn       = "arn:aws:kms:eu-west-2:123456789012:key/66666666-6666-6666-6666-666666666666"
tags                      = { "lowlat:env" = "dev", owner = "trading-platform" }
