# Every validation of the stack's own inputs, one run per validation block, and the edges they
# accept. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

# The dev example (environments/dev): two AZs, three small groups.
variables {
  persona_principal_arns = {
    trader             = ["arn:aws:iam::123456789012:role/trading-desk"]
    compliance_auditor = ["arn:aws:iam::123456789012:role/compliance"]
  }
  env      = "dev"
  vpc_cidr = "10.40.0.0/16"
  subnets = {
    "eu-west-2a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
    "eu-west-2b" = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
  }
  trading_az = "eu-west-2a"
  ami_id     = "ami-0123456789abcdef0"
  host_groups = {
    engine     = { instance_type = "c5n.xlarge", instances = 1 }
    feed       = { instance_type = "c5n.large", instances = 1 }
    monitoring = { instance_type = "c5n.large", instances = 1 }
  }
  host_secret_arns = {
    engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
    feed       = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/feed-GhIjKl"
    monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/monitoring-MnOpQr"
  }
  ops_cidrs = ["192.0.2.0/27"]
}

################################################################################
# Refused
################################################################################

run "env_with_a_dash_is_refused" {
  command = plan

  variables {
    env = "dev-1"
  }

  expect_failures = [var.env]
}

run "env_longer_than_16_characters_is_refused" {
  command = plan

  variables {
    env = "a2345678901234567"
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

run "vpc_cidr_that_is_not_a_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.40.0.0"
  }

  expect_failures = [var.vpc_cidr]
}

run "a_single_availability_zone_is_refused" {
  command = plan

  variables {
    subnets = {
      "eu-west-2a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
    }
  }

  expect_failures = [var.subnets]
}

# A subnets key that is no AZ name, so only the name check (not the membership check) fails.
run "trading_az_that_is_not_an_az_name_is_refused" {
  command = plan

  variables {
    subnets = {
      "london-a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
      "london-b" = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
    }
    trading_az = "london-a"
  }

  expect_failures = [var.trading_az]
}

run "trading_az_outside_subnets_is_refused" {
  command = plan

  variables {
    trading_az = "eu-west-2c"
  }

  expect_failures = [var.trading_az]
}

# A secret for the unknown role too, so only the role check (not the secrets check) fails.
run "host_group_of_an_unknown_role_is_refused" {
  command = plan

  variables {
    host_groups = {
      engine = { instance_type = "c5n.xlarge", instances = 1 }
      trader = { instance_type = "c5n.xlarge", instances = 1 }
    }
    host_secret_arns = {
      engine = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
      trader = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/trader-AbCdEf"
    }
  }

  expect_failures = [var.host_groups]
}

run "ami_id_that_is_not_an_ami_is_refused" {
  command = plan

  variables {
    ami_id = "latest"
  }

  expect_failures = [var.ami_id]
}

run "host_secret_that_is_not_a_secrets_manager_arn_is_refused" {
  command = plan

  variables {
    host_secret_arns = {
      engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
      feed       = "arn:aws:ssm:eu-west-2:123456789012:parameter/lowlat/dev/feed"
      monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/monitoring-MnOpQr"
    }
  }

  expect_failures = [var.host_secret_arns]
}

run "host_group_without_a_secret_is_refused" {
  command = plan

  variables {
    host_secret_arns = {
      engine = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
      feed   = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/feed-GhIjKl"
    }
  }

  expect_failures = [var.host_secret_arns]
}

run "emulator_gaps_null_is_refused" {
  command = plan

  variables {
    emulator_gaps = null
  }

  expect_failures = [var.emulator_gaps]
}

run "no_ecs_services_while_ecs_is_on_is_refused" {
  command = plan

  variables {
    ecs_services = {}
  }

  expect_failures = [var.ecs_services]
}

run "no_ops_cidrs_while_ecs_is_on_is_refused" {
  command = plan

  variables {
    ops_cidrs = []
  }

  expect_failures = [var.ops_cidrs]
}

run "no_eks_node_groups_while_eks_is_on_is_refused" {
  command = plan

  variables {
    eks_node_groups = {}
  }

  expect_failures = [var.eks_node_groups]
}

run "order_status_package_that_is_not_a_zip_is_refused" {
  command = plan

  variables {
    order_status_zip_path = "../../../lambda/order_status/handler.py"
  }

  expect_failures = [var.order_status_zip_path]
}

