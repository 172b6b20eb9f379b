# AWS Backup: a vault under the backup key (optionally locked in compliance mode), a daily and a
# weekly rule, and selections covering the RDS instance, both tables, the EFS file system and the
# EBS volumes carrying backup_tag (the engines' data volumes).

resource "aws_backup_vault" "this" {
  name          = "${var.name}-data"
  kms_key_arn   = var.backup_kms_key_arn
  force_destroy = var.backup_vault_force_destroy != null ? var.backup_vault_force_destroy : !local.protect

  tags = merge(var.tags, { Name = "${var.name}-data" })
}

resource "aws_backup_vault_lock_configuration" "this" {
  count = var.backup_vault_lock ? 1 : 0

  backup_vault_name   = aws_backup_vault.this.name
  changeable_for_days = 3 # grace period, then compliance mode: the lock can no longer be changed
  min_retention_days  = var.backup_vault_lock_min_retention_days
  max_retention_days  = var.backup_vault_lock_max_retention_days

  lifecycle {
    precondition {
      condition     = var.backup_daily_retention_days >= var.backup_vault_lock_min_retention_days && var.backup_weekly_retention_days <= var.backup_vault_lock_max_retention_days
      error_message = "The backup rules' retention (daily ${var.backup_daily_retention_days}, weekly ${var.backup_weekly_retention_days} days) must lie inside the vault lock's range (${var.backup_vault_lock_min_retention_days}-${var.backup_vault_lock_max_retention_days} days), or the locked vault refuses the recovery points."
    }
  }
}

resource "aws_backup_plan" "this" {
  name = "${var.name}-data"

  rule {
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.this.name
    schedule          = "cron(0 3 * * ? *)"
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = var.backup_daily_retention_days
    }

    # Disaster recovery: every recovery point also lands in the standby region's vault.
    dynamic "copy_action" {
      for_each = var.backup_copy_vault_arn == null ? [] : [var.backup_copy_vault_arn]
      content {
        destination_vault_arn = copy_action.value
        lifecycle {
          delete_after = var.backup_daily_retention_days
        }
      }
    }

    recovery_point_tags = merge(var.tags, { "lowlat:backup-rule" = "daily" })
  }

  rule {
    rule_name         = "weekly"
    target_vault_name = aws_backup_vault.this.name
    schedule          = "cron(0 4 ? * SUN *)"
    start_window      = 60
    completion_window = 720

    lifecycle {
      delete_after = var.backup_weekly_retention_days
    }

    # Disaster recovery: every recovery point also lands in the standby region's vault.
    dynamic "copy_action" {
      for_each = var.backup_copy_vault_arn == null ? [] : [var.backup_copy_vault_arn]
      content {
        destination_vault_arn = copy_action.value
        lifecycle {
          delete_after = var.backup_weekly_retention_days
        }
      }
    }

    recovery_point_tags = merge(var.tags, { "lowlat:backup-rule" = "weekly" })
  }

  tags = merge(var.tags, { Name = "${var.name}-data" })
}

resource "aws_iam_role" "backup" {
  name        = "${var.name}-backup"
  description = "Lets AWS Backup back up and restore the ${var.name} data stores."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(var.tags, { Name = "${var.name}-backup" })
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"])

  role       = aws_iam_role.backup.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/${each.key}"
}

# moto has no Backup selection API: create_backup_selection = false leaves both out there.
resource "aws_backup_selection" "stores" {
  count = var.create_backup_selection ? 1 : 0

  name         = "${var.name}-stores"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  # A read replica (standby region) is not backed up by AWS Backup: its source's recovery points
  # are copied to this region's vault instead (backup_copy_vault_arn in the primary).
  resources = concat(local.rds_replica ? [] : [aws_db_instance.trades.arn], [aws_efs_file_system.monitoring.arn], [for t in concat(aws_dynamodb_table.orders, aws_dynamodb_table.order_books, aws_dynamodb_table.market_data) : t.arn])

  depends_on = [aws_iam_role_policy_attachment.backup]
}

# Resources and conditions of one selection combine with AND: every EBS volume of the account
# that carries backup_tag.
resource "aws_backup_selection" "tagged_volumes" {
  count = var.create_backup_selection ? 1 : 0

  name         = "${var.name}-tagged-volumes"
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = ["arn:${local.partition}:ec2:*:*:volume/*"]

  condition {
    string_equals {
      key   = "aws:ResourceTag/${var.backup_tag.key}"
      value = var.backup_tag.value
    }
  }

  depends_on = [aws_iam_role_policy_attachment.backup]
}
