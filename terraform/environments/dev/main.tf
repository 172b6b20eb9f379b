# The dev environment: what makes it dev. The stack module's call (stack.tf), the account's inputs
# (variables.tf) and the outputs are the files every environment links from ../common; what belongs
# to the account (AMI, secrets, networks) comes from terraform.tfvars.

locals {
  env = "dev"

  vpc_cidr = "10.40.0.0/16"
  # Subnet CIDRs by availability zone letter, so a change of region needs no edit here.
  subnet_cidrs = {
    a = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
    b = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
  }

  # Small and cheap: disposable hosts, single-AZ database, no Object Lock or vault lock, stores that
  # destroy cleanly, short key and secret deletion windows. dev has no Direct Connect and no VPN:
  # it reaches venue test systems over the NAT gateways.
  protections = {
    termination_protection         = false
    protect                        = false
    multi_az                       = false
    object_lock                    = false
    backup_vault_lock              = false
    rds_instance_class             = "db.t4g.medium"
    shard_count                    = 2
    kms_deletion_window_in_days    = 7
    secret_recovery_window_in_days = 7
  }

  # Sizes unless terraform.tfvars gives its own (stack.tf; every attribute is written, so the two
  # have one type).
  default_sizes = {
    host_groups = {
      engine     = { instance_type = "c5n.xlarge", instances = 1, threads_per_core = null, placement_group_name = null }
      feed       = { instance_type = "c5n.large", instances = 1, threads_per_core = null, placement_group_name = null }
      monitoring = { instance_type = "c5n.large", instances = 1, threads_per_core = null, placement_group_name = null }
    }
    # One small on-demand node, at most two.
    eks_node_groups = {
      general = {
        instance_types = ["t3.medium"], capacity_type = "ON_DEMAND", min_size = 1, desired_size = 1, max_size = 2
        disk_size      = 50, ami_type = "AL2023_x86_64_STANDARD", labels = {}
      }
    }
  }
}
