# Managed node groups: the default group, sizes/instance types/capacity type from the map, a
# launch template per group with IMDSv2 only and an encrypted root volume, the node role, the
# cluster autoscaler's auto-discovery tags, and desired_size left to the autoscaler.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "default_is_one_general_group_of_t3_medium_1_2_10" {
  command = plan

  assert {
    condition     = keys(aws_eks_node_group.this) == ["general"] && aws_eks_node_group.this["general"].node_group_name == "lowlat-test-general"
    error_message = "By default there is one node group, general, named <name>-general."
  }
  assert {
    condition = (
      aws_eks_node_group.this["general"].instance_types == tolist(["t3.medium"]) &&
      aws_eks_node_group.this["general"].capacity_type == "ON_DEMAND" &&
      aws_eks_node_group.this["general"].ami_type == "AL2023_x86_64_STANDARD"
    )
    error_message = "The default group is On-Demand t3.medium on the AL2023 EKS AMI."
  }
  assert {
    condition = (
      aws_eks_node_group.this["general"].scaling_config[0].min_size == 1 &&
      aws_eks_node_group.this["general"].scaling_config[0].desired_size == 2 &&
      aws_eks_node_group.this["general"].scaling_config[0].max_size == 10
    )
    error_message = "The default group scales 1 / 2 / 10."
  }
  assert {
    condition     = aws_eks_node_group.this["general"].version == "1.33" && aws_eks_node_group.this["general"].update_config[0].max_unavailable == 1
    error_message = "Nodes follow kubernetes_version and are replaced one at a time."
  }
  assert {
    condition     = length(aws_eks_node_group.this["general"].remote_access) == 0
    error_message = "No SSH remote access on the nodes."
  }
}

run "groups_take_sizes_instance_types_capacity_type_disk_and_labels_from_the_map" {
  command = plan

  variables {
    node_groups = {
      system = {
        instance_types = ["m6i.large"]
        min_size       = 2
        desired_size   = 2
        max_size       = 3
        labels         = { "lowlat.io/pool" = "system" }
      }
      batch = {
        instance_types = ["c6i.2xlarge", "c6a.2xlarge", "c5.2xlarge"]
        capacity_type  = "SPOT"
        min_size       = 0
        desired_size   = 0
        max_size       = 20
        disk_size      = 200
        ami_type       = "BOTTLEROCKET_x86_64"
      }
    }
  }

  assert {
    condition     = toset(keys(aws_eks_node_group.this)) == toset(["system", "batch"]) && toset(keys(aws_launch_template.node)) == toset(["system", "batch"])
    error_message = "One node group and one launch template per node_groups entry."
  }
  assert {
    condition = (
      aws_eks_node_group.this["batch"].capacity_type == "SPOT" &&
      aws_eks_node_group.this["batch"].instance_types == tolist(["c6i.2xlarge", "c6a.2xlarge", "c5.2xlarge"]) &&
      aws_eks_node_group.this["batch"].ami_type == "BOTTLEROCKET_x86_64" &&
      aws_eks_node_group.this["system"].capacity_type == "ON_DEMAND"
    )
    error_message = "capacity_type (default ON_DEMAND), instance_types and ami_type reach their node group."
  }
  assert {
    condition = (
      aws_eks_node_group.this["batch"].scaling_config[0].min_size == 0 &&
      aws_eks_node_group.this["batch"].scaling_config[0].desired_size == 0 &&
      aws_eks_node_group.this["batch"].scaling_config[0].max_size == 20 &&
      aws_eks_node_group.this["system"].scaling_config[0].min_size == 2 &&
      aws_eks_node_group.this["system"].scaling_config[0].max_size == 3
    )
    error_message = "min/desired/max reach their node group."
  }
  assert {
    condition = (
      aws_launch_template.node["batch"].block_device_mappings[0].ebs[0].volume_size == 200 &&
      aws_launch_template.node["system"].block_device_mappings[0].ebs[0].volume_size == 50
    )
    error_message = "disk_size (default 50 GiB) sizes the launch template's root volume."
  }
  assert {
    condition     = aws_eks_node_group.this["system"].labels == tomap({ "lowlat.io/pool" = "system" }) && length(aws_eks_node_group.this["batch"].labels) == 0
    error_message = "labels reach the node group."
  }
}

