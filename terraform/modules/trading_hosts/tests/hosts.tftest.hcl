# What one role's hosts look like: placement, tenancy, IMDSv2, encryption, IAM, the lowlat:* tags,
# and the resources the switches turn on and off. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-2" }
  }
  # The provider checks the policy arguments it receives for valid JSON.
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  # A c5n-ready image unless a run overrides it.
  mock_data "aws_ami" {
    defaults = { ena_support = true, architecture = "x86_64" }
  }
  # One subnet means one AZ: the availability_zone output needs every host to agree.
  mock_resource "aws_instance" {
    defaults = { availability_zone = "eu-west-2a" }
  }
}

variables {
  name               = "lowlat-test"
  role               = "engine"
  env                = "test"
  cluster            = "ldn1"
  instance_type      = "c5n.18xlarge"
  instance_count     = 2
  subnet_id          = "subnet-0123456789abcdef0"
  security_group_ids = ["sg-0123456789abcdef0"]
  ami_id             = "ami-0123456789abcdef0"
  host_secret_arn    = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/test/engine-AbCdEf"
}

################################################################################
# Defaults
################################################################################

run "hosts_are_dedicated_c5n_in_their_own_cluster_placement_group" {
  command = plan

  assert {
    condition     = length(aws_placement_group.this) == 1 && aws_placement_group.this[0].strategy == "cluster"
    error_message = "Without placement_group_name the module must create one cluster placement group."
  }
  assert {
    condition     = aws_placement_group.this[0].name == "lowlat-test-engine"
    error_message = "The placement group is named <name>-<role>."
  }
  assert {
    condition     = length(aws_instance.this) == 2
    error_message = "instance_count hosts are launched."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.placement_group == aws_placement_group.this[0].name])
    error_message = "Every host launches into the module's placement group."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.tenancy == "dedicated"])
    error_message = "Every host has dedicated tenancy."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.instance_type == "c5n.18xlarge" && i.ami == var.ami_id])
    error_message = "instance_type and ami_id are used as given."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.subnet_id == var.subnet_id && i.vpc_security_group_ids == toset(var.security_group_ids)])
    error_message = "All hosts share the one subnet and the tier's security groups."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.ebs_optimized && !i.associate_public_ip_address])
    error_message = "Hosts are EBS-optimised and get no public IP."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.monitoring && i.disable_api_termination])
    error_message = "Detailed monitoring and termination protection are on by default."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.iam_instance_profile == aws_iam_instance_profile.host.name])
    error_message = "Hosts use the module's instance profile."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : length(i.cpu_options) == 0 && length(i.capacity_reservation_specification) == 0])
    error_message = "No CPU options and no capacity reservation unless asked for."
  }
}

run "imdsv2_only_with_instance_tags" {
  command = plan

  assert {
    condition = alltrue([for i in aws_instance.this : (
      i.metadata_options[0].http_endpoint == "enabled" &&
      i.metadata_options[0].http_tokens == "required" &&
      i.metadata_options[0].http_put_response_hop_limit == 1 &&
      i.metadata_options[0].instance_metadata_tags == "enabled"
    )])
    error_message = "IMDSv2 only (tokens required, hop limit 1), with instance tags readable through IMDS."
  }
}

run "root_volume_is_encrypted_gp3" {
  command = plan

  assert {
    condition = alltrue([for i in aws_instance.this : (
      length(i.root_block_device) == 1 &&
      i.root_block_device[0].encrypted &&
      i.root_block_device[0].volume_type == "gp3" &&
      i.root_block_device[0].volume_size == 100 &&
      i.root_block_device[0].iops == 3000 &&
      i.root_block_device[0].throughput == 125 &&
      i.root_block_device[0].delete_on_termination
    )])
    error_message = "The root volume is an encrypted gp3 volume with the default size and performance."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : length(i.ebs_block_device) == 0])
    error_message = "No extra EBS volumes (each would need its own encryption review)."
  }
}

