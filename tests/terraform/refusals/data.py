"""What each refusal run of terraform/modules/data/tests says, exactly (run name -> summary, message)."""

from tests.terraform.refusals import PRECONDITION, VARIABLE

MESSAGES = {
    "replica_key_of_another_region_is_refused": (
        VARIABLE,
        "dynamodb_replica_regions must map a region name (e.g. eu-west-1) to a KMS key ARN of that same region: a replica is encrypted with a key of its own region.",
    ),
    "replica_source_given_by_identifier_is_refused": (
        VARIABLE,
        "rds_replicate_source_arn must be the ARN of the primary's DB instance (arn:aws:rds:REGION:ACCOUNT:db:IDENTIFIER); a cross-region replica is named by ARN, not by identifier.",
    ),
    "standby_that_makes_replicas_is_refused": (
        VARIABLE,
        "A standby region (dynamodb_tables_from set) receives replicas and makes none: leave dynamodb_replica_regions {} there.",
    ),
    "tables_from_given_by_table_arn_is_refused": (
        VARIABLE,
        "dynamodb_tables_from must be the primary's name prefix, e.g. lowlat-prod.",
    ),
    "copy_vault_given_by_name_is_refused": (
        VARIABLE,
        "backup_copy_vault_arn must be a backup vault ARN (arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME).",
    ),
    "name_with_upper_case_is_refused": (
        VARIABLE,
        "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter.",
    ),
    "env_with_a_dash_is_refused": (
        VARIABLE,
        "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod).",
    ),
    "vpc_id_of_another_resource_is_refused": (
        VARIABLE,
        "vpc_id must look like vpc-0123456789abcdef0.",
    ),
    "one_private_subnet_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two different subnets (RDS needs subnets in two availability zones).",
    ),
    "the_same_private_subnet_twice_is_refused": (
        VARIABLE,
        "private_subnet_ids must hold at least two different subnets (RDS needs subnets in two availability zones).",
    ),
    "private_subnet_name_instead_of_id_is_refused": (
        VARIABLE,
        "private_subnet_ids must be subnet IDs like subnet-0123456789abcdef0.",
    ),
    "no_client_security_group_is_refused": (
        VARIABLE,
        "client_security_group_ids must hold at least one ID like sg-0123456789abcdef0.",
    ),
    "client_security_group_name_instead_of_id_is_refused": (
        VARIABLE,
        "client_security_group_ids must hold at least one ID like sg-0123456789abcdef0.",
    ),
    "trades_key_alias_is_refused": (
        VARIABLE,
        "trades_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "market_data_bare_key_id_is_refused": (
        VARIABLE,
        "market_data_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "audit_key_of_another_service_is_refused": (
        VARIABLE,
        "audit_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "backup_key_alias_name_is_refused": (
        VARIABLE,
        "backup_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "monitoring_key_without_account_is_refused": (
        VARIABLE,
        "monitoring_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "secrets_key_alias_is_refused": (
        VARIABLE,
        "secrets_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a bare key ID.",
    ),
    "postgres_12_is_refused": (
        VARIABLE,
        "rds_engine_version must be a PostgreSQL major.minor version with major 13 to 17, e.g. 16.4.",
    ),
    "engine_version_without_minor_is_refused": (
        VARIABLE,
        "rds_engine_version must be a PostgreSQL major.minor version with major 13 to 17, e.g. 16.4.",
    ),
    "micro_instance_class_is_refused": (
        VARIABLE,
        "rds_instance_class must be an RDS class of size medium or larger, e.g. db.t4g.medium or db.r6g.large (Performance Insights needs it).",
    ),
    "ec2_instance_type_as_class_is_refused": (
        VARIABLE,
        "rds_instance_class must be an RDS class of size medium or larger, e.g. db.t4g.medium or db.r6g.large (Performance Insights needs it).",
    ),
    "storage_under_20_gib_is_refused": (
        VARIABLE,
        "rds_allocated_storage must be a whole number of GiB between 20 and 65536.",
    ),
    "storage_over_64_tib_is_refused": (
        VARIABLE,
        "rds_allocated_storage must be a whole number of GiB between 20 and 65536.",
    ),
    "zero_backup_retention_is_refused": (
        VARIABLE,
        "rds_backup_retention_days must be a whole number of days between 1 and 35 (0 would turn automated backups off).",
    ),
    "backup_retention_over_35_days_is_refused": (
        VARIABLE,
        "rds_backup_retention_days must be a whole number of days between 1 and 35 (0 would turn automated backups off).",
    ),
    "single_az_in_prod_is_refused": (
        VARIABLE,
        "multi_az must be true when env is prod: prod needs Multi-AZ for the trade database.",
    ),
    "monitoring_interval_of_2_seconds_is_refused": (
        VARIABLE,
        "rds_monitoring_interval must be one of 0, 1, 5, 10, 15, 30 or 60 seconds.",
    ),
    "database_name_with_a_dash_is_refused": (
        VARIABLE,
        "rds_database_name must be 1-63 lower-case letters, digits or underscores, starting with a letter.",
    ),
    "reserved_master_username_is_refused": (
        VARIABLE,
        "rds_master_username must be 1-16 lower-case letters, digits or underscores, starting with a letter, and not a reserved name (rdsadmin, postgres, admin).",
    ),
    "master_username_over_16_characters_is_refused": (
        VARIABLE,
        "rds_master_username must be 1-16 lower-case letters, digits or underscores, starting with a letter, and not a reserved name (rdsadmin, postgres, admin).",
    ),
    "lower_case_billing_mode_is_refused": (
        VARIABLE,
        "dynamodb_billing_mode must be PAY_PER_REQUEST or PROVISIONED.",
    ),
    "zero_read_capacity_is_refused": (
        VARIABLE,
        "dynamodb_provisioned_capacity read and write must be whole numbers of capacity units between 1 and 40000.",
    ),
    "ttl_attribute_with_a_space_is_refused": (
        VARIABLE,
        "market_data_ttl_attribute must be 1-255 letters, digits, underscores, dots or dashes.",
    ),
    "bucket_name_over_63_characters_is_refused": (
        VARIABLE,
        "bucket_names must be 3-63 characters long; shorten the name.",
    ),
    "bucket_name_of_two_characters_is_refused": (
        VARIABLE,
        "bucket_names must be 3-63 characters long; shorten the name.",
    ),
    "bucket_name_with_upper_case_is_refused": (
        VARIABLE,
        "bucket_names may use only lower-case letters, digits, dots and dashes, must begin and end with a letter or digit, and must not contain two adjacent dots (no upper case, no underscores).",
    ),
    "bucket_name_with_an_underscore_is_refused": (
        VARIABLE,
        "bucket_names may use only lower-case letters, digits, dots and dashes, must begin and end with a letter or digit, and must not contain two adjacent dots (no upper case, no underscores).",
    ),
    "ip_like_bucket_name_is_refused": (
        VARIABLE,
        "bucket_names must not be formatted like an IP address (e.g. 192.168.5.4); S3 refuses such names, add letters.",
    ),
    "bucket_name_with_xn_prefix_is_refused": (
        VARIABLE,
        "bucket_names must not start with xn-- or sthree- nor end with -s3alias, --ol-s3 or --x-s3 (prefixes and suffixes S3 reserves); rename the bucket.",
    ),
    "bucket_name_with_s3alias_suffix_is_refused": (
        VARIABLE,
        "bucket_names must not start with xn-- or sthree- nor end with -s3alias, --ol-s3 or --x-s3 (prefixes and suffixes S3 reserves); rename the bucket.",
    ),
    "ia_transition_before_30_days_is_refused": (
        VARIABLE,
        "transition_to_ia_days must be a whole number of days between 30 and 36500 (S3 moves objects to STANDARD_IA after 30 days at the earliest).",
    ),
    "glacier_less_than_30_days_after_ia_is_refused": (
        VARIABLE,
        "transition_to_glacier_days must be a whole number of days, at least transition_to_ia_days + 30 (S3 keeps objects 30 days in STANDARD_IA) and at most 36500.",
    ),
    "zero_noncurrent_version_expiry_is_refused": (
        VARIABLE,
        "noncurrent_version_expiration_days must be a whole number of days between 1 and 36500.",
    ),
    "zero_access_log_retention_is_refused": (
        VARIABLE,
        "access_log_retention_days must be a whole number of days between 1 and 36500.",
    ),
    "audit_bucket_without_object_lock_in_prod_is_refused": (
        VARIABLE,
        "object_lock must be true when env is prod: the audit bucket keeps compliance records under Object Lock.",
    ),
    "object_lock_retention_of_zero_days_is_refused": (
        VARIABLE,
        "object_lock_retention_days must be a whole number of days between 1 and 36500.",
    ),
    "object_lock_retention_over_100_years_is_refused": (
        VARIABLE,
        "object_lock_retention_days must be a whole number of days between 1 and 36500.",
    ),
    "efs_transition_of_45_days_is_refused": (
        VARIABLE,
        "efs_transition_to_ia must be one of AFTER_1_DAY, AFTER_7_DAYS, AFTER_14_DAYS, AFTER_30_DAYS, AFTER_60_DAYS, AFTER_90_DAYS, AFTER_180_DAYS, AFTER_270_DAYS or AFTER_365_DAYS.",
    ),
    "root_posix_user_is_refused": (
        VARIABLE,
        "efs_posix_user uid and gid must be whole numbers between 1 and 4294967294 (not 0: the access point must not act as root).",
    ),
    "zero_daily_backup_retention_is_refused": (
        VARIABLE,
        "backup_daily_retention_days must be a whole number of days between 1 and 36500.",
    ),
    "weekly_retention_shorter_than_daily_is_refused": (
        VARIABLE,
        "backup_weekly_retention_days must be a whole number of days, at least backup_daily_retention_days and at most 36500.",
    ),
    "zero_vault_lock_minimum_is_refused": (
        VARIABLE,
        "backup_vault_lock_min_retention_days must be a whole number of days between 1 and 36500.",
    ),
    "vault_lock_maximum_below_minimum_is_refused": (
        VARIABLE,
        "backup_vault_lock_max_retention_days must be a whole number of days, at least backup_vault_lock_min_retention_days and at most 36500.",
    ),
    "backup_tag_with_aws_prefix_is_refused": (
        VARIABLE,
        "backup_tag must have a key of 1-128 characters not starting with aws: and a value of 1-256 characters.",
    ),
    "backup_tag_with_empty_value_is_refused": (
        VARIABLE,
        "backup_tag must have a key of 1-128 characters not starting with aws: and a value of 1-256 characters.",
    ),
    "replication_of_an_unknown_bucket_is_refused": (
        VARIABLE,
        "replication keys must be archive, audit or access_logs.",
    ),
    "replication_to_a_bucket_name_instead_of_arn_is_refused": (
        VARIABLE,
        "replication destination_bucket_arn must be an S3 bucket ARN like arn:aws:s3:::lowlat-prod-dr-audit.",
    ),
    "replication_of_audit_without_a_replica_key_is_refused": (
        VARIABLE,
        "replication destination_kms_key_arn must be a KMS key ARN in the destination region for archive and audit (their objects are SSE-KMS), and null for access_logs (SSE-S3).",
    ),
    "replication_of_access_logs_with_a_kms_key_is_refused": (
        VARIABLE,
        "replication destination_kms_key_arn must be a KMS key ARN in the destination region for archive and audit (their objects are SSE-KMS), and null for access_logs (SSE-S3).",
    ),
    "vault_lock_range_that_excludes_the_rules_is_refused": (
        PRECONDITION,
        "The backup rules' retention (daily 35, weekly 365 days) must lie inside the vault lock's range (90-3650 days), or the locked vault refuses the recovery points.",
    ),
}
