# The dev environment: one call of the stack module. What makes it dev is written here;
# what belongs to the account (AMI, secrets, networks) comes from terraform.tfvars.

locals {
  env = "dev"

  # Subnet CIDRs by availability zone letter, so a change of region needs no edit here.
  subnet_cidrs = {
    a = { public_cidr = "10.40.0.0/24", private_cidr = "10.40.16.0/20" }
    b = { public_cidr = "10.40.1.0/24", private_cidr = "10.40.32.0/20" }
  }
}

module "stack" {
  source = "../../modules/stack"

  env                    = local.env
  termination_protection = false # dev hosts are disposable
  cluster                = var.cluster

  vpc_cidr   = "10.40.0.0/16"
  subnets    = { for letter, cidrs in local.subnet_cidrs : "${var.region}${letter}" => cidrs }
  trading_az = "${var.region}a"

  ami_id              = var.ami_id
  verify_ami          = var.verify_ami
  host_groups         = var.host_groups
  host_secret_arns    = var.host_secret_arns
  kms_key_admin_arns  = var.kms_key_admin_arns
  detailed_monitoring = var.detailed_monitoring

  market_data_source_cidrs = var.market_data_source_cidrs
  venue_cidrs              = var.venue_cidrs
  venue_tcp_ports          = var.venue_tcp_ports
  ops_cidrs                = var.ops_cidrs
  latency_probe_port       = var.latency_probe_port

  # dev has no Direct Connect and no VPN: it reaches venue test systems over the NAT gateways.

  # Platform services, small and cheap: single-AZ database, no Object Lock or vault lock, stores
  # that destroy cleanly, short key and secret deletion windows.
  protect                        = false
  multi_az                       = false
  object_lock                    = false
  backup_vault_lock              = false
  rds_instance_class             = "db.t4g.medium"
  shard_count                    = 2
  kms_deletion_window_in_days    = 7
  secret_recovery_window_in_days = 7

  persona_principal_arns = var.persona_principal_arns
  alert_email_addresses  = var.alert_email_addresses

  # Application platform: ECS services behind the HTTPS load balancer (open to ops_cidrs, WAF
  # attached), the private EKS cluster, the order status API (Lambda on the orders table) and the
  # pipeline that plans and applies this environment from .ci/buildspecs.
  certificate_arn       = var.certificate_arn
  ecs_services          = var.ecs_services
  eks_node_groups       = var.eks_node_groups
  deployment_role_arn   = var.deployment_role_arn
  state_bucket_name     = "lowlat-terraform-state-${var.aws_account_id}" # see versions.tf
  state_lock_table_name = "lowlat-terraform-locks"

  emulator_gaps = var.emulator_gaps
}
