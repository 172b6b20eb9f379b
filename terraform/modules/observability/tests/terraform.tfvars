# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests.
name                    = "lowlat-test"
env                     = "test"
logs_kms_key_arn        = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
alert_topic_arn         = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
kinesis_stream_name     = "lowlat-test-market-data"
queue_names             = ["lowlat-test-orders", "lowlat-test-executions"]
dead_letter_queue_names = ["lowlat-test-orders-dlq", "lowlat-test-executions-dlq"]
rds_instance_id         = "lowlat-test-trades"
tags                    = { "lowlat:owner" = "platform" }
