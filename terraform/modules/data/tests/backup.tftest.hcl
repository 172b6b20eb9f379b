# AWS Backup: the vault under the backup key, the vault lock both ways, the daily and weekly rules,
# the selections (RDS, both tables, EFS, tagged EBS volumes) and their switch, the backup role.
# moto has no Backup selection API, so the selections are proven here only.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "vault_is_encrypted_with_the_backup_key" {
  command = plan

  assert {
    condition     = aws_backup_vault.this.name == "lowlat-test-data" && aws_backup_vault.this.kms_key_arn == var.backup_kms_key_arn
    error_message = "The vault <name>-data is encrypted with the backup key."
  }
  assert {
    condition     = aws_backup_vault.this.force_destroy
    error_message = "Outside prod the vault can be destroyed with its recovery points."
  }
  assert {
    condition     = length(aws_backup_vault_lock_configuration.this) == 0
    error_message = "No vault lock by default (a compliance lock cannot be undone)."
  }
}

run "prod_vault_is_not_force_destroyed" {
  command = plan

  variables {
    env = "prod"
  }

  assert {
    condition     = !aws_backup_vault.this.force_destroy
    error_message = "In prod the vault is never destroyed with its recovery points."
  }
}

run "vault_force_destroy_can_be_turned_off_for_the_emulator" {
  command = plan

  variables {
    backup_vault_force_destroy = false
  }

  assert {
    condition     = !aws_backup_vault.this.force_destroy
    error_message = "backup_vault_force_destroy = false wins over the unprotected default."
  }
}

run "vault_lock_in_compliance_mode_when_asked" {
  command = plan

  variables {
    backup_vault_lock                    = true
    backup_vault_lock_min_retention_days = 30
    backup_vault_lock_max_retention_days = 400
    backup_daily_retention_days          = 30
    backup_weekly_retention_days         = 400
  }

  assert {
    condition = (
      aws_backup_vault_lock_configuration.this[0].backup_vault_name == aws_backup_vault.this.name &&
      aws_backup_vault_lock_configuration.this[0].min_retention_days == 30 &&
      aws_backup_vault_lock_configuration.this[0].max_retention_days == 400 &&
      aws_backup_vault_lock_configuration.this[0].changeable_for_days == 3
    )
    error_message = "The lock enforces the retention range and turns into compliance mode after 3 days."
  }
}

run "two_rules_daily_and_weekly_into_the_vault" {
  command = plan

  assert {
    condition = (
      { for r in aws_backup_plan.this.rule : r.rule_name => "${r.schedule} ${r.lifecycle[0].delete_after} ${r.target_vault_name}" } == {
        daily  = "cron(0 3 * * ? *) 35 lowlat-test-data"
        weekly = "cron(0 4 ? * SUN *) 365 lowlat-test-data"
      }
    )
    error_message = "A daily rule keeps 35 days and a weekly rule 365 days, both in the module's vault."
  }
}

run "rule_retention_follows_the_variables" {
  command = plan

  variables {
    backup_daily_retention_days  = 7
    backup_weekly_retention_days = 90
  }

  assert {
    condition     = { for r in aws_backup_plan.this.rule : r.rule_name => r.lifecycle[0].delete_after } == { daily = 7, weekly = 90 }
    error_message = "The rules keep their recovery points as long as the variables say."
  }
}

run "selections_cover_rds_tables_efs_and_tagged_volumes" {
  command = apply

  assert {
    condition = (
      toset(aws_backup_selection.stores[0].resources) == toset([
        aws_db_instance.trades.arn,
        aws_dynamodb_table.orders[0].arn,
        aws_dynamodb_table.order_books[0].arn,
        aws_dynamodb_table.market_data[0].arn,
        aws_efs_file_system.monitoring.arn,
      ]) &&
      aws_backup_selection.stores[0].plan_id == aws_backup_plan.this.id &&
      aws_backup_selection.stores[0].iam_role_arn == aws_iam_role.backup.arn
    )
    error_message = "One selection names the RDS instance, the three tables and the EFS file system, under the backup role."
  }
  assert {
    condition = (
      aws_backup_selection.tagged_volumes[0].resources == toset(["arn:aws:ec2:*:*:volume/*"]) &&
      one(one(aws_backup_selection.tagged_volumes[0].condition).string_equals).key == "aws:ResourceTag/lowlat:backup" &&
      one(one(aws_backup_selection.tagged_volumes[0].condition).string_equals).value == "true" &&
      aws_backup_selection.tagged_volumes[0].plan_id == aws_backup_plan.this.id
    )
    error_message = "The other selection takes every EBS volume tagged lowlat:backup = true (resources AND condition)."
  }
  assert {
    condition     = output.backup_vault_name == "lowlat-test-data" && output.backup_plan_id == aws_backup_plan.this.id && output.backup_vault_arn == aws_backup_vault.this.arn
    error_message = "The backup outputs give the vault and the plan."
  }
}

run "backup_tag_follows_the_variable" {
  command = plan

  variables {
    backup_tag = { key = "Backup", value = "engine" }
  }

  assert {
    condition = (
      one(one(aws_backup_selection.tagged_volumes[0].condition).string_equals).key == "aws:ResourceTag/Backup" &&
      one(one(aws_backup_selection.tagged_volumes[0].condition).string_equals).value == "engine"
    )
    error_message = "backup_tag chooses the tag that selects volumes."
  }
}

run "selections_can_be_left_out_for_the_emulator" {
  command = plan

  variables {
    create_backup_selection = false
  }

  assert {
    condition     = length(aws_backup_selection.stores) == 0 && length(aws_backup_selection.tagged_volumes) == 0
    error_message = "create_backup_selection = false leaves both selections out."
  }
  assert {
    condition     = length(aws_backup_plan.this.rule) == 2
    error_message = "The vault and plan stay."
  }
}

run "backup_role_has_the_aws_managed_backup_and_restore_policies" {
  command = plan

  assert {
    condition = (
      jsondecode(aws_iam_role.backup.assume_role_policy).Statement[0].Principal.Service == "backup.amazonaws.com" &&
      jsondecode(aws_iam_role.backup.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    )
    error_message = "Only AWS Backup of this account may assume the role."
  }
  assert {
    condition = toset([for a in aws_iam_role_policy_attachment.backup : a.policy_arn]) == toset([
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ])
    error_message = "The role has exactly the AWS-managed backup and restore policies."
  }
}
