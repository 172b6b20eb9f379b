# Disaster recovery: the primary's global tables and backup copies, the standby region's read
# replica and its use of the primary's tables, and S3 Replication Time Control. moto has no
# DynamoDB global-table replicas, so they are proven here only (the emulator apply of prod-with-dr
# leaves them out by emulator_gaps.dynamodb_replicas).
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  dr_key = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777"
}

run "single_region_tables_have_no_replicas_or_streams" {
  command = plan

  assert {
    condition     = alltrue([for t in concat(aws_dynamodb_table.orders, aws_dynamodb_table.order_books, aws_dynamodb_table.market_data) : length(t.replica) == 0 && t.stream_enabled != true])
    error_message = "Without dynamodb_replica_regions the tables are single-region, without streams."
  }
  assert {
    condition     = alltrue([for r in aws_backup_plan.this.rule : length(r.copy_action) == 0])
    error_message = "Without backup_copy_vault_arn nothing is copied to another region."
  }
}

run "primary_tables_are_global_with_a_replica_under_the_standby_key" {
  command = plan

  variables {
    dynamodb_replica_regions = { "eu-west-1" = var.dr_key }
  }

  assert {
    condition = alltrue([for t in concat(aws_dynamodb_table.orders, aws_dynamodb_table.order_books, aws_dynamodb_table.market_data) :
      t.stream_enabled && t.stream_view_type == "NEW_AND_OLD_IMAGES" && length(t.replica) == 1 &&
    one(t.replica).region_name == "eu-west-1" && one(t.replica).kms_key_arn == var.dr_key && one(t.replica).point_in_time_recovery])
    error_message = "Each table gets a replica in the standby region, encrypted with that region's key and recoverable, replicated through a NEW_AND_OLD_IMAGES stream."
  }
}

run "primary_backups_are_copied_to_the_standby_vault" {
  command = plan

  variables {
    backup_copy_vault_arn = "arn:aws:backup:eu-west-1:123456789012:backup-vault:lowlat-prod-dr-data"
  }

  assert {
    condition = alltrue([for r in aws_backup_plan.this.rule :
      length(r.copy_action) == 1 && one(r.copy_action).destination_vault_arn == "arn:aws:backup:eu-west-1:123456789012:backup-vault:lowlat-prod-dr-data"
    ])
    error_message = "Both backup rules copy every recovery point to the standby region's vault."
  }
  assert {
    condition = alltrue([for r in aws_backup_plan.this.rule :
    one(one(r.copy_action).lifecycle).delete_after == one(r.lifecycle).delete_after])
    error_message = "A copy is kept as long as the recovery point it copies."
  }
}

run "standby_database_is_a_cross_region_replica_under_its_own_key" {
  command = plan

  variables {
    rds_replicate_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-prod-trades"
    dynamodb_tables_from     = "lowlat-prod"
  }

  assert {
    condition     = aws_db_instance.trades.replicate_source_db == "arn:aws:rds:eu-west-2:123456789012:db:lowlat-prod-trades" && aws_db_instance.trades.kms_key_id == var.trades_kms_key_arn && aws_db_instance.trades.storage_encrypted
    error_message = "The standby database replicates the primary's by ARN, encrypted with this region's trades key."
  }
  assert {
    condition     = aws_db_instance.trades.manage_master_user_password == null
    error_message = "A replica has no master user secret of its own (it takes the source's user)."
  }
  assert {
    condition     = aws_db_instance.trades.skip_final_snapshot && aws_db_instance.trades.final_snapshot_identifier == null
    error_message = "RDS takes no final snapshot of a read replica."
  }
  assert {
    condition     = aws_db_instance.trades.iam_database_authentication_enabled && !aws_db_instance.trades.publicly_accessible
    error_message = "The replica keeps IAM authentication and stays private."
  }
}

run "standby_region_uses_the_primary_tables_replicas" {
  command = apply

  variables {
    rds_replicate_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-prod-trades"
    dynamodb_tables_from     = "lowlat-prod"
  }

  assert {
    condition     = length(aws_dynamodb_table.orders) == 0 && length(aws_dynamodb_table.order_books) == 0 && length(aws_dynamodb_table.market_data) == 0
    error_message = "The standby region creates no tables: they are the primary's global-table replicas."
  }
  assert {
    condition     = output.dynamodb_table_names == { orders = "lowlat-prod-orders", order_books = "lowlat-prod-order-books", market_data = "lowlat-prod-market-data" }
    error_message = "The outputs name the primary's tables (a global table has one name in every region)."
  }
  assert {
    condition     = output.dynamodb_table_arns.orders == "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-orders"
    error_message = "The table ARNs are those of this region's replicas (the mock's region is eu-west-2)."
  }
  assert {
    condition     = output.rds_master_secret_arn == null
    error_message = "A replica has no master secret of its own."
  }
}

run "replication_time_control_on_request" {
  command = plan

  variables {
    replication = {
      archive = { destination_bucket_arn = "arn:aws:s3:::lowlat-prod-dr-tick-archive", destination_kms_key_arn = var.dr_key, replication_time_control = true }
      audit   = { destination_bucket_arn = "arn:aws:s3:::lowlat-prod-dr-audit", destination_kms_key_arn = var.dr_key }
    }
  }

  assert {
    condition = (
      one(one(one(aws_s3_bucket_replication_configuration.data["archive"].rule).destination).replication_time).status == "Enabled" &&
      one(one(one(one(aws_s3_bucket_replication_configuration.data["archive"].rule).destination).replication_time).time).minutes == 15 &&
      one(one(one(aws_s3_bucket_replication_configuration.data["archive"].rule).destination).metrics).status == "Enabled"
    )
    error_message = "replication_time_control turns on S3 RTC (15 minutes) with replication metrics."
  }
  assert {
    condition     = length(one(one(aws_s3_bucket_replication_configuration.data["audit"].rule).destination).replication_time) == 0
    error_message = "Without replication_time_control a bucket replicates without RTC."
  }
}

run "replica_key_of_another_region_is_refused" {
  command = plan

  variables {
    dynamodb_replica_regions = { "eu-west-3" = var.dr_key }
  }

  expect_failures = [var.dynamodb_replica_regions]
}

run "replica_source_given_by_identifier_is_refused" {
  command = plan

  variables {
    rds_replicate_source_arn = "lowlat-prod-trades"
  }

  expect_failures = [var.rds_replicate_source_arn]
}

run "standby_that_makes_replicas_is_refused" {
  command = plan

  variables {
    dynamodb_tables_from     = "lowlat-prod"
    dynamodb_replica_regions = { "eu-west-1" = var.dr_key }
  }

  expect_failures = [var.dynamodb_tables_from]
}

run "tables_from_given_by_table_arn_is_refused" {
  command = plan

  variables {
    dynamodb_tables_from = "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-prod-orders"
  }

  expect_failures = [var.dynamodb_tables_from]
}

run "copy_vault_given_by_name_is_refused" {
  command = plan

  variables {
    backup_copy_vault_arn = "lowlat-prod-dr-data"
  }

  expect_failures = [var.backup_copy_vault_arn]
}