run "ebs_key_rotates_and_its_policy_delegates_to_the_account" {
  command = plan

  assert {
    condition     = aws_kms_key.ebs.enable_key_rotation && aws_kms_key.ebs.deletion_window_in_days == 30
    error_message = "The EBS key rotates and has a 30-day deletion window."
  }
  assert {
    condition     = length(jsondecode(aws_kms_key.ebs.policy).Statement) == 1
    error_message = "Without kms_key_admin_arns the key policy has only the account statement."
  }
  assert {
    condition     = jsondecode(aws_kms_key.ebs.policy).Statement[0].Principal == { AWS = "arn:aws:iam::123456789012:root" }
    error_message = "The key policy delegates to the account's IAM (its root principal), no one else."
  }
  assert {
    condition     = !strcontains(jsonencode([for s in jsondecode(aws_kms_key.ebs.policy).Statement : s.Principal]), "\"*\"")
    error_message = "The key policy has no wildcard principal."
  }
  assert {
    condition     = aws_kms_alias.ebs.name == "alias/lowlat-test-engine-ebs"
    error_message = "The key's alias is alias/<name>-<role>-ebs."
  }
}

run "instance_role_is_least_privilege" {
  command = plan

  assert {
    condition = (
      length(data.aws_iam_policy_document.assume.statement) == 1 &&
      data.aws_iam_policy_document.assume.statement[0].actions == toset(["sts:AssumeRole"]) &&
      one(data.aws_iam_policy_document.assume.statement[0].principals).type == "Service" &&
      one(data.aws_iam_policy_document.assume.statement[0].principals).identifiers == toset(["ec2.amazonaws.com"])
    )
    error_message = "Only EC2 may assume the host role."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.ssm_core.policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    error_message = "The one managed policy is AmazonSSMManagedInstanceCore."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.ssm_core.role == aws_iam_role.host.name && aws_iam_instance_profile.host.role == aws_iam_role.host.name
    error_message = "The SSM policy and the instance profile belong to the host role."
  }
  assert {
    condition = (
      length(data.aws_iam_policy_document.host_secret.statement) == 1 &&
      coalesce(data.aws_iam_policy_document.host_secret.statement[0].effect, "Allow") == "Allow" &&
      data.aws_iam_policy_document.host_secret.statement[0].actions == toset(["secretsmanager:GetSecretValue"]) &&
      data.aws_iam_policy_document.host_secret.statement[0].resources == toset([var.host_secret_arn])
    )
    error_message = "The inline policy reads the hosts' own secret and nothing else (no KMS statement without host_secret_kms_key_arn)."
  }
}

run "lowlat_tags_on_instances_and_root_volumes" {
  command = plan

  assert {
    condition = alltrue([for i in aws_instance.this : (
      i.tags["lowlat:role"] == "engine" &&
      i.tags["lowlat:env"] == "test" &&
      i.tags["lowlat:cluster"] == "ldn1" &&
      i.tags["lowlat:managed"] == "true"
    )])
    error_message = "Every instance carries lowlat:role, lowlat:env, lowlat:cluster and lowlat:managed=\"true\"."
  }
  assert {
    condition     = [for i in aws_instance.this : i.tags["Name"]] == ["lowlat-test-engine-01", "lowlat-test-engine-02"]
    error_message = "Instances are named <name>-<role>-NN."
  }
  assert {
    condition = alltrue([for i in aws_instance.this : (
      i.root_block_device[0].tags["lowlat:role"] == "engine" &&
      i.root_block_device[0].tags["lowlat:env"] == "test" &&
      i.root_block_device[0].tags["lowlat:cluster"] == "ldn1" &&
      i.root_block_device[0].tags["lowlat:managed"] == "true"
    )])
    error_message = "Every root volume carries the lowlat:* tags."
  }
  assert {
    condition     = [for i in aws_instance.this : i.root_block_device[0].tags["Name"]] == ["lowlat-test-engine-01-root", "lowlat-test-engine-02-root"]
    error_message = "Root volumes are named <host>-root."
  }
  assert {
    condition = output.lowlat_tags == {
      "lowlat:role"    = "engine"
      "lowlat:env"     = "test"
      "lowlat:cluster" = "ldn1"
      "lowlat:managed" = "true"
    }
    error_message = "The lowlat_tags output is exactly the contract the inventory groups on."
  }
}

