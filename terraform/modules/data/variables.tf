################################################################################
# Common
################################################################################

variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod, ...). In prod the stores are protected unless protect says otherwise, and Multi-AZ and Object Lock are required."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged into every taggable resource (the module's Name tags win)."
  default     = {}
}

variable "protect" {
  type        = bool
  description = "Protect the stores against deletion: RDS deletion protection and a final snapshot, DynamoDB deletion protection, no force_destroy on the buckets and the backup vault. null follows env (on in prod, off elsewhere)."
  default     = null
}

################################################################################
# Network
################################################################################

variable "vpc_id" {
  type        = string
  description = "VPC of the private subnets (from the network module)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets, one per availability zone: the RDS subnet group and one EFS mount target each."

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && length(distinct(var.private_subnet_ids)) == length(var.private_subnet_ids)
    error_message = "private_subnet_ids must hold at least two different subnets (RDS needs subnets in two availability zones)."
  }

  validation {
    condition     = alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "private_subnet_ids must be subnet IDs like subnet-0123456789abcdef0."
  }
}

variable "client_security_group_ids" {
  type        = list(string)
  description = "Security groups of the hosts that may reach PostgreSQL (5432) and the monitoring EFS (2049)."

  validation {
    condition = (
      length(var.client_security_group_ids) >= 1 &&
      alltrue([for s in var.client_security_group_ids : can(regex("^sg-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    )
    error_message = "client_security_group_ids must hold at least one ID like sg-0123456789abcdef0."
  }
}

################################################################################
# KMS keys (customer-managed keys of the security module, one per data class)
################################################################################

variable "trades_kms_key_arn" {
  type        = string
  description = "KMS key of the trades class: RDS storage and Performance Insights, the order-book table."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.trades_kms_key_arn))
    error_message = "trades_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "market_data_kms_key_arn" {
  type        = string
  description = "KMS key of the market data class: the market-data table and the tick archive bucket."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.market_data_kms_key_arn))
    error_message = "market_data_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "audit_kms_key_arn" {
  type        = string
  description = "KMS key of the audit class: the compliance/audit bucket (CloudTrail writes there)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.audit_kms_key_arn))
    error_message = "audit_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "backup_kms_key_arn" {
  type        = string
  description = "KMS key of the AWS Backup vault."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.backup_kms_key_arn))
    error_message = "backup_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "monitoring_kms_key_arn" {
  type        = string
  description = "KMS key of the monitoring class: the EFS file system of Prometheus."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.monitoring_kms_key_arn))
    error_message = "monitoring_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

variable "secrets_kms_key_arn" {
  type        = string
  description = "KMS key of the secrets class: the RDS-managed master user secret in Secrets Manager."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.secrets_kms_key_arn))
    error_message = "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID."
  }
}

################################################################################
# RDS PostgreSQL (trade history, positions)
################################################################################

variable "rds_engine_version" {
  type        = string
  description = "PostgreSQL engine version (major.minor); the parameter group family follows the major version. Minor upgrades are applied automatically."
  default     = "16.4"

  validation {
    condition     = can(regex("^(1[3-7])\\.[0-9]{1,2}$", var.rds_engine_version))
    error_message = "rds_engine_version must be a PostgreSQL major.minor version with major 13 to 17, e.g. 16.4."
  }
}

variable "rds_instance_class" {
  type        = string
  description = "RDS instance class. micro and small classes are refused: Performance Insights needs medium or larger."
  default     = "db.r6g.large"

  validation {
    condition     = can(regex("^db\\.[a-z][a-z0-9-]*\\.(medium|large|[0-9]*xlarge)$", var.rds_instance_class))
    error_message = "rds_instance_class must be an RDS class of size medium or larger, e.g. db.t4g.medium or db.r6g.large (Performance Insights needs it)."
  }
}

variable "rds_allocated_storage" {
  type        = number
  description = "Allocated gp3 storage of the database in GiB."
  default     = 100

  validation {
    condition     = var.rds_allocated_storage >= 20 && var.rds_allocated_storage <= 65536 && floor(var.rds_allocated_storage) == var.rds_allocated_storage
    error_message = "rds_allocated_storage must be a whole number of GiB between 20 and 65536."
  }
}

