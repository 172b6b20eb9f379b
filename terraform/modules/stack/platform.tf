# The trading platform around the hosts: keys, secrets, audit trail and WAF (security), market data
# and order events (events), the stores (data) and the alarms (observability). Each module takes
# what it needs from the others by input; none looks another's resources up.

locals {
  # Hosts that may reach PostgreSQL and the monitoring file system.
  data_client_tiers = ["engine", "monitoring"]
}

module "security" {
  source = "../security"

  name = local.name
  env  = var.env

  kms_deletion_window_in_days    = var.kms_deletion_window_in_days
  kms_key_admin_arns             = var.kms_key_admin_arns
  market_data_key_user_arns      = [module.events.firehose_role_arn]
  secret_recovery_window_in_days = var.secret_recovery_window_in_days

  audit_bucket_name = module.data.audit_bucket_name
  associate_alb     = var.enable_ecs_service
  alb_arn           = one(module.ecs_service[*].alb_arn)
  enable_cloudtrail = !var.emulator_gaps.cloudtrail && !local.standby

  persona_principal_arns  = var.persona_principal_arns
  market_data_stream_arns = [module.events.stream_arn]
  order_queue_arns        = values(module.events.queue_arns)
  order_event_bus_arns    = [module.events.bus_arn]
  positions_table_arns    = values(module.data.dynamodb_table_arns)
  rds_db_resource_ids     = [module.data.rds_resource_id]
}

module "events" {
  source = "../events"

  name = local.name
  env  = var.env

  market_data_kms_key_arn = module.security.kms_key_arns["market_data"]
  orders_kms_key_arn      = module.security.kms_key_arns["orders"]
  logs_kms_key_arn        = module.security.kms_key_arns["logs"]
  archive_bucket_arn      = module.data.archive_bucket_arn

  shard_count                     = var.shard_count
  alert_email_addresses           = var.alert_email_addresses
  enable_dlq_redrive_allow_policy = !var.emulator_gaps.dlq_redrive_allow_policy
  create_dlq_alarms               = false # the observability module alarms on the DLQs
}

module "data" {
  source = "../data"

  name    = local.name
  env     = var.env
  protect = var.protect

  vpc_id                    = module.network.vpc_id
  private_subnet_ids        = values(module.network.private_subnet_ids)
  client_security_group_ids = [for tier in local.data_client_tiers : module.network.security_group_ids[tier]]

  trades_kms_key_arn      = module.security.kms_key_arns["trades"]
  market_data_kms_key_arn = module.security.kms_key_arns["market_data"]
  audit_kms_key_arn       = module.security.kms_key_arns["audit"]
  backup_kms_key_arn      = module.security.kms_key_arns["backup"]
  monitoring_kms_key_arn  = module.security.kms_key_arns["monitoring"]
  secrets_kms_key_arn     = module.security.kms_key_arns["secrets"]

  rds_instance_class = var.rds_instance_class
  multi_az           = var.multi_az
  object_lock        = var.object_lock
  backup_vault_lock  = var.backup_vault_lock

  # Conditionals, not try(): try() answers unknown for a value holding unknowns (the other
  # region's ARNs at plan time), and the data module counts on these.
  rds_replicate_source_arn = local.standby ? var.standby_of.rds_source_arn : null
  dynamodb_tables_from     = local.standby ? var.standby_of.name : null
  replication              = var.replication == null ? {} : var.replication.buckets
  dynamodb_replica_regions = var.replication == null || var.emulator_gaps.dynamodb_replicas ? {} : var.replication.dynamodb_replica_regions
  backup_copy_vault_arn    = var.replication == null ? null : var.replication.backup_copy_vault_arn

  create_backup_selection       = !var.emulator_gaps.backup_selection
  create_efs_file_system_policy = !var.emulator_gaps.efs_file_system_policy
  backup_vault_force_destroy    = var.emulator_gaps.backup_vault_force_destroy ? false : var.backup_vault_force_destroy
}

module "observability" {
  source = "../observability"

  name = local.name
  env  = var.env

  logs_kms_key_arn = module.security.kms_key_arns["logs"]
  alert_topic_arn  = module.events.alert_topic_arn

  kinesis_stream_name     = module.events.stream_name
  queue_names             = values(module.events.queue_names)
  dead_letter_queue_names = values(module.events.dlq_names)
  rds_instance_id         = module.data.rds_instance_id
}
