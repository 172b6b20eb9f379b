# RDS PostgreSQL: the keys it is encrypted with, the RDS-managed master secret, IAM auth, TLS-only
# parameter group, Multi-AZ, backups, monitoring, and deletion protection / final snapshot both
# ways (by env and by protect). Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "encrypted_with_the_trades_key_and_secret_with_the_secrets_key" {
  command = plan

  assert {
    condition = (
      aws_db_instance.trades.storage_encrypted &&
      aws_db_instance.trades.kms_key_id == var.trades_kms_key_arn &&
      aws_db_instance.trades.performance_insights_enabled &&
      aws_db_instance.trades.performance_insights_kms_key_id == var.trades_kms_key_arn
    )
    error_message = "Storage and Performance Insights are encrypted with the trades key."
  }
  assert {
    condition = (
      aws_db_instance.trades.manage_master_user_password == true &&
      aws_db_instance.trades.master_user_secret_kms_key_id == var.secrets_kms_key_arn &&
      aws_db_instance.trades.password == null
    )
    error_message = "RDS manages the master password in Secrets Manager under the secrets key; the module sets no password."
  }
  assert {
    condition     = aws_db_instance.trades.iam_database_authentication_enabled && !aws_db_instance.trades.publicly_accessible
    error_message = "IAM database authentication is on and the instance is not public."
  }
  assert {
    condition     = aws_db_instance.trades.engine == "postgres" && aws_db_instance.trades.engine_version == "16.4" && aws_db_instance.trades.storage_type == "gp3"
    error_message = "PostgreSQL 16.4 on gp3 by default."
  }
}

run "tls_only_and_logging_parameter_group" {
  command = apply

  assert {
    condition     = aws_db_parameter_group.trades.family == "postgres16"
    error_message = "The parameter group family follows the engine's major version."
  }
  assert {
    condition = (
      { for p in aws_db_parameter_group.trades.parameter : p.name => p.value } == {
        "rds.force_ssl"            = "1"
        log_connections            = "1"
        log_disconnections         = "1"
        log_statement              = "ddl"
        log_min_duration_statement = "1000"
      }
    )
    error_message = "rds.force_ssl=1 refuses connections without TLS; connections, disconnections, DDL and slow statements are logged."
  }
  assert {
    condition     = aws_db_instance.trades.parameter_group_name == aws_db_parameter_group.trades.name
    error_message = "The instance uses the module's parameter group."
  }
  assert {
    condition     = toset(aws_db_instance.trades.enabled_cloudwatch_logs_exports) == toset(["postgresql", "upgrade"])
    error_message = "The postgresql and upgrade logs go to CloudWatch Logs."
  }
}

run "parameter_group_follows_another_major_version" {
  command = plan

  variables {
    rds_engine_version = "15.7"
  }

  assert {
    condition     = aws_db_parameter_group.trades.family == "postgres15" && aws_db_instance.trades.engine_version == "15.7"
    error_message = "Engine 15.7 takes the postgres15 family."
  }
}

run "backups_multi_az_and_maintenance_defaults" {
  command = plan

  assert {
    condition     = aws_db_instance.trades.multi_az == true
    error_message = "Multi-AZ is on by default."
  }
  assert {
    condition     = aws_db_instance.trades.backup_retention_period == 14 && aws_db_instance.trades.copy_tags_to_snapshot
    error_message = "Automated backups are kept 14 days by default and snapshots carry the tags."
  }
  assert {
    condition     = aws_db_instance.trades.auto_minor_version_upgrade
    error_message = "Minor versions are upgraded automatically."
  }
  assert {
    condition     = aws_db_instance.trades.instance_class == "db.r6g.large" && aws_db_instance.trades.allocated_storage == 100
    error_message = "db.r6g.large with 100 GiB by default."
  }
  assert {
    condition     = aws_db_instance.trades.tags["Name"] == "lowlat-test-trades" && aws_db_instance.trades.tags["owner"] == "trading-platform"
    error_message = "The instance carries its Name and the caller's tags."
  }
}

run "single_az_with_short_retention_outside_prod" {
  command = plan

  variables {
    multi_az                  = false
    rds_backup_retention_days = 1
    rds_instance_class        = "db.t4g.medium"
    rds_allocated_storage     = 20
  }

  assert {
    condition     = aws_db_instance.trades.multi_az == false && aws_db_instance.trades.backup_retention_period == 1
    error_message = "dev may run single-AZ with one day of backups."
  }
  assert {
    condition     = aws_db_instance.trades.instance_class == "db.t4g.medium" && aws_db_instance.trades.allocated_storage == 20
    error_message = "The instance class and storage come from the variables."
  }
}

################################################################################
# Deletion protection and final snapshot, both ways
################################################################################