variable "rds_backup_retention_days" {
  type        = number
  description = "Days RDS keeps automated backups (point-in-time recovery window)."
  default     = 14

  validation {
    condition     = var.rds_backup_retention_days >= 1 && var.rds_backup_retention_days <= 35 && floor(var.rds_backup_retention_days) == var.rds_backup_retention_days
    error_message = "rds_backup_retention_days must be a whole number of days between 1 and 35 (0 would turn automated backups off)."
  }
}

variable "multi_az" {
  type        = bool
  description = "Run RDS with a synchronous standby in a second availability zone. Required in prod."
  default     = true

  validation {
    condition     = var.multi_az || var.env != "prod"
    error_message = "multi_az must be true when env is prod: prod needs Multi-AZ for the trade database."
  }
}

variable "rds_monitoring_interval" {
  type        = number
  description = "Seconds between RDS enhanced monitoring samples; 0 turns enhanced monitoring off and creates no monitoring role."
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.rds_monitoring_interval)
    error_message = "rds_monitoring_interval must be one of 0, 1, 5, 10, 15, 30 or 60 seconds."
  }
}

variable "rds_database_name" {
  type        = string
  description = "Name of the database created in the instance."
  default     = "lowlat"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.rds_database_name))
    error_message = "rds_database_name must be 1-63 lower-case letters, digits or underscores, starting with a letter."
  }
}

variable "rds_master_username" {
  type        = string
  description = "Master user name. Its password is generated and rotated by RDS in Secrets Manager; this module never sees it."
  default     = "lowlat_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.rds_master_username)) && !contains(["rdsadmin", "postgres", "admin"], var.rds_master_username)
    error_message = "rds_master_username must be 1-16 lower-case letters, digits or underscores, starting with a letter, and not a reserved name (rdsadmin, postgres, admin)."
  }
}

################################################################################
# DynamoDB (order books, market data)
################################################################################

variable "dynamodb_billing_mode" {
  type        = string
  description = "Billing mode of the DynamoDB tables: PAY_PER_REQUEST (on demand) or PROVISIONED (dynamodb_provisioned_capacity)."
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.dynamodb_billing_mode)
    error_message = "dynamodb_billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "dynamodb_provisioned_capacity" {
  type = object({
    read  = number
    write = number
  })
  description = "Read and write capacity units of each table when dynamodb_billing_mode is PROVISIONED (ignored on demand)."
  default     = { read = 5, write = 5 }

  validation {
    condition = alltrue([
      for v in [var.dynamodb_provisioned_capacity.read, var.dynamodb_provisioned_capacity.write] : v >= 1 && v <= 40000 && floor(v) == v
    ])
    error_message = "dynamodb_provisioned_capacity read and write must be whole numbers of capacity units between 1 and 40000."
  }
}

variable "market_data_ttl_attribute" {
  type        = string
  description = "Attribute of the market-data table holding the expiry time (epoch seconds) after which DynamoDB deletes an item."
  default     = "expires_at"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,255}$", var.market_data_ttl_attribute))
    error_message = "market_data_ttl_attribute must be 1-255 letters, digits, underscores, dots or dashes."
  }
}

################################################################################
# S3 (tick archive, compliance/audit, access logs)
################################################################################

