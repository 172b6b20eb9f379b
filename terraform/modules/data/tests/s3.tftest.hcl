# S3: names (derived or given), SSE-KMS with each bucket's key and bucket keys, public access
# blocked, versioning, TLS-only and KMS-enforcing policies, the CloudTrail delivery statements of
# the audit bucket, Object Lock on and off, lifecycle, access logging, event notifications and the
# optional cross-region replication. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "bucket_names_are_derived_from_name_and_account" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket.data["archive"].bucket == "lowlat-test-123456789012-tick-archive" &&
      aws_s3_bucket.data["audit"].bucket == "lowlat-test-123456789012-audit" &&
      aws_s3_bucket.access_logs.bucket == "lowlat-test-123456789012-access-logs"
    )
    error_message = "Without bucket_names the buckets are <name>-<account>-tick-archive, -audit and -access-logs."
  }
}

run "bucket_names_can_be_given" {
  command = plan

  variables {
    bucket_names = { archive = "acme-ticks", audit = "acme-audit.eu" }
  }

  assert {
    condition = (
      aws_s3_bucket.data["archive"].bucket == "acme-ticks" &&
      aws_s3_bucket.data["audit"].bucket == "acme-audit.eu" &&
      aws_s3_bucket.access_logs.bucket == "lowlat-test-123456789012-access-logs"
    )
    error_message = "Given names are used as they are; a name left null is still derived."
  }
}

run "kms_buckets_use_their_class_key_with_bucket_keys" {
  command = plan

  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.data["archive"].rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.data["archive"].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.market_data_kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.data["archive"].rule).bucket_key_enabled
    )
    error_message = "The tick archive is SSE-KMS with the market data key and a bucket key."
  }
  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.data["audit"].rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.data["audit"].rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.audit_kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.data["audit"].rule).bucket_key_enabled
    )
    error_message = "The audit bucket is SSE-KMS with the audit key and a bucket key."
  }
  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "The access-log bucket is SSE-S3: server access log delivery supports nothing else."
  }
}

run "no_bucket_is_public_and_all_are_versioned_with_acls_off" {
  command = plan

  assert {
    condition = alltrue([for b in concat(values(aws_s3_bucket_public_access_block.data), [aws_s3_bucket_public_access_block.access_logs]) :
    b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets])
    error_message = "All four public access blocks are on for all three buckets."
  }
  assert {
    condition = alltrue([for v in concat(values(aws_s3_bucket_versioning.data), [aws_s3_bucket_versioning.access_logs]) :
    v.versioning_configuration[0].status == "Enabled"])
    error_message = "All three buckets are versioned."
  }
  assert {
    condition = alltrue([for o in concat(values(aws_s3_bucket_ownership_controls.data), [aws_s3_bucket_ownership_controls.access_logs]) :
    o.rule[0].object_ownership == "BucketOwnerEnforced"])
    error_message = "ACLs are disabled (BucketOwnerEnforced) on all three buckets."
  }
  assert {
    condition = (
      toset(keys(aws_s3_bucket_public_access_block.data)) == toset(["archive", "audit"]) &&
      aws_s3_bucket_public_access_block.data["archive"].bucket == aws_s3_bucket.data["archive"].bucket &&
      aws_s3_bucket_public_access_block.access_logs.bucket == aws_s3_bucket.access_logs.bucket
    )
    error_message = "Each block belongs to its own bucket."
  }
}

run "every_bucket_policy_denies_plain_http" {
  command = plan

  assert {
    condition = alltrue([for p in [aws_s3_bucket_policy.data["archive"].policy, aws_s3_bucket_policy.data["audit"].policy, aws_s3_bucket_policy.access_logs.policy] :
      length([for s in jsondecode(p).Statement : s if(
        s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" &&
        s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    )]) == 1])
    error_message = "Every bucket policy denies any request without TLS (aws:SecureTransport false)."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.data["archive"].policy).Statement : s.Sid => s.Resource }["DenyInsecureTransport"] ==
      ["arn:aws:s3:::lowlat-test-123456789012-tick-archive", "arn:aws:s3:::lowlat-test-123456789012-tick-archive/*"]
    )
    error_message = "The TLS deny covers the bucket and its objects."
  }
}

