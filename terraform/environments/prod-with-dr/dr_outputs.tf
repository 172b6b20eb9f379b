# What the DR environment adds to prod's outputs (outputs.tf: the primary stack, as for prod).

output "standby_stack" {
  description = "The pilot-light standby stack in dr_region: everything modules/stack exposes."
  value       = module.standby
}

output "failover" {
  description = "The failover path: zone and name servers, the record clients resolve, health check, alarm and topic."
  value       = module.failover
}

locals {
  dr_primary = module.stack.disaster_recovery
  dr_standby = module.standby.disaster_recovery
}

output "dr" {
  description = "What the DR drill (tools/dr_drill.py) and the runbooks need: regions, health check and alarm, the failover pair, the sync-cluster-sizes function, both clusters and node groups, the standby hosts, and what is replicated."
  value = {
    primary_region = var.region
    dr_region      = var.dr_region
    health = {
      check_id     = module.failover.health_check_id
      alarm_name   = module.failover.alarm_name
      alarm_region = module.failover.alarm_region
    }
    dns      = module.failover.dns
    function = { name = local.dr_standby.sync_function_name, region = var.dr_region }
    clusters = { primary = module.stack.compute.eks_cluster_name, dr = local.dr_standby.eks_cluster_name }
    node_groups = { for key, g in local.eks_node_groups : key => {
      primary  = module.stack.compute.eks_node_group_names[key]
      dr       = local.dr_standby.eks_node_groups[key]
      pilot    = { min_size = var.dr_eks_node_groups[key].min_size, desired_size = var.dr_eks_node_groups[key].desired_size, max_size = var.dr_eks_node_groups[key].max_size }
      recorded = { instance_types = g.instance_types, min_size = g.min_size, desired_size = g.desired_size, max_size = g.max_size }
    } }
    dr_host_ids = local.dr_standby.host_ids
    replicas = {
      rds             = { source_arn = local.dr_primary.rds_instance_arn, replica_identifier = local.dr_standby.rds_instance_id }
      dynamodb_tables = var.dr_emulator_gaps.dynamodb_replicas ? [] : values(local.dr_primary.dynamodb_tables)
      s3 = [
        { source_bucket = local.dr_primary.archive_bucket_name, destination_bucket = local.dr_standby.archive_bucket_name },
        { source_bucket = local.dr_primary.audit_bucket_name, destination_bucket = local.dr_standby.audit_bucket_name },
      ]
      backup = { plan_id = local.dr_primary.backup_plan_id, copy_vault_arn = local.dr_standby.backup_vault_arn }
    }
  }
}
