# The prod environment: one call of the stack module. What makes it prod is written here;
# what belongs to the account (AMI, secrets, networks) comes from terraform.tfvars.

locals {
  env = "prod"

  # Subnet CIDRs by availability zone letter, so a change of region needs no edit here.
  subnet_cidrs = {
    a = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
    b = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
    c = { public_cidr = "10.50.2.0/24", private_cidr = "10.50.48.0/20" }
  }
}

module "stack" {
  source = "../../modules/stack"

  env                    = local.env
  termination_protection = true
  cluster                = var.cluster

  vpc_cidr   = "10.50.0.0/16"
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

  direct_connect_gateway_id = var.direct_connect_gateway_id
  enable_vpn_backup         = var.enable_vpn_backup
  customer_gateway_ip       = var.customer_gateway_ip
  customer_gateway_bgp_asn  = var.customer_gateway_bgp_asn

  # Platform services with every protection on: Multi-AZ database, deletion protection and final
  # snapshot, Object Lock on the audit bucket, a locked backup vault, 30-day deletion windows.
  protect                        = true
  multi_az                       = true
  object_lock                    = true
  backup_vault_lock              = true
  rds_instance_class             = "db.r6g.xlarge"
  shard_count                    = 10
  kms_deletion_window_in_days    = 30
  secret_recovery_window_in_days = 30

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
