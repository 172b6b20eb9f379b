# Where the code and the artifacts live: the CodeCommit repository under the pipeline's key with
# its pull-request approval rule, and the artifact bucket (versioned, SSE-KMS with the key, public
# access blocked, TLS only, artifacts expiring, access logging and replication both ways, kept in
# prod). Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "repository_is_encrypted_with_the_pipeline_key" {
  command = plan

  assert {
    condition = (
      aws_codecommit_repository.this[0].repository_name == "lowlat-test" &&
      aws_codecommit_repository.this[0].kms_key_id == var.kms_key_arn &&
      aws_codecommit_repository.this[0].default_branch == "main"
    )
    error_message = "The repository is named after name, encrypted with the pipeline's key, default branch main."
  }
}

run "pull_requests_into_the_branch_need_approvals" {
  command = plan

  assert {
    condition = jsondecode(aws_codecommit_approval_rule_template.this[0].content) == {
      Version               = "2018-11-08"
      DestinationReferences = ["refs/heads/main"]
      Statements            = [{ Type = "Approvers", NumberOfApprovalsNeeded = 2 }]
    }
    error_message = "Pull requests into main need two approvals."
  }
  assert {
    condition = (
      aws_codecommit_approval_rule_template_association.this[0].repository_name == "lowlat-test" &&
      aws_codecommit_approval_rule_template_association.this[0].approval_rule_template_name == "lowlat-test-pull-request-approvals"
    )
    error_message = "The approval rule template is associated with the repository."
  }
}

run "repository_name_branch_and_approvals_follow_the_variables" {
  command = plan

  variables {
    repository_name        = "Lowlat_Platform.infra"
    default_branch         = "release/2026"
    pull_request_approvals = 1
  }

  assert {
    condition = (
      aws_codecommit_repository.this[0].repository_name == "Lowlat_Platform.infra" &&
      aws_codecommit_repository.this[0].default_branch == "release/2026" &&
      jsondecode(aws_codecommit_approval_rule_template.this[0].content).DestinationReferences == ["refs/heads/release/2026"] &&
      jsondecode(aws_codecommit_approval_rule_template.this[0].content).Statements[0].NumberOfApprovalsNeeded == 1
    )
    error_message = "The repository name, the branch and the approvals are the given ones."
  }
  assert {
    condition     = aws_codepipeline.this.stage[0].action[0].configuration.RepositoryName == "Lowlat_Platform.infra"
    error_message = "The pipeline builds that repository."
  }
}

run "artifact_bucket_is_encrypted_with_the_pipeline_key" {
  command = plan

  assert {
    condition     = aws_s3_bucket.artifacts.bucket == "lowlat-test-cicd-artifacts-123456789012"
    error_message = "The default bucket name is <name>-cicd-artifacts-<account id>."
  }
  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.artifacts.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(aws_s3_bucket_server_side_encryption_configuration.artifacts.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.artifacts.rule).bucket_key_enabled
    )
    error_message = "Objects are SSE-KMS with the pipeline's key, with a bucket key."
  }
}

run "artifact_bucket_is_never_public_and_versioned" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_public_access_block.artifacts.block_public_acls &&
      aws_s3_bucket_public_access_block.artifacts.block_public_policy &&
      aws_s3_bucket_public_access_block.artifacts.ignore_public_acls &&
      aws_s3_bucket_public_access_block.artifacts.restrict_public_buckets
    )
    error_message = "All four public access blocks are on."
  }
  assert {
    condition     = aws_s3_bucket_ownership_controls.artifacts.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs are disabled (bucket owner enforced)."
  }
  assert {
    condition     = aws_s3_bucket_versioning.artifacts.versioning_configuration[0].status == "Enabled"
    error_message = "The bucket is versioned."
  }
  assert {
    condition     = aws_s3_bucket_notification.artifacts.eventbridge
    error_message = "Object events reach EventBridge."
  }
}

run "artifact_bucket_denies_plain_http_and_other_encryption" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.artifacts.policy).Statement : s if s.Sid == "DenyInsecureTransport"] == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::lowlat-test-cicd-artifacts-123456789012", "arn:aws:s3:::lowlat-test-cicd-artifacts-123456789012/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "Every request without TLS is denied, on the bucket and its objects."
  }
  assert {
    condition = [for s in jsondecode(aws_s3_bucket_policy.artifacts.policy).Statement : s.Condition.StringNotEquals if s.Sid == "DenyEncryptionOtherThanKms"] == [
      { "s3:x-amz-server-side-encryption" = "aws:kms" }
    ]
    error_message = "An upload that asks for another encryption than SSE-KMS is denied."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_s3_bucket_policy.artifacts.policy).Statement : s.Effect == "Deny"])
    error_message = "The bucket policy only denies; access comes from the roles' policies."
  }
}

run "artifacts_expire_after_ninety_days_by_default" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].status == "Enabled" &&
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].expiration[0].days == 90 &&
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].noncurrent_version_expiration[0].noncurrent_days == 90 &&
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7
    )
    error_message = "Artifacts and their old versions expire after 90 days; stale uploads after 7."
  }
}

