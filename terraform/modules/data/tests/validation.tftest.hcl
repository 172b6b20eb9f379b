# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), the vault-lock precondition, and two passing runs with the accepted
# edge values (lower and upper), which also check that those values reach the resources.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name                                 = "abc"
    env                                  = "p1"
    private_subnet_ids                   = ["subnet-0aaaaaaa", "subnet-0bbbbbbb"]
    client_security_group_ids            = ["sg-0aaaaaaa"]
    rds_engine_version                   = "13.0"
    rds_instance_class                   = "db.t4g.medium"
    rds_allocated_storage                = 20
    rds_backup_retention_days            = 1
    multi_az                             = false
    rds_monitoring_interval              = 0
    rds_database_name                    = "t"
    rds_master_username                  = "u"
    dynamodb_billing_mode                = "PROVISIONED"
    dynamodb_provisioned_capacity        = { read = 1, write = 1 }
    market_data_ttl_attribute            = "t"
    bucket_names                         = { archive = "a.b", audit = "abc", access_logs = "1-2" }
    transition_to_ia_days                = 30
    transition_to_glacier_days           = 60
    noncurrent_version_expiration_days   = 1
    access_log_retention_days            = 1
    object_lock                          = false
    object_lock_retention_days           = 1
    efs_transition_to_ia                 = "AFTER_1_DAY"
    efs_posix_user                       = { uid = 1, gid = 1 }
    backup_daily_retention_days          = 1
    backup_weekly_retention_days         = 1
    backup_vault_lock                    = true
    backup_vault_lock_min_retention_days = 1
    backup_vault_lock_max_retention_days = 1
    backup_tag                           = { key = "b", value = "1" }
  }

  assert {
    condition     = aws_db_instance.trades.identifier == "abc-trades" && aws_db_instance.trades.allocated_storage == 20 && aws_db_instance.trades.backup_retention_period == 1
    error_message = "A 3-character name, 20 GiB and one day of RDS backups are accepted."
  }
  assert {
    condition     = aws_db_parameter_group.trades.family == "postgres13" && !aws_db_instance.trades.multi_az
    error_message = "PostgreSQL 13 and single-AZ outside prod are accepted."
  }
  assert {
    condition     = aws_s3_bucket.data["archive"].bucket == "a.b" && aws_s3_bucket.data["audit"].bucket == "abc" && aws_s3_bucket.access_logs.bucket == "1-2"
    error_message = "3-character bucket names with dots, dashes and digits are accepted."
  }
  assert {
    condition     = toset([for t in one(aws_s3_bucket_lifecycle_configuration.data["audit"].rule).transition : t.days]) == toset([30, 60])
    error_message = "STANDARD_IA after 30 days and GLACIER 30 days later are accepted."
  }
  assert {
    condition     = aws_backup_vault_lock_configuration.this[0].min_retention_days == 1 && aws_backup_vault_lock_configuration.this[0].max_retention_days == 1
    error_message = "A vault lock of exactly one day with one-day rules is accepted (min = max)."
  }
  assert {
    condition     = aws_efs_access_point.prometheus.posix_user[0].uid == 1 && aws_dynamodb_table.order_books[0].read_capacity == 1
    error_message = "uid 1 and one capacity unit are accepted."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name                                 = "lowlat-abcdefghijklmnopqrstuvwxy"
    env                                  = "abcdefghijklmnop"
    rds_engine_version                   = "17.99"
    rds_instance_class                   = "db.r7g.16xlarge"
    rds_allocated_storage                = 65536
    rds_backup_retention_days            = 35
    rds_monitoring_interval              = 1
    rds_database_name                    = "d23456789012345678901234567890123456789012345678901234567890123"
    rds_master_username                  = "u234567890123456"
    dynamodb_billing_mode                = "PROVISIONED"
    dynamodb_provisioned_capacity        = { read = 40000, write = 40000 }
    bucket_names                         = { archive = "a23456789012345678901234567890123456789012345678901234567890123" }
    transition_to_ia_days                = 36470
    transition_to_glacier_days           = 36500
    noncurrent_version_expiration_days   = 36500
    access_log_retention_days            = 36500
    object_lock_retention_days           = 36500
    efs_transition_to_ia                 = "AFTER_365_DAYS"
    efs_posix_user                       = { uid = 4294967294, gid = 4294967294 }
    backup_daily_retention_days          = 36500
    backup_weekly_retention_days         = 36500
    backup_vault_lock_min_retention_days = 36500
    backup_vault_lock_max_retention_days = 36500
    replication = {
      archive     = { destination_bucket_arn = "arn:aws:s3:::lowlat-dr-ticks", destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef" }
      audit       = { destination_bucket_arn = "arn:aws:s3:::lowlat-dr-audit", destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777" }
      access_logs = { destination_bucket_arn = "arn:aws-us-gov:s3:::lowlat-dr-access-logs" }
    }
  }

  assert {
    condition     = aws_db_instance.trades.identifier == "lowlat-abcdefghijklmnopqrstuvwxy-trades" && aws_db_instance.trades.allocated_storage == 65536 && aws_db_instance.trades.backup_retention_period == 35
    error_message = "A 32-character name, 64 TiB and 35 days of RDS backups are accepted."
  }
  assert {
    condition     = length(aws_s3_bucket.data["archive"].bucket) == 63 && aws_s3_bucket.data["audit"].bucket == "lowlat-abcdefghijklmnopqrstuvwxy-123456789012-audit"
    error_message = "A 63-character bucket name is accepted, and the longest derived names fit."
  }
  assert {
    condition     = length(aws_s3_bucket.access_logs.bucket) == 57 && length(aws_s3_bucket.data["audit"].bucket) <= 63
    error_message = "With a 32-character name the derived log bucket name has 57 characters (under S3's 63)."
  }
  assert {
    condition     = aws_s3_bucket_object_lock_configuration.audit[0].rule[0].default_retention[0].days == 36500 && length(aws_s3_bucket_replication_configuration.data) == 2
    error_message = "100 years of Object Lock and replication of all buckets are accepted."
  }
}

################################################################################
# Refused
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "pre-prod"
  }

  expect_failures = [var.env]
}

