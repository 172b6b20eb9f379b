# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests. The logs key differs from the pipeline key, so a test can
# tell them apart.
name                  = "lowlat-test"
env                   = "dev"
kms_key_arn           = "arn:aws:kms:eu-west-2:123456789012:key/11111111-1111-1111-1111-111111111111"
logs_kms_key_arn      = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-2222-2222-222222222222"
terraform_environment = "dev"
deployment_role_arn   = "arn:aws:iam::123456789012:role/lowlat-dev-deploy"
state_bucket_name     = "lowlat-terraform-state-123456789012"
tags                  = { "lowlat:env" = "dev", owner = "trading-platform" }
