# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests. Each key ARN is distinct so tests can tell which key
# encrypts what.
name                    = "lowlat-test"
env                     = "test"
market_data_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-4111-8111-111111111111"
orders_kms_key_arn      = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-4222-8222-222222222222"
logs_kms_key_arn        = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-4333-8333-333333333333"
archive_bucket_arn      = "arn:aws:s3:::lowlat-test-tick-archive"
tags                    = { "lowlat:owner" = "trading-platform" }
