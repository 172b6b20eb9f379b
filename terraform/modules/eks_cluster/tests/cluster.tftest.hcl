# The control plane: private endpoint by default and the public toggle both ways, secrets envelope
# encryption with the given CMK, every control-plane log type into the module's own encrypted log
# group, the cluster role, the additional security group, the OIDC provider and the outputs.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "endpoint_is_private_only_by_default" {
  command = plan

  assert {
    condition = (
      aws_eks_cluster.this.vpc_config[0].endpoint_private_access == true &&
      aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false
    )
    error_message = "By default the API has a private endpoint and no public one."
  }
  assert {
    condition     = aws_eks_cluster.this.name == "lowlat-test" && aws_eks_cluster.this.version == "1.33"
    error_message = "The cluster is named after name and runs the default Kubernetes version."
  }
  assert {
    condition = (
      toset(aws_eks_cluster.this.vpc_config[0].subnet_ids) == toset(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]) &&
      aws_eks_node_group.this["general"].subnet_ids == toset(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])
    )
    error_message = "Control plane and nodes live in private_subnet_ids."
  }
}

run "public_endpoint_is_opened_only_to_the_given_cidrs" {
  command = plan

  variables {
    endpoint_public_access = true
    public_access_cidrs    = ["192.0.2.0/27", "198.51.100.10/32"]
  }

  assert {
    condition = (
      aws_eks_cluster.this.vpc_config[0].endpoint_public_access == true &&
      aws_eks_cluster.this.vpc_config[0].endpoint_private_access == true
    )
    error_message = "endpoint_public_access = true adds the public endpoint and keeps the private one."
  }
  assert {
    condition     = toset(aws_eks_cluster.this.vpc_config[0].public_access_cidrs) == toset(["192.0.2.0/27", "198.51.100.10/32"])
    error_message = "The public endpoint admits exactly public_access_cidrs."
  }
}

run "public_endpoint_switched_off_again_ignores_the_cidrs" {
  command = apply # public_access_cidrs is computed when not sent

  variables {
    endpoint_public_access = false
    public_access_cidrs    = ["192.0.2.0/27"]
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false
    error_message = "endpoint_public_access = false closes the public endpoint even with CIDRs given."
  }
  assert {
    condition     = !contains(coalesce(aws_eks_cluster.this.vpc_config[0].public_access_cidrs, []), "192.0.2.0/27")
    error_message = "With the public endpoint off, public_access_cidrs is not sent."
  }
}

run "secrets_are_envelope_encrypted_with_the_given_key" {
  command = plan

  assert {
    condition = (
      length(aws_eks_cluster.this.encryption_config) == 1 &&
      aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"]) &&
      aws_eks_cluster.this.encryption_config[0].provider[0].key_arn == "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "Kubernetes secrets are envelope-encrypted with secrets_kms_key_arn."
  }
  assert {
    condition = (
      jsondecode(aws_iam_role_policy.cluster_secrets_key.policy).Statement[0].Resource == "arn:aws:kms:eu-west-2:123456789012:key/11111111-2222-3333-4444-555555555555" &&
      toset(jsondecode(aws_iam_role_policy.cluster_secrets_key.policy).Statement[0].Action) == toset(["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"])
    )
    error_message = "The cluster role may use the secrets key (and only it) for envelope encryption."
  }
}

run "every_control_plane_log_type_goes_to_the_module_log_group" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.enabled_cluster_log_types == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"])
    error_message = "api, audit, authenticator, controllerManager and scheduler logs are on."
  }
  assert {
    condition = (
      aws_cloudwatch_log_group.cluster.name == "/aws/eks/lowlat-test/cluster" &&
      aws_cloudwatch_log_group.cluster.kms_key_id == "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789" &&
      aws_cloudwatch_log_group.cluster.retention_in_days == 365
    )
    error_message = "The module creates /aws/eks/<name>/cluster itself, encrypted with logs_kms_key_arn and kept 365 days."
  }
}

run "log_retention_is_taken_from_the_input" {
  command = plan

  variables {
    log_retention_days = 731
  }

  assert {
    condition     = aws_cloudwatch_log_group.cluster.retention_in_days == 731
    error_message = "log_retention_days reaches the log group."
  }
}

