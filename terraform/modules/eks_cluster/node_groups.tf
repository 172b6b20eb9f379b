locals {
  # Auto-discovery tags of the cluster autoscaler (--node-group-auto-discovery=asg:tag=...). EKS
  # puts the same two tags on the Auto Scaling groups it creates for managed node groups; the
  # autoscaler's IAM policy only lets it resize groups carrying the second one.
  autoscaler_tags = {
    "k8s.io/cluster-autoscaler/enabled"               = "true"
    "k8s.io/cluster-autoscaler/${local.cluster_name}" = "owned"
  }
}

################################################################################
# Node IAM role
################################################################################

resource "aws_iam_role" "node" {
  name        = "${var.name}-eks-node"
  description = "Managed node groups of the ${local.cluster_name} EKS cluster."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

################################################################################
# Launch templates: IMDSv2 only, encrypted gp3 root volume. No image_id: EKS picks the AMI of
# ami_type and kubernetes_version and merges its bootstrap into the template.
################################################################################

resource "aws_launch_template" "node" {
  for_each = var.node_groups

  name                   = "${local.cluster_name}-${each.key}"
  description            = "Nodes of the ${each.key} managed node group of ${local.cluster_name}."
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = var.node_metadata_hop_limit
    instance_metadata_tags      = "disabled"
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_type           = "gp3"
      volume_size           = each.value.disk_size
      encrypted             = true
      kms_key_id            = var.node_volume_kms_key_arn
      delete_on_termination = true
    }
  }

  dynamic "tag_specifications" {
    for_each = toset(["instance", "volume", "network-interface"])
    content {
      resource_type = tag_specifications.value
      tags          = merge(local.tags, { Name = "${local.cluster_name}-${each.key}" })
    }
  }

  tags = local.tags
}

################################################################################
# Managed node groups
################################################################################

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${local.cluster_name}-${each.key}"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.private_subnet_ids
  version         = var.kubernetes_version

  ami_type       = each.value.ami_type
  capacity_type  = each.value.capacity_type
  instance_types = each.value.instance_types
  labels         = each.value.labels

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  scaling_config {
    min_size     = each.value.min_size
    desired_size = each.value.desired_size
    max_size     = each.value.max_size
  }

  update_config {
    max_unavailable = 1
  }

  tags = merge(local.tags, local.autoscaler_tags, { Name = "${local.cluster_name}-${each.key}" })

  lifecycle {
    # desired_size is the initial size only: the cluster autoscaler owns it afterwards, and a plan
    # must not reset what it scaled to.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node]
}
