# prod with a pilot-light disaster-recovery region: the primary stack (prod exactly: this
# environment links prod's main.tf and the stack call every environment makes), a standby stack in
# dr_region that the primary replicates to, and the failover path between them. One configuration
# and one state, so the two regions are planned together and cannot drift.

locals {
  # The standby's VPC must not overlap the primary's (both reach the venues over the same Direct
  # Connect gateway).
  standby_subnets = {
    a = { public_cidr = "10.60.0.0/24", private_cidr = "10.60.16.0/20" }
    b = { public_cidr = "10.60.1.0/24", private_cidr = "10.60.32.0/20" }
    c = { public_cidr = "10.60.2.0/24", private_cidr = "10.60.48.0/20" }
  }

  # Pilot light: one task per service in the standby (autoscaling raises it), images from the
  # standby region's ECR replica (ecr.tf), so a primary-region outage does not stop image pulls.
  standby_ecs_services = { for name, s in var.ecs_services : name => merge(s, {
    image         = replace(s.image, ".dkr.ecr.${var.region}.", ".dkr.ecr.${var.dr_region}.")
    desired_count = 1
    min_count     = 1
  }) }

  # The narrow stack outputs (see modules/stack/outputs.tf): the three modules refer to one
  # another, which works only without a cycle through their object outputs.
  standby = module.standby.replica_targets
  dr_keys = module.standby.replica_targets.kms_key_arns

  # What the primary stack (module.stack, stack.tf) sends to the standby: the tick archive and audit
  # records (S3 replication under the standby's keys), the three tables (global-table replicas) and
  # every recovery point. Route 53's health checkers must reach its load balancer to judge it.
  standby_pairing = {
    replication = {
      buckets = {
        archive = { destination_bucket_arn = local.standby.archive_bucket_arn, destination_kms_key_arn = local.dr_keys["market_data"], replication_time_control = var.replication_time_control }
        audit   = { destination_bucket_arn = local.standby.audit_bucket_arn, destination_kms_key_arn = local.dr_keys["audit"], replication_time_control = var.replication_time_control }
      }
      dynamodb_replica_regions = { (var.dr_region) = local.dr_keys["trades"] }
      backup_copy_vault_arn    = local.standby.backup_vault_arn
    }
    ingress_prefix_lists = { route53_health_checks = var.route53_health_check_prefix_list_id }
    emulator_gaps        = { dynamodb_replicas = var.dr_emulator_gaps.dynamodb_replicas }
  }
}

# The primary was module.primary before the environments shared one stack call.
moved {
  from = module.primary
  to   = module.stack
}

module "standby" {
  source    = "../../modules/stack"
  providers = { aws = aws.dr }

  env                    = local.env
  termination_protection = true
  cluster                = var.cluster
  standby_of             = { name = module.stack.name, rds_source_arn = module.stack.rds_instance_arn }

  vpc_cidr   = "10.60.0.0/16"
  subnets    = { for letter, cidrs in local.standby_subnets : "${var.dr_region}${letter}" => cidrs }
  trading_az = "${var.dr_region}a"

  ami_id              = var.dr_ami_id
  verify_ami          = var.verify_ami
  host_groups         = coalesce(var.dr_host_groups, local.host_groups)
  host_secret_arns    = var.dr_host_secret_arns
  kms_key_admin_arns  = var.kms_key_admin_arns
  detailed_monitoring = var.detailed_monitoring

  market_data_source_cidrs = var.market_data_source_cidrs
  venue_cidrs              = var.venue_cidrs
  venue_tcp_ports          = var.venue_tcp_ports
  ops_cidrs                = var.ops_cidrs
  latency_probe_port       = var.latency_probe_port

  # A Direct Connect gateway is global: the standby's transit gateway joins the same one.
  direct_connect_gateway_id = var.direct_connect_gateway_id
  enable_vpn_backup         = var.enable_vpn_backup
  customer_gateway_ip       = var.customer_gateway_ip
  customer_gateway_bgp_asn  = var.customer_gateway_bgp_asn

  protect                        = true
  multi_az                       = true
  object_lock                    = true
  backup_vault_lock              = true
  rds_instance_class             = "db.r6g.xlarge"
  shard_count                    = var.dr_shard_count
  kms_deletion_window_in_days    = 30
  secret_recovery_window_in_days = 30

  persona_principal_arns = var.persona_principal_arns
  alert_email_addresses  = var.alert_email_addresses

  certificate_arn = var.dr_certificate_arn
  ecs_services    = local.standby_ecs_services
  eks_node_groups = var.dr_eks_node_groups
  enable_cicd     = false # the primary's pipeline deploys both regions (this configuration)

  failover_sync = {
    primary_region       = var.region
    primary_cluster_name = module.stack.eks.cluster_name
    primary_node_groups = { for key, g in local.eks_node_groups : key => {
      name           = module.stack.eks.node_group_names[key]
      instance_types = g.instance_types
      min_size       = g.min_size
      desired_size   = g.desired_size
      max_size       = g.max_size
    } }
    health_alarm_name   = module.failover.alarm_name
    health_alarm_region = module.failover.alarm_region
    auto_failback       = var.auto_failback
  }

  emulator_gaps = var.emulator_gaps
}

module "failover" {
  source    = "../../modules/failover"
  providers = { aws = aws.dr, aws.global = aws.global }

  name = module.stack.name
  env  = local.env

  zone_name            = var.zone_name
  record_name          = var.failover_record_name
  enable_dnssec        = !var.dr_emulator_gaps.dnssec
  enable_query_logging = !var.dr_emulator_gaps.query_logging

  primary_endpoint   = module.stack.alb
  secondary_endpoint = module.standby.alb
  health_check       = { path = var.failover_health_check_path }

  function_name         = module.standby.sync_function.name
  function_arn          = module.standby.sync_function.arn
  alert_email_addresses = var.alert_email_addresses
}