run "user_tags_cannot_override_the_contract" {
  command = plan

  variables {
    tags = {
      "lowlat:role"    = "feed"
      "lowlat:env"     = "prod"
      "lowlat:cluster" = "other"
      "lowlat:managed" = "false"
      Name             = "renamed"
      Owner            = "platform-team"
    }
  }

  assert {
    condition = alltrue([for i in aws_instance.this : (
      i.tags["lowlat:role"] == "engine" && i.tags["lowlat:env"] == "test" &&
      i.tags["lowlat:cluster"] == "ldn1" && i.tags["lowlat:managed"] == "true" &&
      i.tags["Name"] != "renamed" && i.tags["Owner"] == "platform-team"
    )])
    error_message = "User tags are kept, but the lowlat:* tags and Name win over them on instances."
  }
  assert {
    condition = alltrue([for i in aws_instance.this : (
      i.root_block_device[0].tags["lowlat:role"] == "engine" && i.root_block_device[0].tags["lowlat:managed"] == "true" &&
      i.root_block_device[0].tags["Name"] != "renamed" && i.root_block_device[0].tags["Owner"] == "platform-team"
    )])
    error_message = "User tags are kept, but the lowlat:* tags and Name win over them on root volumes."
  }
}

run "outputs" {
  command = apply

  assert {
    condition     = length(output.instance_ids) == 2 && output.instance_ids == aws_instance.this[*].id
    error_message = "instance_ids lists the hosts in index order."
  }
  assert {
    condition     = output.private_ips == aws_instance.this[*].private_ip
    error_message = "private_ips lists the hosts' addresses in index order."
  }
  assert {
    condition = output.hosts == {
      "lowlat-test-engine-01" = { id = aws_instance.this[0].id, private_ip = aws_instance.this[0].private_ip }
      "lowlat-test-engine-02" = { id = aws_instance.this[1].id, private_ip = aws_instance.this[1].private_ip }
    }
    error_message = "hosts maps each Name tag to the instance ID and private IP."
  }
  assert {
    condition     = output.availability_zone == "eu-west-2a"
    error_message = "availability_zone is the one AZ the hosts share."
  }
  assert {
    condition     = output.placement_group_name == "lowlat-test-engine"
    error_message = "placement_group_name is the group created here."
  }
  assert {
    condition     = output.ebs_kms_key_arn == aws_kms_key.ebs.arn
    error_message = "ebs_kms_key_arn is the module's key."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.root_block_device[0].kms_key_id == aws_kms_key.ebs.arn])
    error_message = "Root volumes are encrypted with the module's customer-managed key."
  }
  assert {
    condition     = output.iam_role_name == "lowlat-test-engine" && output.instance_profile_name == "lowlat-test-engine"
    error_message = "iam_role_name and instance_profile_name are <name>-<role>."
  }
  assert {
    condition     = aws_iam_role_policy.host_secret.role == aws_iam_role.host.id
    error_message = "The inline secret policy is attached to the host role."
  }
}

################################################################################
# Switches
################################################################################

run "joins_an_existing_placement_group" {
  command = plan

  variables {
    placement_group_name = "lowlat-test-shared.cluster_1"
  }

  assert {
    condition     = length(aws_placement_group.this) == 0
    error_message = "With placement_group_name no placement group is created."
  }
  assert {
    condition     = alltrue([for i in aws_instance.this : i.placement_group == "lowlat-test-shared.cluster_1"])
    error_message = "Hosts launch into the named placement group."
  }
  assert {
    condition     = output.placement_group_name == "lowlat-test-shared.cluster_1"
    error_message = "The placement_group_name output is the group given."
  }
}

# threads_per_core keeps every physical core of the size (the module's local map): one run per size.
run "smt_off_on_c5n_18xlarge_keeps_36_cores" {
  command = plan

  variables {
    threads_per_core = 1
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : length(i.cpu_options) == 1 && i.cpu_options[0].core_count == 36 && i.cpu_options[0].threads_per_core == 1])
    error_message = "threads_per_core = 1 on c5n.18xlarge: 36 cores, one thread each."
  }
}

run "smt_on_explicitly_on_c5n_large" {
  command = plan

  variables {
    instance_type    = "c5n.large"
    threads_per_core = 2
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.cpu_options[0].core_count == 1 && i.cpu_options[0].threads_per_core == 2])
    error_message = "threads_per_core = 2 on c5n.large: 1 core, two threads."
  }
}

