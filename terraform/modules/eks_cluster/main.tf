data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  cluster_name = var.name
  tags         = merge(var.tags, { "lowlat:env" = var.env })
  partition    = data.aws_partition.current.partition
  # Every control-plane log type: API calls, audit trail, IAM authentication, controllers, scheduler.
  cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  # The OIDC issuer without its scheme: the prefix of the IRSA condition keys (<host>/id/<id>:sub).
  oidc_issuer_url  = aws_eks_cluster.this.identity[0].oidc[0].issuer
  oidc_issuer_host = replace(local.oidc_issuer_url, "https://", "")
}

################################################################################
# Control-plane logs: the group exists (with its key and retention) before EKS writes to it
################################################################################

resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${local.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = local.tags
}

################################################################################
# Cluster IAM role
################################################################################

resource "aws_iam_role" "cluster" {
  name        = "${var.name}-eks-cluster"
  description = "EKS control plane of ${local.cluster_name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Envelope encryption: the control plane wraps the data keys of Kubernetes secrets with the CMK.
resource "aws_iam_role_policy" "cluster_secrets_key" {
  name = "secrets-envelope-encryption"
  role = aws_iam_role.cluster.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "UseSecretsKey"
      Effect   = "Allow"
      Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
      Resource = var.secrets_kms_key_arn
    }]
  })
}

################################################################################
# Additional control-plane security group: HTTPS to the private endpoint from api_ingress_cidrs
# only. Control plane <-> node traffic goes through the cluster security group EKS creates and
# attaches to the managed nodes; no egress rule here (Terraform removes the default allow-all).
################################################################################

resource "aws_security_group" "cluster" {
  name        = "${var.name}-eks-api"
  description = "Additional security group of the ${local.cluster_name} EKS control plane: private API access"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.name}-eks-api" })
}

resource "aws_vpc_security_group_ingress_rule" "api" {
  for_each = toset(var.api_ingress_cidrs)

  security_group_id = aws_security_group.cluster.id
  description       = "Kubernetes API (private endpoint) from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
  tags              = local.tags
}

################################################################################
# Cluster
################################################################################

resource "aws_eks_cluster" "this" {
  name     = local.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  vpc_config {
    subnet_ids              = var.private_subnet_ids
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
    endpoint_public_access  = var.endpoint_public_access
    public_access_cidrs     = var.endpoint_public_access ? var.public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = var.secrets_kms_key_arn
    }
  }

  enabled_cluster_log_types = local.cluster_log_types

  tags = local.tags

  depends_on = [
    # EKS would create the group itself (no key, no retention) on first write.
    aws_cloudwatch_log_group.cluster,
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_secrets_key,
  ]
}

################################################################################
# IRSA: the cluster's OIDC issuer as an IAM identity provider
################################################################################

resource "aws_iam_openid_connect_provider" "this" {
  url             = local.oidc_issuer_url
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints
  tags            = merge(local.tags, { Name = "${local.cluster_name}-irsa" })
}