run "launch_templates_require_imdsv2_and_encrypt_the_root_volume" {
  command = plan

  assert {
    condition = (
      aws_launch_template.node["general"].metadata_options[0].http_endpoint == "enabled" &&
      aws_launch_template.node["general"].metadata_options[0].http_tokens == "required" &&
      aws_launch_template.node["general"].metadata_options[0].http_put_response_hop_limit == 1
    )
    error_message = "IMDSv2 only, hop limit 1 by default (pods cannot reach the node role)."
  }
  assert {
    condition = (
      aws_launch_template.node["general"].block_device_mappings[0].device_name == "/dev/xvda" &&
      aws_launch_template.node["general"].block_device_mappings[0].ebs[0].encrypted == "true" &&
      aws_launch_template.node["general"].block_device_mappings[0].ebs[0].volume_type == "gp3" &&
      aws_launch_template.node["general"].block_device_mappings[0].ebs[0].kms_key_id == null
    )
    error_message = "The root volume is encrypted gp3 (default EBS key when node_volume_kms_key_arn is null)."
  }
  assert {
    condition     = aws_launch_template.node["general"].image_id == null && length(aws_launch_template.node["general"].network_interfaces) == 0
    error_message = "No AMI (EKS picks it from ami_type) and no network interface settings (no public IP)."
  }
}

run "node_groups_use_their_launch_template" {
  command = apply

  assert {
    condition = (
      aws_eks_node_group.this["general"].launch_template[0].id == aws_launch_template.node["general"].id &&
      aws_eks_node_group.this["general"].launch_template[0].version == tostring(aws_launch_template.node["general"].latest_version)
    )
    error_message = "The node group launches from the latest version of its launch template."
  }
  assert {
    condition     = aws_eks_node_group.this["general"].disk_size == null || aws_eks_node_group.this["general"].disk_size == 0
    error_message = "The disk size is set in the launch template, not on the node group (EKS refuses both)."
  }
}

run "hop_limit_2_and_a_volume_key_reach_the_launch_template" {
  command = plan

  variables {
    node_metadata_hop_limit = 2
    node_volume_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition = (
      aws_launch_template.node["general"].metadata_options[0].http_put_response_hop_limit == 2 &&
      aws_launch_template.node["general"].metadata_options[0].http_tokens == "required"
    )
    error_message = "node_metadata_hop_limit = 2 reaches the template; IMDSv2 stays required."
  }
  assert {
    condition     = aws_launch_template.node["general"].block_device_mappings[0].ebs[0].kms_key_id == "arn:aws:kms:eu-west-2:123456789012:key/99999999-8888-7777-6666-555555555555"
    error_message = "node_volume_kms_key_arn encrypts the root volumes."
  }
}

run "node_groups_carry_the_autoscaler_auto_discovery_tags" {
  command = plan

  variables {
    tags = { "lowlat:owner" = "platform", "k8s.io/cluster-autoscaler/enabled" = "false" }
  }

  assert {
    condition = (
      aws_eks_node_group.this["general"].tags["k8s.io/cluster-autoscaler/enabled"] == "true" &&
      aws_eks_node_group.this["general"].tags["k8s.io/cluster-autoscaler/lowlat-test"] == "owned"
    )
    error_message = "Every node group is tagged for the autoscaler's auto-discovery (user tags cannot switch it off)."
  }
  assert {
    condition     = aws_launch_template.node["general"].tag_specifications[0].tags["Name"] == "lowlat-test-general"
    error_message = "Instances, volumes and interfaces of the group are named <name>-<group>."
  }
}

run "node_role_has_the_worker_cni_and_ecr_policies" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.node.assume_role_policy).Statement[0].Principal == { Service = "ec2.amazonaws.com" }
    error_message = "Only EC2 assumes the node role."
  }
  assert {
    condition = toset([for a in aws_iam_role_policy_attachment.node : a.policy_arn]) == toset([
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
    ])
    error_message = "The node role has exactly the worker, CNI and ECR read-only policies."
  }
}

# Two runs sharing state: after the first apply, a changed desired_size must not reach the group.
run "desired_size_is_applied_once" {
  command = apply
}

run "desired_size_is_left_to_the_autoscaler_afterwards" {
  command = plan

  variables {
    node_groups = {
      general = {
        instance_types = ["t3.medium"]
        min_size       = 1
        desired_size   = 7
        max_size       = 10
      }
    }
  }

  assert {
    condition     = aws_eks_node_group.this["general"].scaling_config[0].desired_size == 2
    error_message = "desired_size is ignored after creation (lifecycle ignore_changes): the autoscaler owns it."
  }
}
