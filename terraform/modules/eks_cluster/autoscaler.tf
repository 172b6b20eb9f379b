locals {
  autoscaler_namespace       = "kube-system"
  autoscaler_service_account = "cluster-autoscaler"
  region                     = data.aws_region.current.name
  account_id                 = data.aws_caller_identity.current.account_id
}

################################################################################
# IRSA role of the cluster autoscaler: only the kube-system/cluster-autoscaler service account of
# this cluster can assume it, and it may only resize the Auto Scaling groups this cluster owns.
################################################################################

resource "aws_iam_role" "cluster_autoscaler" {
  name        = "${var.name}-eks-cluster-autoscaler"
  description = "Cluster autoscaler of the ${local.cluster_name} EKS cluster (IRSA: ${local.autoscaler_namespace}/${local.autoscaler_service_account})."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.this.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer_host}:sub" = "system:serviceaccount:${local.autoscaler_namespace}:${local.autoscaler_service_account}"
          "${local.oidc_issuer_host}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "cluster_autoscaler" {
  name = "cluster-autoscaler"
  role = aws_iam_role.cluster_autoscaler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Read-only calls that take no resource ARN.
        Sid    = "Describe"
        Effect = "Allow"
        Action = [
          "autoscaling:DescribeAutoScalingGroups",
          "autoscaling:DescribeAutoScalingInstances",
          "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities",
          "autoscaling:DescribeTags",
          "ec2:DescribeImages",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:GetInstanceTypesFromInstanceRequirements",
        ]
        Resource = "*"
      },
      {
        Sid      = "DescribeOwnNodegroups"
        Effect   = "Allow"
        Action   = "eks:DescribeNodegroup"
        Resource = "arn:${local.partition}:eks:${local.region}:${local.account_id}:nodegroup/${local.cluster_name}/*/*"
      },
      {
        # Managed node groups' Auto Scaling groups are named eks-<node group>-<uuid>; the tag
        # condition limits the calls to the groups of this cluster.
        Sid    = "ResizeOwnNodeGroups"
        Effect = "Allow"
        Action = [
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ]
        Resource = "arn:${local.partition}:autoscaling:${local.region}:${local.account_id}:autoScalingGroup:*:autoScalingGroupName/eks-*"
        Condition = {
          StringEquals = {
            "aws:ResourceTag/k8s.io/cluster-autoscaler/${local.cluster_name}" = "owned"
            "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"               = "true"
          }
        }
      },
    ]
  })
}