run "kms_buckets_refuse_other_encryption_and_other_keys" {
  command = plan

  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.data["archive"].policy).Statement : s.Sid => s.Condition }["DenyOtherKmsKeys"] ==
      { StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = var.market_data_kms_key_arn }, Null = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" } }
    )
    error_message = "The tick archive refuses writes that name a key other than the market data key."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.data["audit"].policy).Statement : s.Sid => s.Condition }["DenyOtherKmsKeys"] ==
      { StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = var.audit_kms_key_arn }, Null = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" } }
    )
    error_message = "The audit bucket refuses writes that name a key other than the audit key."
  }
  assert {
    condition = alltrue([for k in ["archive", "audit"] :
      { for s in jsondecode(aws_s3_bucket_policy.data[k].policy).Statement : s.Sid => s }["DenyEncryptionOtherThanKms"].Condition.StringNotEquals ==
    { "s3:x-amz-server-side-encryption" = "aws:kms" }])
    error_message = "Both KMS buckets refuse writes asking for an encryption other than aws:kms."
  }
}

run "cloudtrail_of_this_account_may_write_to_the_audit_bucket_only" {
  command = plan

  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.data["audit"].policy).Statement : s.Sid => s }["CloudTrailAclCheck"] == {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = "arn:aws:s3:::lowlat-test-123456789012-audit"
        Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
      }
    )
    error_message = "CloudTrail of this account may read the audit bucket's ACL."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.data["audit"].policy).Statement : s.Sid => s }["CloudTrailWrite"] == {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::lowlat-test-123456789012-audit/AWSLogs/123456789012/*"
        Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control", "aws:SourceAccount" = "123456789012" } }
      }
    )
    error_message = "CloudTrail of this account may write under AWSLogs/<account>/ with bucket-owner-full-control."
  }
  assert {
    condition     = length([for s in jsondecode(aws_s3_bucket_policy.data["archive"].policy).Statement : s if s.Effect == "Allow"]) == 0
    error_message = "The tick archive's policy allows nothing (only IAM policies of the account grant access)."
  }
}

run "access_logs_go_to_the_log_bucket" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_logging.data["archive"].target_bucket == aws_s3_bucket.access_logs.bucket && aws_s3_bucket_logging.data["archive"].target_prefix == "archive/" &&
      aws_s3_bucket_logging.data["audit"].target_bucket == aws_s3_bucket.access_logs.bucket && aws_s3_bucket_logging.data["audit"].target_prefix == "audit/"
    )
    error_message = "Both data buckets log their access to the log bucket, under archive/ and audit/."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_s3_bucket_policy.access_logs.policy).Statement : s.Sid => s }["S3ServerAccessLogDelivery"] == {
        Sid       = "S3ServerAccessLogDelivery"
        Effect    = "Allow"
        Principal = { Service = "logging.s3.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "arn:aws:s3:::lowlat-test-123456789012-access-logs/*"
        Condition = {
          ArnLike      = { "aws:SourceArn" = ["arn:aws:s3:::lowlat-test-123456789012-tick-archive", "arn:aws:s3:::lowlat-test-123456789012-audit"] }
          StringEquals = { "aws:SourceAccount" = "123456789012" }
        }
      }
    )
    error_message = "Only S3 log delivery for the two data buckets of this account may write to the log bucket."
  }
}

run "lifecycle_tiers_and_expires_noncurrent_versions" {
  command = plan

  assert {
    condition = alltrue([for k in ["archive", "audit"] : (
      toset([for t in one(aws_s3_bucket_lifecycle_configuration.data[k].rule).transition : "${t.storage_class}@${t.days}"]) == toset(["STANDARD_IA@30", "GLACIER@90"]) &&
      one(aws_s3_bucket_lifecycle_configuration.data[k].rule).noncurrent_version_expiration[0].noncurrent_days == 90 &&
      one(aws_s3_bucket_lifecycle_configuration.data[k].rule).abort_incomplete_multipart_upload[0].days_after_initiation == 7 &&
      one(aws_s3_bucket_lifecycle_configuration.data[k].rule).status == "Enabled"
    )])
    error_message = "Archive and audit move to STANDARD_IA after 30 days and GLACIER after 90, drop noncurrent versions after 90 days and incomplete uploads after 7."
  }
  assert {
    condition = (
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).expiration[0].days == 365 &&
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).noncurrent_version_expiration[0].noncurrent_days == 90 &&
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).abort_incomplete_multipart_upload[0].days_after_initiation == 7
    )
    error_message = "Access logs expire after 365 days."
  }
}

run "lifecycle_days_come_from_the_variables" {
  command = plan

  variables {
    transition_to_ia_days              = 60
    transition_to_glacier_days         = 180
    noncurrent_version_expiration_days = 30
    access_log_retention_days          = 90
  }

  assert {
    condition = (
      toset([for t in one(aws_s3_bucket_lifecycle_configuration.data["archive"].rule).transition : "${t.storage_class}@${t.days}"]) == toset(["STANDARD_IA@60", "GLACIER@180"]) &&
      one(aws_s3_bucket_lifecycle_configuration.data["audit"].rule).noncurrent_version_expiration[0].noncurrent_days == 30 &&
      one(aws_s3_bucket_lifecycle_configuration.access_logs.rule).expiration[0].days == 90
    )
    error_message = "Transition, noncurrent and log expiry days follow the variables."
  }
}

################################################################################
# Object Lock on the audit bucket, both ways
################################################################################

run "object_lock_compliance_on_the_audit_bucket_by_default" {
  command = plan

  assert {
    condition     = aws_s3_bucket.data["audit"].object_lock_enabled && !aws_s3_bucket.data["archive"].object_lock_enabled
    error_message = "Only the audit bucket is created with Object Lock."
  }
  assert {
    condition = (
      aws_s3_bucket_object_lock_configuration.audit[0].bucket == aws_s3_bucket.data["audit"].bucket &&
      aws_s3_bucket_object_lock_configuration.audit[0].rule[0].default_retention[0].mode == "COMPLIANCE" &&
      aws_s3_bucket_object_lock_configuration.audit[0].rule[0].default_retention[0].days == 2555
    )
    error_message = "New audit versions are locked in COMPLIANCE mode for 2555 days (7 years)."
  }
}

run "object_lock_retention_follows_the_variable" {
  command = plan

  variables {
    object_lock_retention_days = 1825
  }

  assert {
    condition     = aws_s3_bucket_object_lock_configuration.audit[0].rule[0].default_retention[0].days == 1825
    error_message = "The default retention comes from object_lock_retention_days."
  }
}

run "object_lock_can_be_off_in_dev" {
  command = plan

  variables {
    object_lock = false
  }

  assert {
    condition     = !aws_s3_bucket.data["audit"].object_lock_enabled && length(aws_s3_bucket_object_lock_configuration.audit) == 0
    error_message = "object_lock = false makes the audit bucket without Object Lock."
  }
}

run "force_destroy_only_when_unprotected" {
  command = plan

  assert {
    condition     = alltrue([for b in concat(values(aws_s3_bucket.data), [aws_s3_bucket.access_logs]) : b.force_destroy])
    error_message = "In dev the buckets can be destroyed with their contents (locked versions still hold)."
  }
}

run "prod_buckets_are_not_force_destroyed" {
  command = plan

  variables {
    env = "prod"
  }

  assert {
    condition     = alltrue([for b in concat(values(aws_s3_bucket.data), [aws_s3_bucket.access_logs]) : !b.force_destroy])
    error_message = "In prod no bucket is destroyed with its contents."
  }
}

################################################################################
# Notifications, replication, outputs
################################################################################

run "object_events_go_to_eventbridge" {
  command = plan

  assert {
    condition     = alltrue([for n in concat(values(aws_s3_bucket_notification.data), [aws_s3_bucket_notification.access_logs]) : n.eventbridge])
    error_message = "Every bucket sends its object events to EventBridge."
  }
}

run "no_replication_by_default" {
  command = plan

  assert {
    condition = (
      length(aws_s3_bucket_replication_configuration.data) == 0 &&
      length(aws_s3_bucket_replication_configuration.access_logs) == 0 &&
      length(aws_iam_role.replication) == 0
    )
    error_message = "Without replication nothing is replicated and no role is made."
  }
}

run "replication_to_disaster_recovery_buckets" {
  command = apply

  variables {
    replication = {
      audit = {
        destination_bucket_arn  = "arn:aws:s3:::lowlat-test-dr-audit"
        destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777"
      }
      access_logs = { destination_bucket_arn = "arn:aws:s3:::lowlat-test-dr-access-logs" }
    }
  }

  assert {
    condition = (
      keys(aws_s3_bucket_replication_configuration.data) == ["audit"] &&
      aws_s3_bucket_replication_configuration.data["audit"].role == aws_iam_role.replication[0].arn &&
      aws_s3_bucket_replication_configuration.data["audit"].rule[0].destination[0].bucket == "arn:aws:s3:::lowlat-test-dr-audit" &&
      aws_s3_bucket_replication_configuration.data["audit"].rule[0].destination[0].encryption_configuration[0].replica_kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777" &&
      aws_s3_bucket_replication_configuration.data["audit"].rule[0].source_selection_criteria[0].sse_kms_encrypted_objects[0].status == "Enabled"
    )
    error_message = "The audit bucket replicates its SSE-KMS objects, re-encrypted with the destination key."
  }
  assert {
    condition     = aws_s3_bucket_replication_configuration.access_logs[0].rule[0].destination[0].bucket == "arn:aws:s3:::lowlat-test-dr-access-logs"
    error_message = "The access logs replicate to their own destination."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_iam_role_policy.replication[0].policy).Statement : s.Sid => s.Resource }["DecryptSources"] == [var.audit_kms_key_arn] &&
      { for s in jsondecode(aws_iam_role_policy.replication[0].policy).Statement : s.Sid => s.Resource }["EncryptReplicas"] == ["arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777"] &&
      toset({ for s in jsondecode(aws_iam_role_policy.replication[0].policy).Statement : s.Sid => s.Resource }["WriteReplicas"]) ==
      toset(["arn:aws:s3:::lowlat-test-dr-audit/*", "arn:aws:s3:::lowlat-test-dr-access-logs/*"])
    )
    error_message = "The replication role may decrypt only the replicated sources' keys, encrypt only with the replica keys and write only to the destinations."
  }
}

run "outputs_name_the_buckets" {
  command = apply

  assert {
    condition = (
      output.archive_bucket_name == "lowlat-test-123456789012-tick-archive" &&
      output.audit_bucket_name == "lowlat-test-123456789012-audit" &&
      output.access_log_bucket_name == "lowlat-test-123456789012-access-logs" &&
      output.archive_bucket_arn == aws_s3_bucket.data["archive"].arn &&
      output.audit_bucket_arn == aws_s3_bucket.data["audit"].arn
    )
    error_message = "The bucket outputs name the archive, audit and log buckets."
  }
  assert {
    condition     = aws_s3_bucket.data["audit"].tags == tomap({ Name = "lowlat-test-123456789012-audit", "lowlat:purpose" = "audit", "lowlat:env" = "dev", owner = "trading-platform" })
    error_message = "Buckets carry their Name, purpose and the caller's tags."
  }
}
