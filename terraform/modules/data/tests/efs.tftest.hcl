# EFS for Prometheus: the monitoring key, a mount target per private subnet behind an NFS-only
# group, the access point and its root directory, the IA lifecycle, the TLS-only file system
# policy. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "encrypted_with_the_monitoring_key_and_tiered_to_ia" {
  command = plan

  assert {
    condition     = aws_efs_file_system.monitoring.encrypted && aws_efs_file_system.monitoring.kms_key_id == var.monitoring_kms_key_arn
    error_message = "The file system is encrypted with the monitoring key."
  }
  assert {
    condition = (
      [for p in aws_efs_file_system.monitoring.lifecycle_policy : p.transition_to_ia if p.transition_to_ia != null] == ["AFTER_30_DAYS"] &&
      [for p in aws_efs_file_system.monitoring.lifecycle_policy : p.transition_to_primary_storage_class if p.transition_to_primary_storage_class != null] == ["AFTER_1_ACCESS"]
    )
    error_message = "Files move to Infrequent Access after 30 days unread and come back on first access."
  }
  assert {
    condition     = aws_efs_file_system.monitoring.creation_token == "lowlat-test-monitoring" && aws_efs_file_system.monitoring.tags["Name"] == "lowlat-test-monitoring"
    error_message = "The file system is named <name>-monitoring."
  }
}

run "ia_transition_follows_the_variable" {
  command = plan

  variables {
    efs_transition_to_ia = "AFTER_7_DAYS"
  }

  assert {
    condition     = [for p in aws_efs_file_system.monitoring.lifecycle_policy : p.transition_to_ia if p.transition_to_ia != null] == ["AFTER_7_DAYS"]
    error_message = "efs_transition_to_ia reaches the lifecycle policy."
  }
}

run "one_mount_target_per_private_subnet_nfs_from_clients_only" {
  command = apply

  variables {
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0ccccccccccccccc3"]
  }

  assert {
    condition     = tolist([for m in aws_efs_mount_target.monitoring : m.subnet_id]) == var.private_subnet_ids
    error_message = "There is one mount target in each private subnet."
  }
  assert {
    condition     = alltrue([for m in aws_efs_mount_target.monitoring : m.file_system_id == aws_efs_file_system.monitoring.id && m.security_groups == toset([aws_security_group.efs.id])])
    error_message = "Every mount target belongs to the file system and has only the EFS group."
  }
  assert {
    condition = (
      [for r in aws_vpc_security_group_ingress_rule.efs_from_clients : "${r.security_group_id} ${r.ip_protocol} ${r.from_port}-${r.to_port} ${r.referenced_security_group_id}"] ==
      [for sg in var.client_security_group_ids : "${aws_security_group.efs.id} tcp 2049-2049 ${sg}"]
    )
    error_message = "NFS (TCP 2049) is open from each client group, and nothing else."
  }
  assert {
    condition     = aws_security_group.efs.vpc_id == var.vpc_id && length(aws_security_group.efs.egress) == 0
    error_message = "The EFS group is in the given VPC and has no egress."
  }
}

run "prometheus_access_point" {
  command = apply

  assert {
    condition = (
      aws_efs_access_point.prometheus.file_system_id == aws_efs_file_system.monitoring.id &&
      aws_efs_access_point.prometheus.posix_user[0].uid == 65534 &&
      aws_efs_access_point.prometheus.posix_user[0].gid == 65534
    )
    error_message = "The access point acts as uid/gid 65534 (nobody) by default."
  }
  assert {
    condition = (
      aws_efs_access_point.prometheus.root_directory[0].path == "/prometheus" &&
      aws_efs_access_point.prometheus.root_directory[0].creation_info[0].owner_uid == 65534 &&
      aws_efs_access_point.prometheus.root_directory[0].creation_info[0].owner_gid == 65534 &&
      aws_efs_access_point.prometheus.root_directory[0].creation_info[0].permissions == "0750"
    )
    error_message = "Its root is /prometheus, created owned by the POSIX user with mode 0750."
  }
  assert {
    condition     = output.efs_access_point_id == "fsap-0123456789abcdef0" && output.efs_file_system_id == "fs-0123456789abcdef0" && startswith(output.efs_file_system_arn, "arn:aws:elasticfilesystem:")
    error_message = "The EFS outputs give the file system ID and ARN and the access point ID."
  }
}

run "access_point_user_follows_the_variable" {
  command = plan

  variables {
    efs_posix_user = { uid = 998, gid = 997 }
  }

  assert {
    condition = (
      aws_efs_access_point.prometheus.posix_user[0].uid == 998 && aws_efs_access_point.prometheus.posix_user[0].gid == 997 &&
      aws_efs_access_point.prometheus.root_directory[0].creation_info[0].owner_uid == 998
    )
    error_message = "efs_posix_user sets the access point's user and the owner of /prometheus."
  }
}

run "file_system_policy_denies_plain_nfs_and_allows_the_access_point" {
  command = apply

  assert {
    condition = (
      { for s in jsondecode(aws_efs_file_system_policy.monitoring[0].policy).Statement : s.Sid => s }["DenyInsecureTransport"] == {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.monitoring.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }
    )
    error_message = "The file system policy denies every client that does not use TLS."
  }
  assert {
    condition = (
      { for s in jsondecode(aws_efs_file_system_policy.monitoring[0].policy).Statement : s.Sid => s }["MountThroughThePrometheusAccessPoint"].Condition == {
        Bool         = { "elasticfilesystem:AccessedViaMountTarget" = "true" }
        StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.prometheus.arn }
      }
    )
    error_message = "Clients may mount and write only through a mount target and the Prometheus access point."
  }
  assert {
    condition     = aws_efs_file_system_policy.monitoring[0].file_system_id == aws_efs_file_system.monitoring.id
    error_message = "The policy is attached to the monitoring file system."
  }
}

run "file_system_policy_can_be_left_out_for_the_emulator" {
  command = plan

  variables {
    create_efs_file_system_policy = false
  }

  assert {
    condition     = length(aws_efs_file_system_policy.monitoring) == 0 && aws_efs_file_system.monitoring.encrypted
    error_message = "create_efs_file_system_policy = false leaves only the policy out."
  }
}
