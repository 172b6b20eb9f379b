# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and two passing runs with the accepted edge values (lower and upper),
# which also check that those values reach the resources.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

################################################################################
# Accepted edges
################################################################################

run "lower_edges_are_accepted" {
  command = plan

  variables {
    name                   = "abc" # 3 characters
    env                    = "qa"  # 2 characters
    kubernetes_version     = "1.29"
    endpoint_public_access = true
    public_access_cidrs    = ["198.51.100.10/32"] # one CIDR is enough
    api_ingress_cidrs      = []
    log_retention_days     = 365
    oidc_thumbprints       = [] # IAM fetches the thumbprint itself
    node_groups = {
      a = {
        instance_types = ["t3.small"]
        capacity_type  = "SPOT"
        min_size       = 0
        desired_size   = 0
        max_size       = 1
        disk_size      = 20
        ami_type       = "AL2_ARM_64"
      }
    }
    node_metadata_hop_limit = 1
    addon_versions          = {}
  }

  assert {
    condition     = aws_eks_cluster.this.name == "abc" && aws_eks_cluster.this.version == "1.29"
    error_message = "A 3-character name and Kubernetes 1.29 are accepted."
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access && toset(aws_eks_cluster.this.vpc_config[0].public_access_cidrs) == toset(["198.51.100.10/32"])
    error_message = "A public endpoint with a single /32 is accepted."
  }
  assert {
    condition = (
      aws_eks_node_group.this["a"].node_group_name == "abc-a" &&
      aws_eks_node_group.this["a"].scaling_config[0].min_size == 0 &&
      aws_eks_node_group.this["a"].scaling_config[0].desired_size == 0 &&
      aws_eks_node_group.this["a"].scaling_config[0].max_size == 1 &&
      aws_launch_template.node["a"].block_device_mappings[0].ebs[0].volume_size == 20
    )
    error_message = "A one-letter group scaling 0 / 0 / 1 with a 20 GiB disk is accepted."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cluster.retention_in_days == 365 && length(aws_vpc_security_group_ingress_rule.api) == 0
    error_message = "365 days of retention and no api_ingress_cidrs are accepted."
  }
}

run "upper_edges_are_accepted" {
  command = plan

  variables {
    name               = "lowlat-abcdefghijklmnopqrstuvwxy" # 32 characters
    env                = "abcdefghijklmnop"                 # 16 characters
    kubernetes_version = "1.35"
    public_access_cidrs = [
      "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
    ]
    api_ingress_cidrs  = ["10.0.0.0/8"]
    log_retention_days = 3653
    oidc_thumbprints = [
      "9e99a48a9960b14926bb7f3b02e22da2b0ab7280", "9E99A48A9960B14926BB7F3B02E22DA2B0AB7281",
      "0000000000000000000000000000000000000000", "1111111111111111111111111111111111111111",
      "ffffffffffffffffffffffffffffffffffffffff",
    ]
    node_groups = {
      abcdefghijklmnopqrstuvwxyz0123 = { # 30 characters
        instance_types = ["c7gn.metal", "c6in.32xlarge"]
        capacity_type  = "ON_DEMAND"
        min_size       = 1000
        desired_size   = 1000
        max_size       = 1000
        disk_size      = 16384
        ami_type       = "BOTTLEROCKET_ARM_64"
      }
    }
    node_metadata_hop_limit = 2
    node_volume_kms_key_arn = "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    addon_versions          = { vpc_cni = "v1.19.2-eksbuild.1", coredns = "v1.11.4-eksbuild.14", kube_proxy = "v1.33.0-eksbuild.2" }
  }

  assert {
    condition = (
      aws_eks_cluster.this.name == "lowlat-abcdefghijklmnopqrstuvwxy" &&
      aws_eks_node_group.this["abcdefghijklmnopqrstuvwxyz0123"].node_group_name == "lowlat-abcdefghijklmnopqrstuvwxy-abcdefghijklmnopqrstuvwxyz0123"
    )
    error_message = "A 32-character name and a 30-character group name are accepted (63 characters, the node group name limit)."
  }
  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_public_access == false
    error_message = "public_access_cidrs without endpoint_public_access are accepted and do not open the endpoint."
  }
  assert {
    condition = (
      aws_eks_node_group.this["abcdefghijklmnopqrstuvwxyz0123"].scaling_config[0].max_size == 1000 &&
      aws_launch_template.node["abcdefghijklmnopqrstuvwxyz0123"].block_device_mappings[0].ebs[0].volume_size == 16384 &&
      aws_launch_template.node["abcdefghijklmnopqrstuvwxyz0123"].metadata_options[0].http_put_response_hop_limit == 2
    )
    error_message = "1000 nodes, a 16384 GiB disk and hop limit 2 are accepted."
  }
  assert {
    condition     = aws_cloudwatch_log_group.cluster.retention_in_days == 3653 && length(aws_iam_openid_connect_provider.this.thumbprint_list) == 5
    error_message = "3653 days of retention and five thumbprints are accepted."
  }
  assert {
    condition     = aws_eks_addon.this["coredns"].addon_version == "v1.11.4-eksbuild.14"
    error_message = "Pinned add-on versions are accepted."
  }
}