run "vpc_id_of_another_resource_is_refused" {
  command = plan

  variables {
    vpc_id = "subnet-0123456789abcdef0"
  }

  expect_failures = [var.vpc_id]
}

run "one_private_subnet_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "the_same_private_subnet_twice_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa1"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "private_subnet_name_instead_of_id_is_refused" {
  command = plan

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "private-b"]
  }

  expect_failures = [var.private_subnet_ids]
}

run "no_client_security_group_is_refused" {
  command = plan

  variables {
    client_security_group_ids = []
  }

  expect_failures = [var.client_security_group_ids]
}

run "client_security_group_name_instead_of_id_is_refused" {
  command = plan

  variables {
    client_security_group_ids = ["engine"]
  }

  expect_failures = [var.client_security_group_ids]
}

run "trades_key_alias_is_refused" {
  command = plan

  variables {
    trades_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-trades"
  }

  expect_failures = [var.trades_kms_key_arn]
}

run "market_data_bare_key_id_is_refused" {
  command = plan

  variables {
    market_data_kms_key_arn = "22222222-2222-2222-2222-222222222222"
  }

  expect_failures = [var.market_data_kms_key_arn]
}

run "audit_key_of_another_service_is_refused" {
  command = plan

  variables {
    audit_kms_key_arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:audit-AbCdEf"
  }

  expect_failures = [var.audit_kms_key_arn]
}

run "backup_key_alias_name_is_refused" {
  command = plan

  variables {
    backup_kms_key_arn = "alias/lowlat-backup"
  }

  expect_failures = [var.backup_kms_key_arn]
}

run "monitoring_key_without_account_is_refused" {
  command = plan

  variables {
    monitoring_kms_key_arn = "arn:aws:kms:eu-west-2::key/55555555-5555-5555-5555-555555555555"
  }

  expect_failures = [var.monitoring_kms_key_arn]
}

run "secrets_key_alias_is_refused" {
  command = plan

  variables {
    secrets_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/aws/secretsmanager"
  }

  expect_failures = [var.secrets_kms_key_arn]
}

run "postgres_12_is_refused" {
  command = plan

  variables {
    rds_engine_version = "12.19"
  }

  expect_failures = [var.rds_engine_version]
}

