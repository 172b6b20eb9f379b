# The one call of the stack module every environment makes (each links this file). What makes an
# environment itself comes from the locals of its main.tf (env, network, sizes, protections), the
# account's inputs from variables.tf, and what a standby region asks of this stack from
# local.standby_pairing (single_region.tf, or prod-with-dr's dr.tf).

locals {
  host_groups     = coalesce(var.host_groups, local.default_sizes.host_groups)
  eks_node_groups = coalesce(var.eks_node_groups, local.default_sizes.eks_node_groups)
}

module "stack" {
  source = "../../modules/stack"

  env                    = local.env
  termination_protection = local.protections.termination_protection
  cluster                = var.cluster

  vpc_cidr   = local.vpc_cidr
  subnets    = { for letter, cidrs in local.subnet_cidrs : "${var.region}${letter}" => cidrs }
  trading_az = "${var.region}a"

  ami_id              = var.ami_id
  verify_ami          = var.verify_ami
  host_groups         = local.host_groups
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

  protect                        = local.protections.protect
  multi_az                       = local.protections.multi_az
  object_lock                    = local.protections.object_lock
  backup_vault_lock              = local.protections.backup_vault_lock
  rds_instance_class             = local.protections.rds_instance_class
  shard_count                    = local.protections.shard_count
  kms_deletion_window_in_days    = local.protections.kms_deletion_window_in_days
  secret_recovery_window_in_days = local.protections.secret_recovery_window_in_days

  persona_principal_arns = var.persona_principal_arns
  alert_email_addresses  = var.alert_email_addresses

  # Application platform: ECS services behind the HTTPS load balancer (open to ops_cidrs, WAF
  # attached), the private EKS cluster, the order status API (Lambda on the orders table) and the
  # pipeline that plans and applies this environment from .ci/buildspecs.
  certificate_arn       = var.certificate_arn
  ecs_services          = var.ecs_services
  eks_node_groups       = local.eks_node_groups
  deployment_role_arn   = var.deployment_role_arn
  state_bucket_name     = "lowlat-terraform-state-${var.aws_account_id}" # see versions.tf
  state_lock_table_name = "lowlat-terraform-locks"

  replication          = local.standby_pairing.replication
  ingress_prefix_lists = local.standby_pairing.ingress_prefix_lists
  emulator_gaps        = merge(var.emulator_gaps, local.standby_pairing.emulator_gaps)
}