################################################################################
# Refusals
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan
  variables {
    name = "Lowlat-test"
  }
  expect_failures = [var.name]
}

run "name_of_two_characters_is_refused" {
  command = plan
  variables {
    name = "ab"
  }
  expect_failures = [var.name]
}

run "env_with_a_dash_is_refused" {
  command = plan
  variables {
    env = "pre-prod"
  }
  expect_failures = [var.env]
}

run "kubernetes_version_with_a_patch_is_refused" {
  command = plan
  variables {
    kubernetes_version = "1.30.2"
  }
  expect_failures = [var.kubernetes_version]
}

run "kubernetes_version_with_a_leading_v_is_refused" {
  command = plan
  variables {
    kubernetes_version = "v1.30"
  }
  expect_failures = [var.kubernetes_version]
}

run "subnet_id_as_vpc_id_is_refused" {
  command = plan
  variables {
    vpc_id = "subnet-0123456789abcdef0"
  }
  expect_failures = [var.vpc_id]
}

run "a_single_private_subnet_is_refused" {
  command = plan
  variables {
    private_subnet_ids = ["subnet-0123456789abcdef0"]
  }
  expect_failures = [var.private_subnet_ids]
}

run "private_subnet_name_instead_of_id_is_refused" {
  command = plan
  variables {
    private_subnet_ids = ["subnet-0123456789abcdef0", "private-b"]
  }
  expect_failures = [var.private_subnet_ids]
}

run "public_access_cidr_that_is_no_cidr_is_refused" {
  command = plan
  variables {
    endpoint_public_access = true
    public_access_cidrs    = ["192.0.2.300/32"]
  }
  expect_failures = [var.public_access_cidrs]
}

run "public_access_from_anywhere_is_refused" {
  command = plan
  variables {
    endpoint_public_access = true
    public_access_cidrs    = ["192.0.2.0/27", "0.0.0.0/0"]
  }
  expect_failures = [var.public_access_cidrs]
}

run "public_endpoint_without_cidrs_is_refused" {
  command = plan
  variables {
    endpoint_public_access = true
    public_access_cidrs    = []
  }
  expect_failures = [var.public_access_cidrs]
}

run "api_ingress_from_anywhere_is_refused" {
  command = plan
  variables {
    api_ingress_cidrs = ["0.0.0.0/0"]
  }
  expect_failures = [var.api_ingress_cidrs]
}

run "secrets_key_alias_is_refused" {
  command = plan
  variables {
    secrets_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat-secrets"
  }
  expect_failures = [var.secrets_kms_key_arn]
}

run "logs_key_id_without_arn_is_refused" {
  command = plan
  variables {
    logs_kms_key_arn = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }
  expect_failures = [var.logs_kms_key_arn]
}

run "log_retention_under_a_year_is_refused" {
  command = plan
  variables {
    log_retention_days = 180
  }
  expect_failures = [var.log_retention_days]
}

run "short_oidc_thumbprint_is_refused" {
  command = plan
  variables {
    oidc_thumbprints = ["9e99a48a9960b14926bb7f3b02e22da2b0ab72"]
  }
  expect_failures = [var.oidc_thumbprints]
}

run "no_node_group_is_refused" {
  command = plan
  variables {
    node_groups = {}
  }
  expect_failures = [var.node_groups]
}

run "node_group_name_with_upper_case_is_refused" {
  command = plan
  variables {
    node_groups = {
      General = { instance_types = ["t3.medium"], min_size = 1, desired_size = 2, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "node_group_without_instance_types_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = [], min_size = 1, desired_size = 2, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "capacity_type_in_lower_case_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], capacity_type = "spot", min_size = 1, desired_size = 2, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "max_size_zero_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 0, desired_size = 0, max_size = 0 }
    }
  }
  expect_failures = [var.node_groups]
}

run "fractional_min_size_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 1.5, desired_size = 2, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "min_size_above_desired_size_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 3, desired_size = 2, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "desired_size_above_max_size_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 1, desired_size = 11, max_size = 10 }
    }
  }
  expect_failures = [var.node_groups]
}

run "disk_under_20_gib_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 1, desired_size = 2, max_size = 10, disk_size = 8 }
    }
  }
  expect_failures = [var.node_groups]
}

run "unknown_ami_type_is_refused" {
  command = plan
  variables {
    node_groups = {
      general = { instance_types = ["t3.medium"], min_size = 1, desired_size = 2, max_size = 10, ami_type = "ami-0123456789abcdef0" }
    }
  }
  expect_failures = [var.node_groups]
}

run "hop_limit_3_is_refused" {
  command = plan
  variables {
    node_metadata_hop_limit = 3
  }
  expect_failures = [var.node_metadata_hop_limit]
}

run "node_volume_key_alias_is_refused" {
  command = plan
  variables {
    node_volume_kms_key_arn = "alias/aws/ebs"
  }
  expect_failures = [var.node_volume_kms_key_arn]
}

run "addon_version_without_eksbuild_is_refused" {
  command = plan
  variables {
    addon_versions = { coredns = "1.11.4" }
  }
  expect_failures = [var.addon_versions]
}
