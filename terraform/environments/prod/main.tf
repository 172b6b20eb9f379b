# The prod environment: what makes it prod. The stack module's call (stack.tf), the account's
# inputs (variables.tf) and the outputs are the files every environment links from ../common; what
# belongs to the account (AMI, secrets, networks) comes from terraform.tfvars. prod-with-dr links
# this file too: its primary region is prod exactly.

locals {
  env = "prod"

  vpc_cidr = "10.50.0.0/16"
  # Subnet CIDRs by availability zone letter, so a change of region needs no edit here.
  subnet_cidrs = {
    a = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
    b = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
    c = { public_cidr = "10.50.2.0/24", private_cidr = "10.50.48.0/20" }
  }

  # Every protection on: termination protection, Multi-AZ database, deletion protection and final
  # snapshot, Object Lock on the audit bucket, a locked backup vault, 30-day deletion windows.
  protections = {
    termination_protection         = true
    protect                        = true
    multi_az                       = true
    object_lock                    = true
    backup_vault_lock              = true
    rds_instance_class             = "db.r6g.xlarge"
    shard_count                    = 10
    kms_deletion_window_in_days    = 30
    secret_recovery_window_in_days = 30
  }

  # Sizes unless terraform.tfvars gives its own (stack.tf; every attribute is written, so the two
  # have one type).
  default_sizes = {
    host_groups = {
      engine     = { instance_type = "c5n.18xlarge", instances = 2, threads_per_core = null, placement_group_name = null }
      feed       = { instance_type = "c5n.18xlarge", instances = 2, threads_per_core = null, placement_group_name = null }
      venue      = { instance_type = "c5n.18xlarge", instances = 1, threads_per_core = null, placement_group_name = null }
      monitoring = { instance_type = "c5n.2xlarge", instances = 1, threads_per_core = null, placement_group_name = null }
    }
    # Three m5.xlarge across the AZs, never fewer than two, up to ten under load.
    eks_node_groups = {
      general = {
        instance_types = ["m5.xlarge"], capacity_type = "ON_DEMAND", min_size = 2, desired_size = 3, max_size = 10
        disk_size      = 50, ami_type = "AL2023_x86_64_STANDARD", labels = {}
      }
    }
  }
}
