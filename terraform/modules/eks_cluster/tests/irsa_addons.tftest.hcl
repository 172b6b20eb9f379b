# The cluster autoscaler's IRSA role (trust limited to one service account of this cluster's OIDC
# issuer; resize only of groups tagged as owned by this cluster) and the three EKS add-ons, with
# their emulator switch both ways. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "autoscaler_role_trusts_only_its_service_account" {
  command = apply

  assert {
    condition = (
      jsondecode(aws_iam_role.cluster_autoscaler.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" &&
      jsondecode(aws_iam_role.cluster_autoscaler.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    )
    error_message = "The autoscaler role is assumed with a web identity token of the cluster's OIDC provider."
  }
  assert {
    condition = jsondecode(aws_iam_role.cluster_autoscaler.assume_role_policy).Statement[0].Condition == {
      StringEquals = {
        "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub" = "system:serviceaccount:kube-system:cluster-autoscaler"
        "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud" = "sts.amazonaws.com"
      }
    }
    error_message = "Only kube-system/cluster-autoscaler tokens for the STS audience (sub and aud, StringEquals)."
  }
  assert {
    condition     = aws_iam_role.cluster_autoscaler.name == "lowlat-test-eks-cluster-autoscaler"
    error_message = "The role is named <name>-eks-cluster-autoscaler."
  }
}

run "autoscaler_may_resize_only_the_groups_of_this_cluster" {
  command = apply

  assert {
    condition = toset(jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[0].Action) == toset([
      "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
    ])
    error_message = "The unconditioned statement holds read-only Describe/Get calls only."
  }
  assert {
    condition = (
      jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[1].Action == "eks:DescribeNodegroup" &&
      jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[1].Resource == "arn:aws:eks:eu-west-2:123456789012:nodegroup/lowlat-test/*/*"
    )
    error_message = "eks:DescribeNodegroup on this cluster's node groups only."
  }
  assert {
    condition = (
      toset(jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[2].Action) == toset(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]) &&
      jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[2].Resource == "arn:aws:autoscaling:eu-west-2:123456789012:autoScalingGroup:*:autoScalingGroupName/eks-*"
    )
    error_message = "SetDesiredCapacity and TerminateInstanceInAutoScalingGroup only on managed node groups' Auto Scaling groups."
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement[2].Condition == {
      StringEquals = {
        "aws:ResourceTag/k8s.io/cluster-autoscaler/lowlat-test" = "owned"
        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"     = "true"
      }
    }
    error_message = "The mutating calls are conditioned on this cluster's auto-discovery tags."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role_policy.cluster_autoscaler.policy).Statement) == 3
    error_message = "Nothing else is allowed."
  }
}

run "addons_are_managed_with_overwrite" {
  command = plan

  assert {
    condition     = toset(keys(aws_eks_addon.this)) == toset(["vpc-cni", "coredns", "kube-proxy"])
    error_message = "vpc-cni, coredns and kube-proxy are managed add-ons by default."
  }
  assert {
    condition = alltrue([for a in aws_eks_addon.this : (
      a.cluster_name == "lowlat-test" && a.resolve_conflicts_on_create == "OVERWRITE" && a.resolve_conflicts_on_update == "OVERWRITE"
    )])
    error_message = "Every add-on resolves conflicts with OVERWRITE on create and update."
  }
}

run "addon_versions_are_pinned_when_given" {
  command = plan

  variables {
    addon_versions = { vpc_cni = "v1.19.2-eksbuild.1", kube_proxy = "v1.33.0-eksbuild.2" }
  }

  assert {
    condition = (
      aws_eks_addon.this["vpc-cni"].addon_version == "v1.19.2-eksbuild.1" &&
      aws_eks_addon.this["kube-proxy"].addon_version == "v1.33.0-eksbuild.2"
    )
    error_message = "Given versions reach their add-on."
  }
}

run "addons_switched_off_for_the_emulator" {
  command = plan

  variables {
    enable_addons = false
  }

  assert {
    condition     = length(aws_eks_addon.this) == 0
    error_message = "enable_addons = false leaves every add-on out."
  }
  assert {
    condition     = length(aws_eks_node_group.this) == 1
    error_message = "The node groups stay."
  }
}
