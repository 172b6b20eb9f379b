# The data-class keys: one per class, rotation on, the deletion window, aliases, and key policies
# that give administration to the key admins only and each class's AWS services what they need.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "one_rotating_key_and_alias_per_data_class" {
  command = plan

  assert {
    condition     = toset(keys(aws_kms_key.this)) == toset(["market_data", "orders", "trades", "audit", "logs", "secrets", "backup", "monitoring"])
    error_message = "There is exactly one key per data class."
  }
  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.enable_key_rotation && k.deletion_window_in_days == 30])
    error_message = "Every key rotates and waits 30 days (the default) before deletion."
  }
  assert {
    condition     = alltrue([for class, a in aws_kms_alias.this : a.name == "alias/lowlat-test/${class}"])
    error_message = "Aliases are alias/<name>/<class>."
  }
  assert {
    condition     = toset(keys(output.kms_key_arns)) == toset(keys(aws_kms_key.this)) && toset(keys(output.kms_key_ids)) == toset(keys(aws_kms_key.this))
    error_message = "kms_key_arns and kms_key_ids are maps by data class."
  }
  assert {
    condition     = aws_kms_key.this["orders"].tags["lowlat:data-class"] == "orders" && aws_kms_key.this["orders"].tags["lowlat:env"] == "test"
    error_message = "Keys carry their data class and the environment as tags."
  }
}

run "deletion_window_is_the_variable" {
  command = plan

  variables {
    kms_deletion_window_in_days = 7
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.deletion_window_in_days == 7])
    error_message = "kms_deletion_window_in_days reaches every key."
  }
}

run "account_root_administers_and_uses_through_iam_by_default" {
  command = plan

  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : one([
        for s in jsondecode(k.policy).Statement : s.Principal.AWS if s.Sid == "KeyAdministration"
      ]) == ["arn:aws:iam::123456789012:root"]
    ])
    error_message = "Without kms_key_admin_arns the account root administers every key."
  }
  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : alltrue([
        for s in jsondecode(k.policy).Statement : !contains(flatten([s.Action]), "kms:*")
      ])
    ])
    error_message = "No key policy grants kms:*."
  }
  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : length([
        for s in jsondecode(k.policy).Statement : s if s.Sid == "KeyAdministration" && anytrue([for a in flatten([s.Action]) : contains(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], a)])
      ]) == 0
    ])
    error_message = "Administration does not include encrypting or decrypting."
  }
  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : one([
        for s in jsondecode(k.policy).Statement : s.Condition.Bool["kms:GrantIsForAWSResource"] if s.Sid == "AccountGrantsKeyToAwsServices"
      ]) == "true"
    ])
    error_message = "Grants are only for AWS services acting for the account's principals."
  }
}

run "named_key_admins_replace_the_root_in_administration" {
  command = plan

  variables {
    kms_key_admin_arns = ["arn:aws:iam::123456789012:role/kms-admin", "arn:aws:iam::123456789012:user/security"]
  }

  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : one([
        for s in jsondecode(k.policy).Statement : s.Principal.AWS if s.Sid == "KeyAdministration"
      ]) == ["arn:aws:iam::123456789012:role/kms-admin", "arn:aws:iam::123456789012:user/security"]
    ])
    error_message = "kms_key_admin_arns, and only they, administer the keys."
  }
  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : alltrue([
        for s in jsondecode(k.policy).Statement : !contains(flatten([s.Action]), "kms:ScheduleKeyDeletion") if s.Sid != "KeyAdministration"
      ])
    ])
    error_message = "Nobody but the key admins may schedule a key's deletion."
  }
}

run "service_principals_per_data_class" {
  command = plan

  # logs: CloudWatch Logs of this region, for log groups of this account only.
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this["logs"].policy).Statement : s.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]
      if try(s.Principal.Service, "") == "logs.eu-west-2.amazonaws.com"
    ]) == "arn:aws:logs:eu-west-2:123456789012:log-group:*"
    error_message = "The logs key lets CloudWatch Logs encrypt log groups of this account (encryption-context condition)."
  }
  # audit: CloudTrail of this trail.
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this["audit"].policy).Statement : s.Condition.StringEquals["aws:SourceArn"]
      if s.Sid == "CloudTrailEncryptsLogFiles" && try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
    ]) == "arn:aws:cloudtrail:eu-west-2:123456789012:trail/lowlat-test-audit"
    error_message = "The audit key lets CloudTrail of this trail encrypt log files."
  }
  # orders: alarms and EventBridge into encrypted SNS/SQS.
  assert {
    condition = toset(one([
      for s in jsondecode(aws_kms_key.this["orders"].policy).Statement : s.Principal.Service
      if s.Sid == "AlarmsAndEventsReachEncryptedTopicsAndQueues"
    ])) == toset(["sns.amazonaws.com", "sqs.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"])
    error_message = "The orders key lets SNS, SQS, EventBridge and CloudWatch alarms use it."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this["orders"].policy).Statement : s.Condition.StringEquals["aws:SourceAccount"]
      if s.Sid == "AlarmsAndEventsReachEncryptedTopicsAndQueues"
    ]) == "123456789012"
    error_message = "The orders key's service statement is limited to this account's resources."
  }
  # backup: AWS Backup.
  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.this["backup"].policy).Statement : try(s.Principal.Service, "")], "backup.amazonaws.com")
    error_message = "The backup key lets AWS Backup use it."
  }
  # market_data: Kinesis and Firehose on behalf of the account's roles.
  assert {
    condition = toset(one([
      for s in jsondecode(aws_kms_key.this["market_data"].policy).Statement : s.Condition.StringEquals["kms:ViaService"]
      if s.Sid == "KinesisAndFirehoseUseKeyForTheCallersRoles"
    ])) == toset(["kinesis.eu-west-2.amazonaws.com", "firehose.eu-west-2.amazonaws.com"])
    error_message = "The market_data key is used through Kinesis and Firehose."
  }
  # No service principal on the keys of classes that need none.
  assert {
    condition = alltrue([
      for class in ["trades", "secrets", "monitoring"] : alltrue([
        for s in jsondecode(aws_kms_key.this[class].policy).Statement : can(s.Principal.AWS)
      ])
    ])
    error_message = "The trades, secrets and monitoring keys name no AWS service principal."
  }
  assert {
    condition = alltrue([
      for class, k in aws_kms_key.this : alltrue([
        for s in jsondecode(k.policy).Statement : try(s.Principal.AWS, "") != "*" && try(s.Principal, "") != "*"
      ])
    ])
    error_message = "No key policy has a wildcard principal."
  }
}

run "market_data_key_users_are_the_callers_roles" {
  command = plan

  variables {
    market_data_key_user_arns = ["arn:aws:iam::123456789012:role/lowlat-test-firehose"]
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this["market_data"].policy).Statement : s.Principal.AWS
      if s.Sid == "KinesisAndFirehoseUseKeyForTheCallersRoles"
    ]) == ["arn:aws:iam::123456789012:role/lowlat-test-firehose"]
    error_message = "market_data_key_user_arns are the principals of the Kinesis/Firehose statement."
  }
}
