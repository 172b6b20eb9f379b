# IAM personas: a role per persona given, assumable only with MFA by the given principals, and
# least-privilege policies scoped to the given ARNs or the name prefix; the compliance auditor
# reads the audit bucket and CloudTrail and is denied everything else.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "one_role_per_persona_assumed_with_mfa" {
  command = plan

  assert {
    condition     = toset(keys(aws_iam_role.persona)) == toset(["trader", "risk_manager", "compliance_auditor", "platform_operator"])
    error_message = "Each persona of persona_principal_arns gets a role."
  }
  assert {
    condition     = aws_iam_role.persona["risk_manager"].name == "lowlat-test-risk-manager" && aws_iam_role.persona["risk_manager"].max_session_duration == 3600
    error_message = "Roles are named <name>-<persona> and sessions last at most an hour."
  }
  assert {
    condition = alltrue([
      for p, r in aws_iam_role.persona : alltrue([
        for s in jsondecode(r.assume_role_policy).Statement :
        s.Action == "sts:AssumeRole" && s.Condition.Bool["aws:MultiFactorAuthPresent"] == "true"
      ])
    ])
    error_message = "Every statement of every trust policy requires MFA (aws:MultiFactorAuthPresent)."
  }
  assert {
    condition     = jsondecode(aws_iam_role.persona["platform_operator"].assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::123456789012:role/sre", "arn:aws:iam::123456789012:user/oncall"]
    error_message = "The trusted principals are those given for the persona."
  }
  assert {
    condition = alltrue([
      for p, r in aws_iam_role.persona : alltrue([for s in jsondecode(r.assume_role_policy).Statement : s.Principal.AWS != "*"])
    ])
    error_message = "No persona trusts everybody."
  }
}

run "only_the_personas_given_get_roles" {
  command = apply

  variables {
    persona_principal_arns = {
      compliance_auditor = ["arn:aws:iam::210987654321:root"]
    }
  }

  assert {
    condition     = keys(aws_iam_role.persona) == ["compliance_auditor"] && length(aws_iam_role_policy_attachment.persona) == 0
    error_message = "Personas left out of persona_principal_arns get no role."
  }
  assert {
    condition     = output.persona_role_arns == { compliance_auditor = "arn:aws:iam::123456789012:role/lowlat-test-compliance-auditor" }
    error_message = "persona_role_arns maps each persona to its role's ARN."
  }
}

run "compliance_auditor_reads_the_audit_trail_and_nothing_else" {
  command = apply

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.persona["compliance_auditor"].policy).Statement : s.Action if s.Effect == "Allow"
      ])) == toset([
      "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration",
      "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectRetention", "s3:GetObjectLegalHold",
      "kms:Decrypt", "cloudtrail:GetTrail", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
      "cloudtrail:LookupEvents", "cloudtrail:DescribeTrails",
    ])
    error_message = "The auditor may list and read the audit bucket, decrypt it and read CloudTrail: nothing that writes or deletes."
  }
  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.persona["compliance_auditor"].policy).Statement : s.Resource
      if s.Effect == "Allow" && s.Sid != "LookUpCloudTrailEvents"
      ])) == toset([
      "arn:aws:s3:::lowlat-test-audit", "arn:aws:s3:::lowlat-test-audit/*", aws_kms_key.this["audit"].arn,
      "arn:aws:cloudtrail:eu-west-2:123456789012:trail/lowlat-test-audit",
    ])
    error_message = "The auditor's grants name only the audit bucket, the audit key and the trail."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["compliance_auditor"].policy).Statement : s.Condition.StringEquals["kms:ViaService"]
      if s.Effect == "Allow" && s.Sid == "DecryptAuditObjectsThroughS3"
    ]) == "s3.eu-west-2.amazonaws.com"
    error_message = "The auditor decrypts only through S3."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["compliance_auditor"].policy).Statement : s.Resource
      if s.Effect == "Deny" && can(s.NotAction)
    ]) == "*"
    error_message = "Every action outside the auditor's list is denied explicitly, whatever else gets attached."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["compliance_auditor"].policy).Statement : s.NotResource
      if s.Effect == "Deny" && can(s.NotResource)
    ]) == ["arn:aws:s3:::lowlat-test-audit", "arn:aws:s3:::lowlat-test-audit/*"]
    error_message = "S3 actions on any other bucket are denied explicitly."
  }
  assert {
    condition     = !strcontains(aws_iam_role_policy.persona["compliance_auditor"].policy, "s3:Put") && !strcontains(aws_iam_role_policy.persona["compliance_auditor"].policy, "s3:Delete")
    error_message = "The auditor cannot write or delete audit objects."
  }
}

