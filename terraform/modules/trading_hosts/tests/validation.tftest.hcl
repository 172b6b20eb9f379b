# Every validation of variables.tf: one run per validation with a value it must refuse (two where a
# condition has two sides), and a passing run with the accepted edge values. Offline: every AWS
# answer comes from the mock.

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
# Accepted edges
################################################################################

run "edge_values_are_accepted" {
  command = plan

  variables {
    name                    = "abc"
    env                     = "p1"
    cluster                 = "a"
    instance_type           = "c5n.large"
    instance_count          = 32
    root_volume_size        = 16384
    root_volume_iops        = 16000
    root_volume_throughput  = 1000
    host_secret_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    kms_key_admin_arns      = ["arn:aws:iam::123456789012:role/kms-admin", "arn:aws:iam::123456789012:user/ops"]
    capacity_reservation_id = "cr-0123456789abcdef0"
    metrics_namespace       = "Lowlat/Engine #1:a.b_c-d"
    alert_topic = {
      arn         = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
    }
    placement_group_name = "ldn1_engines.v2"
    threads_per_core     = 2
  }

  assert {
    condition     = length(aws_instance.this) == 32 && aws_instance.this[0].instance_type == "c5n.large"
    error_message = "32 c5n.large hosts are accepted."
  }
  assert {
    condition     = aws_instance.this[0].root_block_device[0].volume_size == 16384 && aws_instance.this[0].root_block_device[0].iops == 16000 && aws_instance.this[0].root_block_device[0].throughput == 1000
    error_message = "The gp3 upper limits reach the root volume."
  }
  assert {
    condition     = length(aws_placement_group.this) == 0 && aws_instance.this[0].placement_group == "ldn1_engines.v2"
    error_message = "An existing placement group name is used instead of creating one."
  }
}

################################################################################
# Refused
################################################################################

run "name_with_upper_case_is_refused" {
  command = plan

  variables {
    name = "Lowlat-test"
  }

  expect_failures = [var.name]
}

run "role_outside_the_four_tiers_is_refused" {
  command = plan

  variables {
    role = "database"
  }

  expect_failures = [var.role]
}

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "pre-prod"
  }

  expect_failures = [var.env]
}

run "cluster_starting_with_a_digit_is_refused" {
  command = plan

  variables {
    cluster = "1ldn"
  }

  expect_failures = [var.cluster]
}

run "instance_type_outside_c5n_is_refused" {
  command = plan

  variables {
    instance_type = "c6in.8xlarge"
  }

  expect_failures = [var.instance_type]
}

run "zero_instances_are_refused" {
  command = plan

  variables {
    instance_count = 0
  }

  expect_failures = [var.instance_count]
}

run "fractional_instance_count_is_refused" {
  command = plan

  variables {
    instance_count = 1.5
  }

  expect_failures = [var.instance_count]
}

run "thirty_three_instances_are_refused" {
  command = plan

  variables {
    instance_count = 33
  }

  expect_failures = [var.instance_count]
}

run "subnet_id_of_another_resource_is_refused" {
  command = plan

  variables {
    subnet_id = "vpc-0123456789abcdef0"
  }

  expect_failures = [var.subnet_id]
}

run "no_security_group_is_refused" {
  command = plan

  variables {
    security_group_ids = []
  }

  expect_failures = [var.security_group_ids]
}

run "security_group_name_instead_of_id_is_refused" {
  command = plan

  variables {
    security_group_ids = ["engine"]
  }

  expect_failures = [var.security_group_ids]
}

run "ami_name_instead_of_id_is_refused" {
  command = plan

  variables {
    ami_id = "ubuntu-22.04"
  }

  expect_failures = [var.ami_id]
}

run "empty_ami_owners_are_refused" {
  command = plan

  variables {
    ami_owners = []
  }

  expect_failures = [var.ami_owners]
}

run "root_volume_under_20_gib_is_refused" {
  command = plan

  variables {
    root_volume_size = 19
  }

  expect_failures = [var.root_volume_size]
}

run "root_volume_iops_under_gp3_baseline_is_refused" {
  command = plan

  variables {
    root_volume_iops = 2999
  }

  expect_failures = [var.root_volume_iops]
}

run "root_volume_throughput_over_gp3_maximum_is_refused" {
  command = plan

  variables {
    root_volume_throughput = 1001
  }

  expect_failures = [var.root_volume_throughput]
}

run "wildcard_host_secret_arn_is_refused" {
  command = plan

  variables {
    host_secret_arn = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/*"
  }

  expect_failures = [var.host_secret_arn]
}

run "kms_alias_for_the_secret_key_is_refused" {
  command = plan

  variables {
    host_secret_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat"
  }

  expect_failures = [var.host_secret_kms_key_arn]
}

run "iam_group_as_key_admin_is_refused" {
  command = plan

  variables {
    kms_key_admin_arns = ["arn:aws:iam::123456789012:group/admins"]
  }

  expect_failures = [var.kms_key_admin_arns]
}

run "capacity_reservation_of_another_kind_is_refused" {
  command = plan

  variables {
    capacity_reservation_id = "cr0123456789abcdef0"
  }

  expect_failures = [var.capacity_reservation_id]
}

run "placement_group_name_with_a_space_is_refused" {
  command = plan

  variables {
    placement_group_name = "ldn1 engines"
  }

  expect_failures = [var.placement_group_name]
}

run "three_threads_per_core_are_refused" {
  command = plan

  variables {
    threads_per_core = 3
  }

  expect_failures = [var.threads_per_core]
}

run "metrics_namespace_of_aws_is_refused" {
  command = plan

  variables {
    metrics_namespace = "AWS/EC2"
  }

  expect_failures = [var.metrics_namespace]
}

run "alert_topic_of_sqs_is_refused" {
  command = plan

  variables {
    alert_topic = { arn = "arn:aws:sqs:eu-west-2:123456789012:lowlat-test-alerts" }
  }

  expect_failures = [var.alert_topic]
}

run "alert_topic_key_alias_is_refused" {
  command = plan

  variables {
    alert_topic = {
      arn         = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:alias/lowlat"
    }
  }

  expect_failures = [var.alert_topic]
}