variable "bucket_names" {
  type = object({
    archive     = optional(string)
    audit       = optional(string)
    access_logs = optional(string)
  })
  description = "Bucket names. A name left null is derived from name and the account ID: <name>-<account>-tick-archive, <name>-<account>-audit, <name>-<account>-access-logs."
  default     = {}

  validation {
    condition = alltrue([
      for n in [var.bucket_names.archive, var.bucket_names.audit, var.bucket_names.access_logs] : length(n) >= 3 && length(n) <= 63 if n != null
    ])
    error_message = "bucket_names must be 3-63 characters long; shorten the name."
  }

  validation {
    condition = alltrue([
      for n in [var.bucket_names.archive, var.bucket_names.audit, var.bucket_names.access_logs] :
      can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", n)) && !strcontains(n, "..") if n != null
    ])
    error_message = "bucket_names may use only lower-case letters, digits, dots and dashes, must begin and end with a letter or digit, and must not contain two adjacent dots (no upper case, no underscores)."
  }

  validation {
    condition = alltrue([
      for n in [var.bucket_names.archive, var.bucket_names.audit, var.bucket_names.access_logs] :
      !can(regex("^[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}$", n)) if n != null
    ])
    error_message = "bucket_names must not be formatted like an IP address (e.g. 192.168.5.4); S3 refuses such names, add letters."
  }

  validation {
    condition = alltrue([
      for n in [var.bucket_names.archive, var.bucket_names.audit, var.bucket_names.access_logs] :
      !startswith(n, "xn--") && !startswith(n, "sthree-") && !endswith(n, "-s3alias") && !endswith(n, "--ol-s3") && !endswith(n, "--x-s3") if n != null
    ])
    error_message = "bucket_names must not start with xn-- or sthree- nor end with -s3alias, --ol-s3 or --x-s3 (prefixes and suffixes S3 reserves); rename the bucket."
  }
}

variable "transition_to_ia_days" {
  type        = number
  description = "Days after which objects of the tick archive and audit buckets move to STANDARD_IA."
  default     = 30

  validation {
    condition     = var.transition_to_ia_days >= 30 && var.transition_to_ia_days <= 36500 && floor(var.transition_to_ia_days) == var.transition_to_ia_days
    error_message = "transition_to_ia_days must be a whole number of days between 30 and 36500 (S3 moves objects to STANDARD_IA after 30 days at the earliest)."
  }
}

variable "transition_to_glacier_days" {
  type        = number
  description = "Days after which objects of the tick archive and audit buckets move to GLACIER (Flexible Retrieval); at least 30 days after the STANDARD_IA transition."
  default     = 90

  validation {
    condition     = var.transition_to_glacier_days >= var.transition_to_ia_days + 30 && var.transition_to_glacier_days <= 36500 && floor(var.transition_to_glacier_days) == var.transition_to_glacier_days
    error_message = "transition_to_glacier_days must be a whole number of days, at least transition_to_ia_days + 30 (S3 keeps objects 30 days in STANDARD_IA) and at most 36500."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which S3 deletes noncurrent object versions (Object Lock still protects locked versions until their retention ends)."
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 36500 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days between 1 and 36500."
  }
}