run "cluster_role_is_assumed_by_eks_with_the_cluster_policy" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.cluster.assume_role_policy).Statement[0].Principal == { Service = "eks.amazonaws.com" }
    error_message = "Only the EKS service assumes the cluster role."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.cluster.policy_arn == "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    error_message = "The cluster role has AmazonEKSClusterPolicy."
  }
}

run "additional_security_group_has_no_rules_by_default" {
  command = plan

  assert {
    condition     = aws_security_group.cluster.vpc_id == "vpc-0123456789abcdef0" && length(aws_vpc_security_group_ingress_rule.api) == 0
    error_message = "The additional control-plane security group is in vpc_id and admits nothing by default."
  }
  assert {
    condition     = length(coalesce(aws_security_group.cluster.egress, [])) == 0 && length(coalesce(aws_security_group.cluster.ingress, [])) == 0
    error_message = "No inline rules (Terraform removes the default allow-all egress)."
  }
}

run "api_ingress_cidrs_open_https_only" {
  command = plan

  variables {
    api_ingress_cidrs = ["10.50.0.0/16", "192.0.2.0/27"]
  }

  assert {
    condition = (
      length(aws_vpc_security_group_ingress_rule.api) == 2 &&
      alltrue([for r in aws_vpc_security_group_ingress_rule.api : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443])
    )
    error_message = "Each api_ingress_cidrs entry gets one TCP 443 rule and nothing else."
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.api : r.cidr_ipv4]) == toset(["10.50.0.0/16", "192.0.2.0/27"])
    error_message = "The rules admit exactly api_ingress_cidrs."
  }
}

run "oidc_provider_trusts_the_cluster_issuer" {
  command = apply

  assert {
    condition = (
      aws_iam_openid_connect_provider.this.url == "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" &&
      aws_iam_openid_connect_provider.this.client_id_list == toset(["sts.amazonaws.com"]) &&
      aws_iam_openid_connect_provider.this.thumbprint_list == tolist(["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
    )
    error_message = "The OIDC provider is the cluster's issuer, for the STS audience, with the default root CA thumbprint."
  }
}

run "outputs_and_tags" {
  command = apply

  assert {
    condition = (
      output.cluster_name == "lowlat-test" &&
      output.cluster_arn == "arn:aws:eks:eu-west-2:123456789012:cluster/lowlat-test" &&
      output.cluster_endpoint == "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-2.eks.amazonaws.com" &&
      output.cluster_certificate_authority_data == "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg=="
    )
    error_message = "The cluster outputs come from the cluster."
  }
  assert {
    condition = (
      output.oidc_provider_arn == "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" &&
      output.oidc_issuer_url == "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    )
    error_message = "oidc_provider_arn and oidc_issuer_url come out."
  }
  assert {
    condition = (
      output.log_group_name == "/aws/eks/lowlat-test/cluster" &&
      output.node_role_arn == aws_iam_role.node.arn &&
      output.cluster_autoscaler_role_arn == aws_iam_role.cluster_autoscaler.arn &&
      output.api_security_group_id == "sg-0123456789abcdef0" &&
      output.cluster_security_group_id == aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
    )
    error_message = "log group, roles and security groups come out."
  }
  assert {
    condition = (
      output.node_group_names == { general = "lowlat-test-general" } &&
      keys(output.node_group_arns) == ["general"]
    )
    error_message = "Node group names and ARNs come out keyed by node_groups key."
  }
  assert {
    condition = alltrue([for t in [
      aws_eks_cluster.this.tags, aws_cloudwatch_log_group.cluster.tags, aws_iam_role.cluster.tags,
      aws_iam_role.node.tags, aws_iam_role.cluster_autoscaler.tags, aws_security_group.cluster.tags,
      aws_iam_openid_connect_provider.this.tags, aws_launch_template.node["general"].tags,
      aws_eks_node_group.this["general"].tags, aws_eks_addon.this["coredns"].tags,
    ] : t["lowlat:owner"] == "platform" && t["lowlat:env"] == "test"])
    error_message = "Every taggable resource carries the given tags and lowlat:env."
  }
}