run "expiry_bucket_name_and_logging_follow_the_variables" {
  command = plan

  variables {
    artifact_bucket_name     = "lowlat.dev-pipeline-artifacts"
    artifact_expiration_days = 14
    access_log_bucket_name   = "lowlat-dev-access-logs"
  }

  assert {
    condition = (
      aws_s3_bucket.artifacts.bucket == "lowlat.dev-pipeline-artifacts" &&
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].expiration[0].days == 14 &&
      aws_s3_bucket_lifecycle_configuration.artifacts.rule[0].noncurrent_version_expiration[0].noncurrent_days == 14
    )
    error_message = "The bucket name and the expiry are the given ones."
  }
  assert {
    condition = (
      aws_s3_bucket_logging.artifacts[0].target_bucket == "lowlat-dev-access-logs" &&
      aws_s3_bucket_logging.artifacts[0].target_prefix == "lowlat.dev-pipeline-artifacts/"
    )
    error_message = "Server access logs go to the given bucket under <artifact bucket>/."
  }
  assert {
    condition     = one(aws_codepipeline.this.artifact_store).location == "lowlat.dev-pipeline-artifacts"
    error_message = "The pipeline stores its artifacts in that bucket."
  }
}

run "no_access_logging_or_replication_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_logging.artifacts) == 0
    error_message = "Without access_log_bucket_name there is no access logging."
  }
  assert {
    condition     = length(aws_s3_bucket_replication_configuration.artifacts) == 0 && length(aws_iam_role.replication) == 0 && length(aws_iam_role_policy.replication) == 0
    error_message = "Without artifact_replication nothing replicates."
  }
}

run "replication_copies_the_artifacts_encrypted_to_another_region" {
  command = plan

  variables {
    artifact_replication = {
      destination_bucket_arn  = "arn:aws:s3:::lowlat-dev-dr-cicd"
      destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/44444444-4444-4444-4444-444444444444"
    }
  }

  assert {
    condition = (
      aws_s3_bucket_replication_configuration.artifacts[0].rule[0].status == "Enabled" &&
      aws_s3_bucket_replication_configuration.artifacts[0].rule[0].destination[0].bucket == "arn:aws:s3:::lowlat-dev-dr-cicd" &&
      aws_s3_bucket_replication_configuration.artifacts[0].rule[0].destination[0].encryption_configuration[0].replica_kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/44444444-4444-4444-4444-444444444444" &&
      aws_s3_bucket_replication_configuration.artifacts[0].rule[0].source_selection_criteria[0].sse_kms_encrypted_objects[0].status == "Enabled"
    )
    error_message = "The SSE-KMS artifacts replicate to the destination bucket, encrypted there with the destination key."
  }
  assert {
    condition = (
      [for s in jsondecode(aws_iam_role_policy.replication[0].policy).Statement : s.Resource if s.Sid == "WriteReplicas"] == ["arn:aws:s3:::lowlat-dev-dr-cicd/*"] &&
      [for s in jsondecode(aws_iam_role_policy.replication[0].policy).Statement : s.Resource if s.Sid == "DecryptSources"] == [var.kms_key_arn]
    )
    error_message = "The replication role writes to the destination only and decrypts with the pipeline key only."
  }
}

run "outside_prod_the_bucket_goes_with_its_objects" {
  command = plan

  assert {
    condition     = aws_s3_bucket.artifacts.force_destroy
    error_message = "Outside prod a destroy removes the artifacts with the bucket."
  }
}

run "prod_bucket_is_not_destroyed_with_its_objects" {
  command = plan

  variables {
    env = "prod"
  }

  assert {
    condition     = !aws_s3_bucket.artifacts.force_destroy
    error_message = "In prod the bucket is not force-destroyed."
  }
}

run "tags_reach_every_taggable_resource" {
  command = plan

  assert {
    condition = alltrue([
      for t in concat(
        [aws_s3_bucket.artifacts.tags, aws_codecommit_repository.this[0].tags, aws_codepipeline.this.tags, aws_iam_role.pipeline.tags, aws_cloudwatch_event_rule.push[0].tags],
        [for p in aws_codebuild_project.this : p.tags],
        [for g in aws_cloudwatch_log_group.build : g.tags],
        [for r in aws_iam_role.build : r.tags],
      ) : t["owner"] == "trading-platform" && t["lowlat:env"] == "dev" && t["lowlat:managed"] == "true" && t["Name"] != ""
    ])
    error_message = "The caller's tags, lowlat:env, lowlat:managed and a Name are on every taggable resource."
  }
}

run "outputs_name_the_repository_and_the_bucket" {
  command = apply

  assert {
    condition = (
      output.repository_clone_url_http == "https://git-codecommit.eu-west-2.amazonaws.com/v1/repos/lowlat-test" &&
      output.repository_arn == "arn:aws:codecommit:eu-west-2:123456789012:lowlat-test" &&
      output.repository_name == "lowlat-test"
    )
    error_message = "The repository outputs are the HTTPS clone URL, the ARN and the name."
  }
  assert {
    condition     = output.artifact_bucket_name == "lowlat-test-cicd-artifacts-123456789012" && output.artifact_bucket_arn == aws_s3_bucket.artifacts.arn
    error_message = "The bucket outputs name the artifact bucket."
  }
  assert {
    condition = (
      output.codebuild_project_names == { validate = "lowlat-test-validate", plan = "lowlat-test-plan", apply = "lowlat-test-apply" } &&
      output.log_group_names == { validate = "/aws/codebuild/lowlat-test-validate", plan = "/aws/codebuild/lowlat-test-plan", apply = "/aws/codebuild/lowlat-test-apply" }
    )
    error_message = "The project and log group outputs are keyed by stage."
  }
}
