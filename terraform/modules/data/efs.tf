# EFS for monitoring data (Prometheus TSDB): encrypted with the monitoring key, one mount target per
# private subnet, NFS only from the client groups, mounted through an access point over TLS.

resource "aws_efs_file_system" "monitoring" {
  creation_token   = "${var.name}-monitoring"
  encrypted        = true
  kms_key_id       = var.monitoring_kms_key_arn
  performance_mode = "generalPurpose"

  lifecycle_policy {
    transition_to_ia = var.efs_transition_to_ia
  }
  lifecycle_policy {
    transition_to_primary_storage_class = "AFTER_1_ACCESS"
  }

  tags = merge(var.tags, { Name = "${var.name}-monitoring" })
}

resource "aws_security_group" "efs" {
  name_prefix = "${var.name}-efs-"
  description = "Monitoring EFS of ${var.name}: NFS 2049 from the client security groups only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-efs" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "efs_from_clients" {
  count = length(var.client_security_group_ids)

  security_group_id            = aws_security_group.efs.id
  description                  = "NFS from client security group ${count.index}"
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = var.client_security_group_ids[count.index]

  tags = merge(var.tags, { Name = "${var.name}-efs-from-client-${count.index}" })
}

resource "aws_efs_mount_target" "monitoring" {
  count = length(var.private_subnet_ids)

  file_system_id  = aws_efs_file_system.monitoring.id
  subnet_id       = var.private_subnet_ids[count.index]
  security_groups = [aws_security_group.efs.id]
}

resource "aws_efs_access_point" "prometheus" {
  file_system_id = aws_efs_file_system.monitoring.id

  posix_user {
    uid = var.efs_posix_user.uid
    gid = var.efs_posix_user.gid
  }

  root_directory {
    path = "/prometheus"
    creation_info {
      owner_uid   = var.efs_posix_user.uid
      owner_gid   = var.efs_posix_user.gid
      permissions = "0750"
    }
  }

  tags = merge(var.tags, { Name = "${var.name}-prometheus" })
}

# Clients mount through the Prometheus access point over a mount target; nothing without TLS.
# moto cannot delete a file system policy: create_efs_file_system_policy = false leaves it out there.
resource "aws_efs_file_system_policy" "monitoring" {
  count = var.create_efs_file_system_policy ? 1 : 0

  file_system_id = aws_efs_file_system.monitoring.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = { AWS = "*" }
        Action    = "*"
        Resource  = aws_efs_file_system.monitoring.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "MountThroughThePrometheusAccessPoint"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
        Resource  = aws_efs_file_system.monitoring.arn
        Condition = {
          Bool         = { "elasticfilesystem:AccessedViaMountTarget" = "true" }
          StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.prometheus.arn }
        }
      },
    ]
  })
}
