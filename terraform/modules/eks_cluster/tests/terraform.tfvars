# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests.
name                = "lowlat-test"
env                 = "test"
vpc_id              = "vpc-0123456789abcdef0"
private_subnet_ids  = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
secrets_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
logs_kms_key_arn    = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
tags                = { "lowlat:owner" = "platform" }