run "engine_version_without_minor_is_refused" {
  command = plan

  variables {
    rds_engine_version = "16"
  }

  expect_failures = [var.rds_engine_version]
}

run "micro_instance_class_is_refused" {
  command = plan

  variables {
    rds_instance_class = "db.t4g.micro"
  }

  expect_failures = [var.rds_instance_class]
}

run "ec2_instance_type_as_class_is_refused" {
  command = plan

  variables {
    rds_instance_class = "r6g.large"
  }

  expect_failures = [var.rds_instance_class]
}

run "storage_under_20_gib_is_refused" {
  command = plan

  variables {
    rds_allocated_storage = 19
  }

  expect_failures = [var.rds_allocated_storage]
}

run "storage_over_64_tib_is_refused" {
  command = plan

  variables {
    rds_allocated_storage = 65537
  }

  expect_failures = [var.rds_allocated_storage]
}

run "zero_backup_retention_is_refused" {
  command = plan

  variables {
    rds_backup_retention_days = 0
  }

  expect_failures = [var.rds_backup_retention_days]
}

run "backup_retention_over_35_days_is_refused" {
  command = plan

  variables {
    rds_backup_retention_days = 36
  }

  expect_failures = [var.rds_backup_retention_days]
}

run "single_az_in_prod_is_refused" {
  command = plan

  variables {
    env      = "prod"
    multi_az = false
  }

  expect_failures = [var.multi_az]
}

run "monitoring_interval_of_2_seconds_is_refused" {
  command = plan

  variables {
    rds_monitoring_interval = 2
  }

  expect_failures = [var.rds_monitoring_interval]
}

run "database_name_with_a_dash_is_refused" {
  command = plan

  variables {
    rds_database_name = "trade-history"
  }

  expect_failures = [var.rds_database_name]
}

run "reserved_master_username_is_refused" {
  command = plan

  variables {
    rds_master_username = "postgres"
  }

  expect_failures = [var.rds_master_username]
}

run "master_username_over_16_characters_is_refused" {
  command = plan

  variables {
    rds_master_username = "lowlat_administrator"
  }

  expect_failures = [var.rds_master_username]
}

run "lower_case_billing_mode_is_refused" {
  command = plan

  variables {
    dynamodb_billing_mode = "on_demand"
  }

  expect_failures = [var.dynamodb_billing_mode]
}

run "zero_read_capacity_is_refused" {
  command = plan

  variables {
    dynamodb_provisioned_capacity = { read = 0, write = 5 }
  }

  expect_failures = [var.dynamodb_provisioned_capacity]
}

run "ttl_attribute_with_a_space_is_refused" {
  command = plan

  variables {
    market_data_ttl_attribute = "expires at"
  }

  expect_failures = [var.market_data_ttl_attribute]
}

run "bucket_name_over_63_characters_is_refused" {
  command = plan

  variables {
    bucket_names = { archive = "lowlat-prod-123456789012-tick-archive-eu-west-2-primary-replica1" }
  }

  expect_failures = [var.bucket_names]
}

run "bucket_name_of_two_characters_is_refused" {
  command = plan

  variables {
    bucket_names = { audit = "ab" }
  }

  expect_failures = [var.bucket_names]
}

run "bucket_name_with_upper_case_is_refused" {
  command = plan

  variables {
    bucket_names = { archive = "Lowlat-Ticks" }
  }

  expect_failures = [var.bucket_names]
}

run "bucket_name_with_an_underscore_is_refused" {
  command = plan

  variables {
    bucket_names = { access_logs = "lowlat_access_logs" }
  }

  expect_failures = [var.bucket_names]
}

run "ip_like_bucket_name_is_refused" {
  command = plan

  variables {
    bucket_names = { audit = "192.168.5.4" }
  }

  expect_failures = [var.bucket_names]
}

run "bucket_name_with_xn_prefix_is_refused" {
  command = plan

  variables {
    bucket_names = { archive = "xn--lowlat-ticks" }
  }

  expect_failures = [var.bucket_names]
}

run "bucket_name_with_s3alias_suffix_is_refused" {
  command = plan

  variables {
    bucket_names = { audit = "lowlat-audit-s3alias" }
  }

  expect_failures = [var.bucket_names]
}

