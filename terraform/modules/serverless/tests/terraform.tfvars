# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests. Each key ARN is distinct so tests can tell which key
# encrypts what. The package is the committed stand-in tests/fixtures/fixture.zip, so the tests
# need no build step (paths are relative to the module directory, where terraform test runs).
name = "lowlat-test"
env  = "test"
functions = {
  order_status = {
    zip_path    = "tests/fixtures/fixture.zip"
    handler     = "handler.handler"
    environment = { ORDERS_TABLE = "lowlat-test-orders" }
    table_arns  = ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-orders"]
  }
}
routes              = { "GET /orders/{order_id}" = "order_status" }
vpc_id              = "vpc-0123456789abcdef0"
vpc_cidr_block      = "10.20.0.0/16"
private_subnet_ids  = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"]
egress_prefix_lists = { dynamodb = "pl-0d0d0d0d0d0d0d0d0" }
lambda_kms_key_arn  = "arn:aws:kms:eu-west-2:123456789012:key/44444444-4444-4444-8444-444444444444"
logs_kms_key_arn    = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-4333-8333-333333333333"
orders_kms_key_arn  = "arn:aws:kms:eu-west-2:123456789012:key/22222222-2222-4222-8222-222222222222"
table_kms_key_arns  = ["arn:aws:kms:eu-west-2:123456789012:key/55555555-5555-4555-8555-555555555555"]
tags                = { "lowlat:owner" = "trading-platform" }