run "trader_and_risk_manager_default_to_the_name_prefix" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["trader"].policy).Statement : s.Resource if s.Sid == "SendOrdersToOrderQueues"
    ]) == ["arn:aws:sqs:eu-west-2:123456789012:lowlat-test-*"]
    error_message = "Without order_queue_arns the trader sends to queues named <name>-* only."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["trader"].policy).Statement : s.Resource if s.Sid == "ReadMarketDataStreams"
    ]) == ["arn:aws:kinesis:eu-west-2:123456789012:stream/lowlat-test-*", "arn:aws:kinesis:eu-west-2:123456789012:stream/lowlat-test-*/consumer/*"]
    error_message = "Without market_data_stream_arns the trader reads streams named <name>-* only."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["risk_manager"].policy).Statement : s.Resource if s.Sid == "ConnectWithIamAuthenticationAsRiskUser"
    ]) == ["arn:aws:rds-db:eu-west-2:123456789012:dbuser:*/risk_manager"]
    error_message = "The risk manager connects as risk_db_username only."
  }
  assert {
    condition = alltrue([
      for p, pol in aws_iam_role_policy.persona : alltrue([
        for s in jsondecode(pol.policy).Statement : try(s.Resource, "") != "*" || s.Effect == "Deny" || s.Sid == "LookUpCloudTrailEvents"
      ])
    ])
    error_message = "No persona is granted an action on every resource (except CloudTrail lookups, which take no resource)."
  }
}

run "trader_and_risk_manager_use_the_given_arns" {
  command = plan

  variables {
    market_data_stream_arns = ["arn:aws:kinesis:eu-west-2:123456789012:stream/lowlat-test-ticks"]
    order_queue_arns        = ["arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders.fifo"]
    order_event_bus_arns    = ["arn:aws:events:eu-west-2:123456789012:event-bus/lowlat-test-orders"]
    positions_table_arns    = ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-positions"]
    rds_db_resource_ids     = ["db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
    risk_db_username        = "risk_ro"
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["trader"].policy).Statement : s.Resource if s.Sid == "SendOrdersToOrderQueues"
    ]) == ["arn:aws:sqs:eu-west-2:123456789012:lowlat-test-orders.fifo"]
    error_message = "order_queue_arns are the trader's queues."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["trader"].policy).Statement : s.Resource if s.Sid == "PutOrderEventsOnOrderBuses"
    ]) == ["arn:aws:events:eu-west-2:123456789012:event-bus/lowlat-test-orders"]
    error_message = "order_event_bus_arns are the trader's buses."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["risk_manager"].policy).Statement : s.Resource if s.Sid == "ReadPositionsTables"
    ]) == ["arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-positions", "arn:aws:dynamodb:eu-west-2:123456789012:table/lowlat-test-positions/index/*"]
    error_message = "positions_table_arns (and their indexes) are what the risk manager reads."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["risk_manager"].policy).Statement : s.Resource if s.Sid == "ConnectWithIamAuthenticationAsRiskUser"
    ]) == ["arn:aws:rds-db:eu-west-2:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/risk_ro"]
    error_message = "rds_db_resource_ids and risk_db_username make the rds-db:connect resource."
  }
}

run "platform_operator_operates_within_the_name_prefix" {
  command = apply

  assert {
    condition     = [for a in aws_iam_role_policy_attachment.persona : a.policy_arn] == ["arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"] && aws_iam_role_policy_attachment.persona["platform_operator/job-function/ViewOnlyAccess"].role == aws_iam_role.persona["platform_operator"].name
    error_message = "Only the platform operator gets a managed policy: ViewOnlyAccess (lists and describes, no data)."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["platform_operator"].policy).Statement : s.Condition.StringLike["aws:ResourceTag/Name"] if s.Sid == "OperatePlatformHosts"
    ]) == "lowlat-test-*"
    error_message = "The operator starts and stops only hosts named <name>-*."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.persona["platform_operator"].policy).Statement : s.Resource if s.Sid == "StoreRancherAgentToken"
    ]) == aws_secretsmanager_secret.this["rancher_agent_token"].arn
    error_message = "The operator stores the Rancher agent token in its secret."
  }
  assert {
    condition = contains(one([
      for s in jsondecode(aws_iam_role_policy.persona["platform_operator"].policy).Statement : s.Action if s.Sid == "StoreRancherAgentToken"
    ]), "secretsmanager:GetSecretValue")
    error_message = "The operator (who runs Ansible) can read the Rancher agent token for the rancher_agent role's lookup."
  }
  assert {
    condition = !contains(flatten([
      for s in jsondecode(aws_iam_role_policy.persona["platform_operator"].policy).Statement : s.Action if s.Effect == "Allow"
    ]), "secretsmanager:DeleteSecret")
    error_message = "The operator cannot delete secrets."
  }
}
