data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_ami" "selected" {
  count  = var.verify_ami ? 1 : 0
  owners = var.ami_owners

  filter {
    name   = "image-id"
    values = [var.ami_id]
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  base_name  = "${var.name}-${var.role}"

  # Physical cores per c5n size (DescribeInstanceTypes DefaultCores); cpu_options keeps them all.
  physical_cores = {
    "c5n.large"   = 1, "c5n.xlarge" = 2, "c5n.2xlarge" = 4, "c5n.4xlarge" = 8,
    "c5n.9xlarge" = 18, "c5n.18xlarge" = 36, "c5n.metal" = 36,
  }

  placement_group_name = var.placement_group_name == null ? aws_placement_group.this[0].name : var.placement_group_name

  # The Ansible inventory groups hosts on exactly these tags; keep the keys in sync with it.
  lowlat_tags = {
    "lowlat:role"    = var.role
    "lowlat:env"     = var.env
    "lowlat:cluster" = var.cluster
    "lowlat:managed" = "true"
  }

  kms_admin_statements = length(var.kms_key_admin_arns) == 0 ? [] : [
    {
      Sid       = "NamedKeyAdministrators"
      Effect    = "Allow"
      Principal = { AWS = var.kms_key_admin_arns }
      Action = [
        "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
        "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
        "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
      ]
      Resource = "*"
    },
  ]
}

################################################################################
# Placement: one cluster placement group, so every host sits on the same low-latency segment
################################################################################

resource "aws_placement_group" "this" {
  count = var.placement_group_name == null ? 1 : 0

  name     = local.base_name
  strategy = "cluster"

  tags = merge(var.tags, local.lowlat_tags, { Name = local.base_name })
}

################################################################################
# Customer-managed key for the root volumes
################################################################################

resource "aws_kms_key" "ebs" {
  description             = "${local.base_name}: encrypts the root EBS volumes"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # Resource "*" in a key policy means this key only. EC2 uses the key on behalf of whoever
  # launches the hosts, whose IAM policies the account statement delegates to.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ], local.kms_admin_statements)
  })

  tags = merge(var.tags, { Name = "${local.base_name}-ebs" })
}

resource "aws_kms_alias" "ebs" {
  name          = "alias/${local.base_name}-ebs"
  target_key_id = aws_kms_key.ebs.key_id
}

################################################################################
# Instance role: SSM for management, read access to the hosts' own secret and nothing else
################################################################################

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "Ec2AssumesHostRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "host_secret" {
  statement {
    sid       = "ReadOwnSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.host_secret_arn]
  }

  dynamic "statement" {
    for_each = var.host_secret_kms_key_arn == null ? [] : [var.host_secret_kms_key_arn]

    content {
      sid       = "DecryptOwnSecretThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "host" {
  name               = local.base_name
  description        = "Instance role of the ${var.role} hosts of ${var.name}"
  assume_role_policy = data.aws_iam_policy_document.assume.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "ssm_core" {
  role       = aws_iam_role.host.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy" "host_secret" {
  name   = "read-own-secret"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.host_secret.json
}

# What the hosts' own services send to the platform: the engine's metrics publisher
# (PutMetricData has no resource ARN; the namespace condition is what limits it) and
# Alertmanager's SNS receiver (the topic, and its key only through SNS).
locals {
  platform_access = var.metrics_namespace != null || var.alert_topic != null
}

data "aws_iam_policy_document" "platform" {
  count = local.platform_access ? 1 : 0

  dynamic "statement" {
    for_each = var.metrics_namespace == null ? [] : [var.metrics_namespace]

    content {
      sid       = "PutMetricsInOwnNamespace"
      actions   = ["cloudwatch:PutMetricData"]
      resources = ["*"]

      condition {
        test     = "StringEquals"
        variable = "cloudwatch:namespace"
        values   = [statement.value]
      }
    }
  }

  dynamic "statement" {
    for_each = var.alert_topic == null ? [] : [var.alert_topic.arn]

    content {
      sid       = "PublishAlerts"
      actions   = ["sns:Publish"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = try(var.alert_topic.kms_key_arn, null) == null ? [] : [var.alert_topic.kms_key_arn]

    content {
      sid       = "EncryptAlertsThroughSns"
      actions   = ["kms:GenerateDataKey*", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "platform" {
  count = local.platform_access ? 1 : 0

  name   = "platform-access"
  role   = aws_iam_role.host.id
  policy = data.aws_iam_policy_document.platform[0].json
}

resource "aws_iam_instance_profile" "host" {
  name = local.base_name
  role = aws_iam_role.host.name

  tags = var.tags
}

################################################################################
# Hosts
################################################################################

resource "aws_instance" "this" {
  count = var.instance_count

  ami                     = var.ami_id
  instance_type           = var.instance_type
  subnet_id               = var.subnet_id
  vpc_security_group_ids  = var.security_group_ids
  placement_group         = local.placement_group_name
  tenancy                 = "dedicated"
  iam_instance_profile    = aws_iam_instance_profile.host.name
  ebs_optimized           = true
  monitoring              = var.detailed_monitoring
  disable_api_termination = var.termination_protection

  associate_public_ip_address = false

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "enabled" # lets the host read its own lowlat:* tags
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    iops                  = var.root_volume_iops
    throughput            = var.root_volume_throughput
    encrypted             = true
    kms_key_id            = aws_kms_key.ebs.arn
    delete_on_termination = true

    tags = merge(var.tags, local.lowlat_tags, { Name = "${local.base_name}-${format("%02d", count.index + 1)}-root" })
  }

  dynamic "cpu_options" {
    for_each = var.threads_per_core == null ? [] : [var.threads_per_core]

    content {
      core_count       = local.physical_cores[var.instance_type]
      threads_per_core = cpu_options.value
    }
  }

  dynamic "capacity_reservation_specification" {
    for_each = var.capacity_reservation_id == null ? [] : [var.capacity_reservation_id]

    content {
      capacity_reservation_target {
        capacity_reservation_id = capacity_reservation_specification.value
      }
    }
  }

  tags = merge(var.tags, local.lowlat_tags, { Name = "${local.base_name}-${format("%02d", count.index + 1)}" })

  lifecycle {
    precondition {
      condition     = var.threads_per_core == null || var.instance_type != "c5n.metal"
      error_message = "threads_per_core cannot be set on c5n.metal (bare metal takes no CPU options); turn SMT off in firmware or leave threads_per_core null."
    }

    precondition {
      condition     = alltrue(data.aws_ami.selected[*].ena_support) # no AMI read: verify_ami is off
      error_message = "AMI ${var.ami_id} does not have ENA enabled; c5n instances need an ENA-enabled AMI."
    }

    precondition {
      condition     = alltrue([for ami in data.aws_ami.selected : ami.architecture == "x86_64"])
      error_message = "AMI ${var.ami_id} is ${join(", ", data.aws_ami.selected[*].architecture)}; c5n instances are x86_64."
    }
  }
}

# Pilot light: stopped once after creation. ignore_changes, because the failover function starts
# them and a later plan must not stop a standby region that is carrying the load.
resource "aws_ec2_instance_state" "initial" {
  count = var.initial_state == "stopped" ? var.instance_count : 0

  instance_id = aws_instance.this[count.index].id
  state       = "stopped"

  lifecycle {
    ignore_changes = [state]
  }
}