run "ia_transition_before_30_days_is_refused" {
  command = plan

  variables {
    transition_to_ia_days = 29
  }

  expect_failures = [var.transition_to_ia_days]
}

run "glacier_less_than_30_days_after_ia_is_refused" {
  command = plan

  variables {
    transition_to_glacier_days = 59
  }

  expect_failures = [var.transition_to_glacier_days]
}

run "zero_noncurrent_version_expiry_is_refused" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 0
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}

run "zero_access_log_retention_is_refused" {
  command = plan

  variables {
    access_log_retention_days = 0
  }

  expect_failures = [var.access_log_retention_days]
}

run "audit_bucket_without_object_lock_in_prod_is_refused" {
  command = plan

  variables {
    env         = "prod"
    object_lock = false
  }

  expect_failures = [var.object_lock]
}

run "object_lock_retention_of_zero_days_is_refused" {
  command = plan

  variables {
    object_lock_retention_days = 0
  }

  expect_failures = [var.object_lock_retention_days]
}

run "object_lock_retention_over_100_years_is_refused" {
  command = plan

  variables {
    object_lock_retention_days = 36501
  }

  expect_failures = [var.object_lock_retention_days]
}

run "efs_transition_of_45_days_is_refused" {
  command = plan

  variables {
    efs_transition_to_ia = "AFTER_45_DAYS"
  }

  expect_failures = [var.efs_transition_to_ia]
}

run "root_posix_user_is_refused" {
  command = plan

  variables {
    efs_posix_user = { uid = 0, gid = 0 }
  }

  expect_failures = [var.efs_posix_user]
}

run "zero_daily_backup_retention_is_refused" {
  command = plan

  variables {
    backup_daily_retention_days = 0
  }

  expect_failures = [var.backup_daily_retention_days]
}

run "weekly_retention_shorter_than_daily_is_refused" {
  command = plan

  variables {
    backup_daily_retention_days  = 35
    backup_weekly_retention_days = 28
  }

  expect_failures = [var.backup_weekly_retention_days]
}

run "zero_vault_lock_minimum_is_refused" {
  command = plan

  variables {
    backup_vault_lock_min_retention_days = 0
  }

  expect_failures = [var.backup_vault_lock_min_retention_days]
}

run "vault_lock_maximum_below_minimum_is_refused" {
  command = plan

  variables {
    backup_vault_lock_min_retention_days = 30
    backup_vault_lock_max_retention_days = 7
  }

  expect_failures = [var.backup_vault_lock_max_retention_days]
}

run "backup_tag_with_aws_prefix_is_refused" {
  command = plan

  variables {
    backup_tag = { key = "aws:backup", value = "true" }
  }

  expect_failures = [var.backup_tag]
}

run "backup_tag_with_empty_value_is_refused" {
  command = plan

  variables {
    backup_tag = { key = "lowlat:backup", value = "" }
  }

  expect_failures = [var.backup_tag]
}

run "replication_of_an_unknown_bucket_is_refused" {
  command = plan

  variables {
    replication = { ticks = { destination_bucket_arn = "arn:aws:s3:::lowlat-dr-ticks", destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777" } }
  }

  expect_failures = [var.replication]
}

run "replication_to_a_bucket_name_instead_of_arn_is_refused" {
  command = plan

  variables {
    replication = { access_logs = { destination_bucket_arn = "lowlat-dr-access-logs" } }
  }

  expect_failures = [var.replication]
}

run "replication_of_audit_without_a_replica_key_is_refused" {
  command = plan

  variables {
    replication = { audit = { destination_bucket_arn = "arn:aws:s3:::lowlat-dr-audit" } }
  }

  expect_failures = [var.replication]
}

run "replication_of_access_logs_with_a_kms_key_is_refused" {
  command = plan

  variables {
    replication = { access_logs = { destination_bucket_arn = "arn:aws:s3:::lowlat-dr-access-logs", destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777" } }
  }

  expect_failures = [var.replication]
}

run "vault_lock_range_that_excludes_the_rules_is_refused" {
  command = plan

  variables {
    backup_vault_lock                    = true
    backup_vault_lock_min_retention_days = 90
  }

  expect_failures = [aws_backup_vault_lock_configuration.this]
}
