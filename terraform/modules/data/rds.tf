# RDS PostgreSQL for trade history and positions: private, encrypted with the trades key, TLS
# only, IAM database authentication, master password kept by RDS in Secrets Manager.

locals {
  rds_identifier = "${var.name}-trades"
  pg_major       = split(".", var.rds_engine_version)[0]
  # Standby region: a cross-region read replica of the primary's database (promoted at failover).
  rds_replica = var.rds_replicate_source_arn != null
}

resource "aws_db_subnet_group" "trades" {
  name        = local.rds_identifier
  description = "Private subnets of the ${var.name} trade database."
  subnet_ids  = var.private_subnet_ids

  tags = merge(var.tags, { Name = local.rds_identifier })
}

resource "aws_security_group" "rds" {
  name_prefix = "${var.name}-rds-"
  description = "PostgreSQL of ${var.name}: 5432 from the client security groups only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-rds" })

  lifecycle {
    create_before_destroy = true
  }
}

# count, not for_each: the client groups usually come from another module and are unknown at plan.
resource "aws_vpc_security_group_ingress_rule" "rds_from_clients" {
  count = length(var.client_security_group_ids)

  security_group_id            = aws_security_group.rds.id
  description                  = "PostgreSQL from client security group ${count.index}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.client_security_group_ids[count.index]

  tags = merge(var.tags, { Name = "${var.name}-rds-from-client-${count.index}" })
}

resource "aws_db_parameter_group" "trades" {
  name_prefix = "${local.rds_identifier}-pg${local.pg_major}-"
  family      = "postgres${local.pg_major}"
  description = "TLS-only connections and connection/DDL/slow-query logging for ${local.rds_identifier}"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
  parameter {
    name  = "log_connections"
    value = "1"
  }
  parameter {
    name  = "log_disconnections"
    value = "1"
  }
  parameter {
    name  = "log_statement"
    value = "ddl"
  }
  parameter {
    name  = "log_min_duration_statement"
    value = "1000" # milliseconds
  }

  tags = merge(var.tags, { Name = "${local.rds_identifier}-pg${local.pg_major}" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_iam_role" "rds_monitoring" {
  count = var.rds_monitoring_interval > 0 ? 1 : 0

  name        = "${var.name}-rds-monitoring"
  description = "Lets RDS enhanced monitoring of ${local.rds_identifier} publish to CloudWatch Logs."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(var.tags, { Name = "${var.name}-rds-monitoring" })
}

resource "aws_iam_role_policy_attachment" "rds_monitoring" {
  count = var.rds_monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.rds_monitoring[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "trades" {
  #checkov:skip=CKV_AWS_157:Multi-AZ is the multi_az input: prod is refused without it (variable validation), dev runs single-AZ by design.
  #checkov:skip=CKV_AWS_293:Deletion protection follows protect (on in prod, tested on the emulator); dev must destroy cleanly by design.
  identifier          = local.rds_identifier
  replicate_source_db = var.rds_replicate_source_arn
  # A replica takes engine, version, database and master user from its source.
  engine         = local.rds_replica ? null : "postgres"
  engine_version = local.rds_replica ? null : var.rds_engine_version
  instance_class = var.rds_instance_class
  db_name        = local.rds_replica ? null : var.rds_database_name
  port           = 5432

  allocated_storage = var.rds_allocated_storage
  storage_type      = "gp3"
  storage_encrypted = true
  kms_key_id        = var.trades_kms_key_arn

  # The master password is generated, stored and rotated by RDS in Secrets Manager, encrypted with
  # the secrets key: no password variable, no password in state.
  username                      = local.rds_replica ? null : var.rds_master_username
  manage_master_user_password   = local.rds_replica ? null : true
  master_user_secret_kms_key_id = local.rds_replica ? null : var.secrets_kms_key_arn

  iam_database_authentication_enabled = true

  db_subnet_group_name   = aws_db_subnet_group.trades.name
  vpc_security_group_ids = [aws_security_group.rds.id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.trades.name

  backup_retention_period  = var.rds_backup_retention_days
  backup_window            = "02:00-03:00"
  maintenance_window       = "sat:04:00-sat:05:00"
  copy_tags_to_snapshot    = true
  delete_automated_backups = !local.protect

  auto_minor_version_upgrade = true

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = var.trades_kms_key_arn
  performance_insights_retention_period = 7

  monitoring_interval = var.rds_monitoring_interval
  monitoring_role_arn = var.rds_monitoring_interval > 0 ? aws_iam_role.rds_monitoring[0].arn : null

  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]

  # RDS takes no final snapshot of a read replica: the source keeps the data.
  deletion_protection       = local.protect
  skip_final_snapshot       = local.rds_replica || !local.protect
  final_snapshot_identifier = local.protect && !local.rds_replica ? "${local.rds_identifier}-final" : null

  tags = merge(var.tags, { Name = local.rds_identifier })

  depends_on = [aws_iam_role_policy_attachment.rds_monitoring]
}