run "smt_off_on_c5n_xlarge" {
  command = plan

  variables {
    instance_type    = "c5n.xlarge"
    threads_per_core = 1
  }

  assert {
    condition     = aws_instance.this[0].cpu_options[0].core_count == 2 && aws_instance.this[0].cpu_options[0].threads_per_core == 1
    error_message = "c5n.xlarge has 2 physical cores."
  }
}

run "smt_off_on_c5n_2xlarge" {
  command = plan

  variables {
    instance_type    = "c5n.2xlarge"
    threads_per_core = 1
  }

  assert {
    condition     = aws_instance.this[0].cpu_options[0].core_count == 4
    error_message = "c5n.2xlarge has 4 physical cores."
  }
}

run "smt_off_on_c5n_4xlarge" {
  command = plan

  variables {
    instance_type    = "c5n.4xlarge"
    threads_per_core = 1
  }

  assert {
    condition     = aws_instance.this[0].cpu_options[0].core_count == 8
    error_message = "c5n.4xlarge has 8 physical cores."
  }
}

run "smt_off_on_c5n_9xlarge" {
  command = plan

  variables {
    instance_type    = "c5n.9xlarge"
    threads_per_core = 1
  }

  assert {
    condition     = aws_instance.this[0].cpu_options[0].core_count == 18
    error_message = "c5n.9xlarge has 18 physical cores."
  }
}

run "c5n_metal_without_cpu_options_is_accepted" {
  command = plan

  variables {
    instance_type = "c5n.metal"
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.instance_type == "c5n.metal" && length(i.cpu_options) == 0])
    error_message = "c5n.metal launches without CPU options."
  }
}

run "threads_per_core_is_refused_on_c5n_metal" {
  command = plan

  variables {
    instance_type    = "c5n.metal"
    threads_per_core = 1
  }

  expect_failures = [aws_instance.this]
}

run "detailed_monitoring_and_termination_protection_off" {
  command = plan

  variables {
    detailed_monitoring    = false
    termination_protection = false
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : !i.monitoring && !i.disable_api_termination])
    error_message = "detailed_monitoring = false and termination_protection = false reach every host."
  }
}

run "ami_is_described_by_id_under_the_given_owners" {
  command = plan

  variables {
    ami_owners = ["123456789012"]
  }

  assert {
    condition     = length(data.aws_ami.selected) == 1
    error_message = "verify_ami (on by default) reads the AMI."
  }
  assert {
    condition = (
      one(data.aws_ami.selected[0].filter).name == "image-id" &&
      toset(one(data.aws_ami.selected[0].filter).values) == toset([var.ami_id]) &&
      toset(data.aws_ami.selected[0].owners) == toset(["123456789012"])
    )
    error_message = "The AMI is looked up by its ID under ami_owners."
  }
}

run "ami_without_ena_is_refused" {
  command = plan

  override_data {
    target = data.aws_ami.selected
    values = { ena_support = false, architecture = "x86_64" }
  }

  expect_failures = [aws_instance.this]
}

run "arm64_ami_is_refused" {
  command = plan

  override_data {
    target = data.aws_ami.selected
    values = { ena_support = true, architecture = "arm64" }
  }

  expect_failures = [aws_instance.this]
}

run "verify_ami_off_skips_the_ami_lookup" {
  command = plan

  variables {
    verify_ami = false
  }

  # The image the emulator would describe: without the lookup the preconditions have nothing to refuse.
  override_data {
    target = data.aws_ami.selected
    values = { ena_support = false, architecture = "arm64" }
  }

  assert {
    condition     = length(data.aws_ami.selected) == 0
    error_message = "verify_ami = false reads no AMI."
  }
  assert {
    condition     = length(aws_instance.this) == 2
    error_message = "The hosts are still planned."
  }
}

