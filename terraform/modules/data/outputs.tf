################################################################################
# RDS
################################################################################

output "rds_endpoint" {
  description = "Host name of the PostgreSQL instance (connect with sslmode=verify-full)."
  value       = aws_db_instance.trades.address
}

output "rds_port" {
  description = "Port of the PostgreSQL instance."
  value       = aws_db_instance.trades.port
}

output "rds_instance_id" {
  description = "Identifier of the RDS instance."
  value       = aws_db_instance.trades.identifier
}

output "rds_instance_arn" {
  description = "ARN of the RDS instance (a standby region's read replica names its source by this ARN)."
  value       = aws_db_instance.trades.arn
}

output "rds_resource_id" {
  description = "Resource ID (db-...) of the RDS instance, for rds-db:connect IAM policies."
  value       = aws_db_instance.trades.resource_id
}

output "rds_master_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS manages for the master user (the ARN only, never the value)."
  value       = local.rds_replica ? null : one(aws_db_instance.trades.master_user_secret[*].secret_arn)
}

output "rds_security_group_id" {
  description = "Security group of the RDS instance."
  value       = aws_security_group.rds.id
}

################################################################################
# DynamoDB
################################################################################

output "dynamodb_table_names" {
  description = "Names of the DynamoDB tables: orders, order_books and market_data (in the standby region: the primary's replicas)."
  value       = local.table_names
}

output "dynamodb_table_arns" {
  description = "ARNs of the DynamoDB tables in this region: orders, order_books and market_data (in the standby region: the primary's replicas)."
  value = local.create_tables ? {
    orders      = aws_dynamodb_table.orders[0].arn
    order_books = aws_dynamodb_table.order_books[0].arn
    market_data = aws_dynamodb_table.market_data[0].arn
  } : { for k, n in local.table_names : k => "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${n}" }
}

output "dynamodb_stream_arns" {
  description = "Stream ARNs of the tables when they are global tables (dynamodb_replica_regions), else {}."
  value       = local.create_tables && local.global_tables ? { orders = aws_dynamodb_table.orders[0].stream_arn, order_books = aws_dynamodb_table.order_books[0].stream_arn, market_data = aws_dynamodb_table.market_data[0].stream_arn } : {}
}

################################################################################
# S3
################################################################################

output "archive_bucket_name" {
  description = "Name of the tick archive bucket (the Firehose destination of the events module)."
  value       = aws_s3_bucket.data["archive"].bucket
}

output "archive_bucket_arn" {
  description = "ARN of the tick archive bucket."
  value       = aws_s3_bucket.data["archive"].arn
}

output "audit_bucket_name" {
  description = "Name of the compliance/audit bucket (the CloudTrail destination of the security module)."
  value       = aws_s3_bucket.data["audit"].bucket
}

output "audit_bucket_arn" {
  description = "ARN of the compliance/audit bucket."
  value       = aws_s3_bucket.data["audit"].arn
}

output "access_log_bucket_name" {
  description = "Name of the bucket receiving the S3 server access logs of the archive and audit buckets."
  value       = aws_s3_bucket.access_logs.bucket
}

################################################################################
# EFS
################################################################################

output "efs_file_system_id" {
  description = "ID of the monitoring EFS file system."
  value       = aws_efs_file_system.monitoring.id
}

output "efs_file_system_arn" {
  description = "ARN of the monitoring EFS file system."
  value       = aws_efs_file_system.monitoring.arn
}

output "efs_access_point_id" {
  description = "ID of the Prometheus access point (mount with -o tls,accesspoint=ID)."
  value       = aws_efs_access_point.prometheus.id
}

output "efs_security_group_id" {
  description = "Security group of the EFS mount targets."
  value       = aws_security_group.efs.id
}

################################################################################
# Backup
################################################################################

output "backup_vault_name" {
  description = "Name of the AWS Backup vault."
  value       = aws_backup_vault.this.name
}

output "backup_vault_arn" {
  description = "ARN of the AWS Backup vault."
  value       = aws_backup_vault.this.arn
}

output "backup_plan_id" {
  description = "ID of the AWS Backup plan."
  value       = aws_backup_plan.this.id
}