run "standby_of_named_by_its_env_alone_is_refused" {
  command = plan

  variables {
    standby_of = { name = "dev", rds_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-dev-trades" }
  }

  expect_failures = [var.standby_of]
}

# No DynamoDB replica regions, so only this check (not the data module's standby check) fails.
run "replication_from_a_standby_is_refused" {
  command = plan

  variables {
    standby_of = { name = "lowlat-dev", rds_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-dev-trades" }
    replication = {
      buckets = {
        archive = { destination_bucket_arn = "arn:aws:s3:::lowlat-dev-dr-tick-archive", destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/77777777-7777-7777-7777-777777777777" }
      }
      dynamodb_replica_regions = {}
      backup_copy_vault_arn    = "arn:aws:backup:eu-west-1:123456789012:backup-vault:lowlat-dev-dr-data"
    }
  }

  expect_failures = [var.replication]
}

run "failover_sync_group_with_desired_below_min_is_refused" {
  command = plan

  variables {
    standby_of = { name = "lowlat-dev", rds_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-dev-trades" }
    failover_sync = {
      primary_region       = "eu-west-2"
      primary_cluster_name = "lowlat-dev"
      primary_node_groups = {
        general = { name = "lowlat-dev-general", instance_types = ["m5.xlarge"], min_size = 3, desired_size = 2, max_size = 10 }
      }
      health_alarm_name   = "lowlat-dev-primary-health"
      health_alarm_region = "us-east-1"
      zip_path            = "../serverless/tests/fixtures/fixture.zip"
    }
  }

  expect_failures = [var.failover_sync]
}

run "failover_sync_on_a_primary_is_refused" {
  command = plan

  variables {
    failover_sync = {
      primary_region       = "eu-west-2"
      primary_cluster_name = "lowlat-dev"
      primary_node_groups = {
        general = { name = "lowlat-dev-general", instance_types = ["m5.xlarge"], min_size = 2, desired_size = 3, max_size = 10 }
      }
      health_alarm_name   = "lowlat-dev-primary-health"
      health_alarm_region = "us-east-1"
      zip_path            = "../serverless/tests/fixtures/fixture.zip"
    }
  }

  expect_failures = [var.failover_sync]
}

run "failover_sync_group_missing_from_eks_node_groups_is_refused" {
  command = plan

  variables {
    standby_of = { name = "lowlat-dev", rds_source_arn = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-dev-trades" }
    failover_sync = {
      primary_region       = "eu-west-2"
      primary_cluster_name = "lowlat-dev"
      primary_node_groups = {
        compute = { name = "lowlat-dev-compute", instance_types = ["c5.2xlarge"], min_size = 2, desired_size = 3, max_size = 10 }
      }
      health_alarm_name   = "lowlat-dev-primary-health"
      health_alarm_region = "us-east-1"
      zip_path            = "../serverless/tests/fixtures/fixture.zip"
    }
  }

  expect_failures = [var.failover_sync]
}

################################################################################
# Accepted edges
################################################################################

run "sixteen_character_env_is_accepted" {
  command = plan

  variables {
    env         = "a234567890123456"
    enable_cicd = false # the pipeline deploys terraform/environments/<env>, which must exist
  }

  assert {
    condition     = output.placement_groups["engine"] == "lowlat-a234567890123456-engine"
    error_message = "A 16-character env is accepted and names the stack lowlat-<env>."
  }
}

run "a_secret_for_a_role_without_hosts_is_ignored" {
  command = plan

  variables {
    host_secret_arns = {
      engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/engine-AbCdEf"
      feed       = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/feed-GhIjKl"
      monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/monitoring-MnOpQr"
      venue      = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/dev/venue-StUvWx"
    }
  }

  assert {
    condition     = toset(keys(module.hosts)) == toset(["engine", "feed", "monitoring"])
    error_message = "Only host_groups decides the roles: an extra secret creates no hosts."
  }
}

run "govcloud_az_names_are_accepted" {
  command = plan

  variables {
    subnets = {
      "us-gov-west-1a" = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
      "us-gov-west-1b" = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
    }
    trading_az = "us-gov-west-1b"
  }

  assert {
    condition     = toset(keys(output.private_subnet_ids)) == toset(["us-gov-west-1a", "us-gov-west-1b"])
    error_message = "AZ names of the -gov partition are accepted for subnets and trading_az."
  }
}