run "dev_is_unprotected_by_default" {
  command = plan

  assert {
    condition = (
      aws_db_instance.trades.deletion_protection == false &&
      aws_db_instance.trades.skip_final_snapshot == true &&
      aws_db_instance.trades.final_snapshot_identifier == null
    )
    error_message = "Outside prod the instance can be destroyed without a final snapshot."
  }
}

run "prod_is_protected_by_default" {
  command = plan

  variables {
    env = "prod"
  }

  assert {
    condition = (
      aws_db_instance.trades.deletion_protection == true &&
      aws_db_instance.trades.skip_final_snapshot == false &&
      aws_db_instance.trades.final_snapshot_identifier == "lowlat-test-trades-final" &&
      aws_db_instance.trades.delete_automated_backups == false
    )
    error_message = "In prod the instance has deletion protection, a final snapshot and keeps its automated backups."
  }
}

run "protect_overrides_env_both_ways" {
  command = plan

  variables {
    protect = true
  }

  assert {
    condition     = aws_db_instance.trades.deletion_protection && !aws_db_instance.trades.skip_final_snapshot && aws_db_instance.trades.final_snapshot_identifier == "lowlat-test-trades-final"
    error_message = "protect = true protects a dev instance."
  }
}

run "protect_false_unprotects_prod" {
  command = plan

  variables {
    env     = "prod"
    protect = false
  }

  assert {
    condition     = !aws_db_instance.trades.deletion_protection && aws_db_instance.trades.skip_final_snapshot && aws_db_instance.trades.final_snapshot_identifier == null
    error_message = "protect = false lifts the protection even in prod (e.g. to tear a test prod down)."
  }
}

################################################################################
# Network and monitoring
################################################################################

run "reachable_on_5432_from_the_client_groups_only" {
  command = apply

  assert {
    condition     = aws_db_subnet_group.trades.subnet_ids == toset(var.private_subnet_ids)
    error_message = "The subnet group holds the private subnets."
  }
  assert {
    condition     = aws_db_instance.trades.vpc_security_group_ids == toset([aws_security_group.rds.id]) && aws_security_group.rds.vpc_id == var.vpc_id
    error_message = "The instance has only the module's RDS group, in the given VPC."
  }
  assert {
    condition = (
      [for r in aws_vpc_security_group_ingress_rule.rds_from_clients : "${r.security_group_id} ${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.referenced_security_group_id}"] ==
      [for sg in var.client_security_group_ids : "${aws_security_group.rds.id} tcp 5432-5432 ${sg}"]
    )
    error_message = "One rule per client group, TCP 5432 only, and nothing else."
  }
  assert {
    condition     = length(aws_security_group.rds.ingress) == 0 && length(aws_security_group.rds.egress) == 0
    error_message = "The group has no inline rules (no egress at all)."
  }
}

run "enhanced_monitoring_role_when_the_interval_is_set" {
  command = apply

  assert {
    condition     = aws_db_instance.trades.monitoring_interval == 60 && aws_db_instance.trades.monitoring_role_arn == aws_iam_role.rds_monitoring[0].arn
    error_message = "Enhanced monitoring every 60 s uses the module's monitoring role."
  }
  assert {
    condition     = jsondecode(aws_iam_role.rds_monitoring[0].assume_role_policy).Statement[0].Principal.Service == "monitoring.rds.amazonaws.com"
    error_message = "Only RDS enhanced monitoring may assume the role."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.rds_monitoring[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    error_message = "The role has the AWS-managed enhanced monitoring policy."
  }
}

run "no_monitoring_role_when_enhanced_monitoring_is_off" {
  command = plan

  variables {
    rds_monitoring_interval = 0
  }

  assert {
    condition     = length(aws_iam_role.rds_monitoring) == 0 && length(aws_iam_role_policy_attachment.rds_monitoring) == 0 && aws_db_instance.trades.monitoring_interval == 0
    error_message = "rds_monitoring_interval = 0 creates no role and turns enhanced monitoring off."
  }
}

run "outputs_give_the_endpoint_and_the_secret_arn_never_a_value" {
  command = apply

  assert {
    condition = (
      output.rds_endpoint == "lowlat-test-trades.abcdefghijkl.eu-west-2.rds.amazonaws.com" &&
      output.rds_port == 5432 &&
      output.rds_instance_id == "lowlat-test-trades"
    )
    error_message = "rds_endpoint is the host name, rds_port the port, rds_instance_id the identifier."
  }
  assert {
    condition     = startswith(output.rds_master_secret_arn, "arn:aws:secretsmanager:") && output.rds_master_secret_arn == aws_db_instance.trades.master_user_secret[0].secret_arn
    error_message = "rds_master_secret_arn is the ARN of the secret RDS manages."
  }
}