run "host_secret_kms_key_adds_one_decrypt_through_secrets_manager" {
  command = plan

  variables {
    host_secret_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
  }

  assert {
    condition     = length(data.aws_iam_policy_document.host_secret.statement) == 2
    error_message = "With host_secret_kms_key_arn the inline policy gets a second statement."
  }
  assert {
    condition = (
      data.aws_iam_policy_document.host_secret.statement[1].actions == toset(["kms:Decrypt"]) &&
      data.aws_iam_policy_document.host_secret.statement[1].resources == toset([var.host_secret_kms_key_arn])
    )
    error_message = "The second statement decrypts with that one key only."
  }
  assert {
    condition = (
      one(data.aws_iam_policy_document.host_secret.statement[1].condition).test == "StringEquals" &&
      one(data.aws_iam_policy_document.host_secret.statement[1].condition).variable == "kms:ViaService" &&
      toset(one(data.aws_iam_policy_document.host_secret.statement[1].condition).values) == toset(["secretsmanager.eu-west-2.amazonaws.com"])
    )
    error_message = "Decrypt is allowed only through Secrets Manager of the region."
  }
}

run "named_key_administrators_get_a_statement" {
  command = plan

  variables {
    kms_key_admin_arns = ["arn:aws:iam::123456789012:role/lowlat-platform-admin"]
  }

  assert {
    condition     = length(jsondecode(aws_kms_key.ebs.policy).Statement) == 2
    error_message = "kms_key_admin_arns adds one statement to the key policy."
  }
  assert {
    condition = (
      jsondecode(aws_kms_key.ebs.policy).Statement[1].Principal == { AWS = ["arn:aws:iam::123456789012:role/lowlat-platform-admin"] } &&
      !contains(jsondecode(aws_kms_key.ebs.policy).Statement[1].Action, "kms:Decrypt") &&
      !contains(jsondecode(aws_kms_key.ebs.policy).Statement[1].Action, "kms:*")
    )
    error_message = "The administrators may administer the key, not use it."
  }
}

run "capacity_reservation_is_targeted" {
  command = plan

  variables {
    capacity_reservation_id = "cr-0123456789abcdef0"
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.capacity_reservation_specification[0].capacity_reservation_target[0].capacity_reservation_id == "cr-0123456789abcdef0"])
    error_message = "Every host launches into the capacity reservation."
  }
}

run "root_volume_size_and_performance_reach_the_volume" {
  command = plan

  variables {
    root_volume_size       = 16384
    root_volume_iops       = 16000
    root_volume_throughput = 1000
  }

  assert {
    condition     = alltrue([for i in aws_instance.this : i.root_block_device[0].volume_size == 16384 && i.root_block_device[0].iops == 16000 && i.root_block_device[0].throughput == 1000])
    error_message = "root_volume_size, _iops and _throughput reach the root volume (upper edges accepted)."
  }
}

run "hosts_send_nothing_to_the_platform_by_default" {
  command = plan

  assert {
    condition     = length(aws_iam_role_policy.platform) == 0
    error_message = "without metrics_namespace or alert_topic the host role must not get the platform-access policy"
  }
}

# The statements themselves are read back from IAM by the emulator test (tests/terraform/test_emulator_apply.py).
run "engines_may_publish_metrics_and_monitoring_alerts" {
  command = plan

  variables {
    metrics_namespace = "Lowlat/Engine"
    alert_topic       = { arn = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts" }
  }

  assert {
    condition     = length(aws_iam_role_policy.platform) == 1 && aws_iam_role_policy.platform[0].name == "platform-access"
    error_message = "metrics_namespace or alert_topic must add the platform-access policy to the host role"
  }
}

run "hosts_run_by_default" {
  command = plan

  assert {
    condition     = length(aws_ec2_instance_state.initial) == 0
    error_message = "Hosts are left running unless initial_state says stopped."
  }
}

run "pilot_light_hosts_are_created_then_stopped" {
  command = plan

  variables {
    initial_state = "stopped"
  }

  assert {
    condition     = length(aws_instance.this) == var.instance_count && length(aws_ec2_instance_state.initial) == var.instance_count
    error_message = "A pilot-light region has every host built, each with a stopped state."
  }
  assert {
    condition     = alltrue([for s in aws_ec2_instance_state.initial : s.state == "stopped"])
    error_message = "The pilot-light hosts are stopped after creation."
  }
}

run "unknown_initial_state_is_refused" {
  command = plan

  variables {
    initial_state = "hibernated"
  }

  expect_failures = [var.initial_state]
}