variable "access_log_retention_days" {
  type        = number
  description = "Days the access-log bucket keeps S3 server access logs."
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 1 && var.access_log_retention_days <= 36500 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "object_lock" {
  type        = bool
  description = "Object Lock in COMPLIANCE mode on the audit bucket (nobody, root included, can delete a locked version before its retention ends). Off is allowed outside prod only. Changing it replaces the audit bucket."
  default     = true

  validation {
    condition     = var.object_lock || var.env != "prod"
    error_message = "object_lock must be true when env is prod: the audit bucket keeps compliance records under Object Lock."
  }
}

variable "object_lock_retention_days" {
  type        = number
  description = "Default COMPLIANCE retention of new object versions in the audit bucket, in days (2555 = 7 years)."
  default     = 2555

  validation {
    condition     = var.object_lock_retention_days >= 1 && var.object_lock_retention_days <= 36500 && floor(var.object_lock_retention_days) == var.object_lock_retention_days
    error_message = "object_lock_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "replication" {
  type = map(object({
    destination_bucket_arn   = string
    destination_kms_key_arn  = optional(string)
    replication_time_control = optional(bool, false)
  }))
  description = "Cross-region replication for disaster recovery, by bucket (keys archive, audit, access_logs). The destination buckets (versioned, in another region; Object Lock on for audit) are made by the caller. replication_time_control: S3 Replication Time Control (99.99 % of objects within 15 minutes, with replication metrics; charged per GB). {} replicates nothing."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.replication) : contains(["archive", "audit", "access_logs"], k)])
    error_message = "replication keys must be archive, audit or access_logs."
  }

  validation {
    condition     = alltrue([for r in values(var.replication) : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", r.destination_bucket_arn))])
    error_message = "replication destination_bucket_arn must be an S3 bucket ARN like arn:aws:s3:::lowlat-prod-dr-audit."
  }

  validation {
    condition = alltrue([
      for k, r in var.replication : k == "access_logs" ? r.destination_kms_key_arn == null : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", r.destination_kms_key_arn))
    ])
    error_message = "replication destination_kms_key_arn must be a KMS key ARN in the destination region for archive and audit (their objects are SSE-KMS), and null for access_logs (SSE-S3)."
  }
}

################################################################################
# Disaster recovery: the primary's replicas, the standby region's copies
################################################################################

variable "rds_replicate_source_arn" {
  type        = string
  description = "Standby region only: ARN of the primary region's trade database. The trades database here is then its cross-region read replica, encrypted with trades_kms_key_arn (a key of this region), without a master user of its own; an operator promotes it at failover. null: a primary database."
  default     = null

  validation {
    condition     = var.rds_replicate_source_arn == null || can(regex("^arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:db:[a-z][a-z0-9-]{0,62}$", var.rds_replicate_source_arn))
    error_message = "rds_replicate_source_arn must be the ARN of the primary's DB instance (arn:aws:rds:REGION:ACCOUNT:db:IDENTIFIER); a cross-region replica is named by ARN, not by identifier."
  }
}

variable "dynamodb_replica_regions" {
  type        = map(string)
  description = "Global-table replicas of the three tables: region => ARN of a KMS key in that region (the replica's encryption key). Streams are turned on (global tables replicate through them). {}: tables in this region only."
  default     = {}

  validation {
    condition     = alltrue([for region, key in var.dynamodb_replica_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", region)) && can(regex("^arn:aws[a-z-]*:kms:${region}:[0-9]{12}:key/[A-Za-z0-9-]+$", key))])
    error_message = "dynamodb_replica_regions must map a region name (e.g. eu-west-1) to a KMS key ARN of that same region: a replica is encrypted with a key of its own region."
  }
}

variable "dynamodb_tables_from" {
  type        = string
  description = "Standby region only: the name of the primary's data module (its `name`, e.g. lowlat-prod), whose global tables replicate here. The tables are then not created by this module; its outputs name those replicas. null: create the tables."
  default     = null

  validation {
    condition     = var.dynamodb_tables_from == null || can(regex("^[a-z][a-z0-9-]{1,40}$", var.dynamodb_tables_from))
    error_message = "dynamodb_tables_from must be the primary's name prefix, e.g. lowlat-prod."
  }

  validation {
    condition     = var.dynamodb_tables_from == null || length(var.dynamodb_replica_regions) == 0
    error_message = "A standby region (dynamodb_tables_from set) receives replicas and makes none: leave dynamodb_replica_regions {} there."
  }
}

variable "backup_copy_vault_arn" {
  type        = string
  description = "ARN of a backup vault in another region (the standby region's data vault): both rules copy every recovery point there, kept as long as here. null: no copy."
  default     = null

  validation {
    condition     = var.backup_copy_vault_arn == null || can(regex("^arn:aws[a-z-]*:backup:[a-z0-9-]+:[0-9]{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$", var.backup_copy_vault_arn))
    error_message = "backup_copy_vault_arn must be a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME)."
  }
}

################################################################################
# EFS (monitoring data)
################################################################################

variable "efs_transition_to_ia" {
  type        = string
  description = "When EFS moves files not read for a while to Infrequent Access (they return on first access)."
  default     = "AFTER_30_DAYS"

  validation {
    condition     = contains(["AFTER_1_DAY", "AFTER_7_DAYS", "AFTER_14_DAYS", "AFTER_30_DAYS", "AFTER_60_DAYS", "AFTER_90_DAYS", "AFTER_180_DAYS", "AFTER_270_DAYS", "AFTER_365_DAYS"], var.efs_transition_to_ia)
    error_message = "efs_transition_to_ia must be one of AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS or AFTER_365_DAYS."
  }
}

variable "efs_posix_user" {
  type = object({
    uid = number
    gid = number
  })
  description = "POSIX user and group the Prometheus access point enforces, and owner of /prometheus (65534 = nobody, the user of the Prometheus image)."
  default     = { uid = 65534, gid = 65534 }

  validation {
    condition = alltrue([
      for v in [var.efs_posix_user.uid, var.efs_posix_user.gid] : v >= 1 && v <= 4294967294 && floor(v) == v
    ])
    error_message = "efs_posix_user uid and gid must be whole numbers between 1 and 4294967294 (not 0: the access point must not act as root)."
  }
}

variable "create_efs_file_system_policy" {
  type        = bool
  description = "Attach the TLS-only file system policy to the monitoring EFS. Turn off only for an emulator without DeleteFileSystemPolicy (moto), where destroy otherwise fails."
  default     = true
}

################################################################################
# AWS Backup
################################################################################

variable "backup_daily_retention_days" {
  type        = number
  description = "Days AWS Backup keeps the daily recovery points."
  default     = 35

  validation {
    condition     = var.backup_daily_retention_days >= 1 && var.backup_daily_retention_days <= 36500 && floor(var.backup_daily_retention_days) == var.backup_daily_retention_days
    error_message = "backup_daily_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "backup_weekly_retention_days" {
  type        = number
  description = "Days AWS Backup keeps the weekly recovery points; at least backup_daily_retention_days."
  default     = 365

  validation {
    condition     = var.backup_weekly_retention_days >= var.backup_daily_retention_days && var.backup_weekly_retention_days <= 36500 && floor(var.backup_weekly_retention_days) == var.backup_weekly_retention_days
    error_message = "backup_weekly_retention_days must be a whole number of days, at least backup_daily_retention_days and at most 36500."
  }
}

variable "backup_vault_lock" {
  type        = bool
  description = "Lock the backup vault in compliance mode: after a 3-day grace period nobody can delete recovery points early or change the lock. Default off because it cannot be undone."
  default     = false
}

variable "backup_vault_lock_min_retention_days" {
  type        = number
  description = "With backup_vault_lock: the shortest retention a recovery point in the vault may have."
  default     = 7

  validation {
    condition     = var.backup_vault_lock_min_retention_days >= 1 && var.backup_vault_lock_min_retention_days <= 36500 && floor(var.backup_vault_lock_min_retention_days) == var.backup_vault_lock_min_retention_days
    error_message = "backup_vault_lock_min_retention_days must be a whole number of days between 1 and 36500."
  }
}

variable "backup_vault_lock_max_retention_days" {
  type        = number
  description = "With backup_vault_lock: the longest retention a recovery point in the vault may have."
  default     = 3650

  validation {
    condition     = var.backup_vault_lock_max_retention_days >= var.backup_vault_lock_min_retention_days && var.backup_vault_lock_max_retention_days <= 36500 && floor(var.backup_vault_lock_max_retention_days) == var.backup_vault_lock_max_retention_days
    error_message = "backup_vault_lock_max_retention_days must be a whole number of days, at least backup_vault_lock_min_retention_days and at most 36500."
  }
}

variable "backup_tag" {
  type = object({
    key   = string
    value = string
  })
  description = "Tag that puts an EBS volume (the engines' data volumes) into the backup plan."
  default     = { key = "lowlat:backup", value = "true" }

  validation {
    condition = (
      length(var.backup_tag.key) >= 1 && length(var.backup_tag.key) <= 128 && !startswith(var.backup_tag.key, "aws:") &&
      length(var.backup_tag.value) >= 1 && length(var.backup_tag.value) <= 256
    )
    error_message = "backup_tag must have a key of 1-128 characters not starting with aws: and a value of 1-256 characters."
  }
}

variable "backup_vault_force_destroy" {
  type        = bool
  description = "Let destroy delete the backup vault with its recovery points. null follows protect (on when unprotected). Set false for an emulator without ListRecoveryPointsByBackupVault (moto), where a force-destroy fails."
  default     = null
}

variable "create_backup_selection" {
  type        = bool
  description = "Create the AWS Backup selections (which resources the plan backs up). Turn off only for an emulator without the Backup selection API (moto); without them the plan backs up nothing."
  default     = true
}
