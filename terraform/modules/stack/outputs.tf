output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnet IDs keyed by availability zone."
  value       = module.network.private_subnet_ids
}

output "security_group_ids" {
  description = "Security group IDs of the host tiers."
  value       = module.network.security_group_ids
}

output "nat_gateway_public_ips" {
  description = "NAT gateway Elastic IPs (give them to venues for allow-listing)."
  value       = module.network.nat_gateway_public_ips
}

output "hosts" {
  description = "Per role: host name => instance ID and private IP."
  value       = { for role, m in module.hosts : role => m.hosts }
}

output "placement_groups" {
  description = "Cluster placement group per role."
  value       = { for role, m in module.hosts : role => m.placement_group_name }
}

output "transit_gateway_id" {
  description = "ID of the transit gateway."
  value       = module.connectivity.transit_gateway_id
}

output "vpn_tunnel_outside_addresses" {
  description = "AWS-side tunnel addresses of the backup VPN (empty when it is off)."
  value       = module.connectivity.vpn_tunnel_outside_addresses
}

output "lowlat_tags" {
  description = "Per role: the lowlat:* tags its hosts carry (what the Ansible inventory groups on)."
  value       = { for role, m in module.hosts : role => m.lowlat_tags }
}

output "platform" {
  description = "What an operator and the Ansible side need of the platform services: stream, bus, queues, topics, stores, secret ARNs (never values), keys, dashboard and persona roles."
  value = {
    market_data_stream_name = module.events.stream_name
    market_data_stream_arn  = module.events.stream_arn
    archive_firehose_name   = module.events.firehose_name
    order_bus_name          = module.events.bus_name
    order_bus_arn           = module.events.bus_arn
    order_queue_urls        = module.events.queue_urls
    dead_letter_queue_urls  = module.events.dlq_urls
    alert_topic_arn         = module.events.alert_topic_arn
    notification_topic_arn  = module.events.notification_topic_arn
    rds_endpoint            = module.data.rds_endpoint
    rds_port                = module.data.rds_port
    rds_master_secret_arn   = module.data.rds_master_secret_arn
    dynamodb_table_names    = module.data.dynamodb_table_names
    archive_bucket_name     = module.data.archive_bucket_name
    audit_bucket_name       = module.data.audit_bucket_name
    efs_file_system_id      = module.data.efs_file_system_id
    efs_access_point_id     = module.data.efs_access_point_id
    backup_vault_name       = module.data.backup_vault_name
    secret_arns             = module.security.secret_arns
    kms_key_arns            = module.security.kms_key_arns
    web_acl_arn             = module.security.web_acl_arn
    cloudtrail_arn          = module.security.cloudtrail_arn
    persona_role_arns       = module.security.persona_role_arns
    dashboard_name          = module.observability.dashboard_name
    alarm_names             = module.observability.alarm_names
    engine_metrics          = module.observability.engine_metrics
  }
}

output "compute" {
  description = "The application platform: load balancer, ECS cluster and services, EKS cluster, the private order API, the pipeline and its repository (null or empty where its enable_* switch is off)."
  value = {
    alb_arn                 = one(module.ecs_service[*].alb_arn)
    alb_dns_name            = one(module.ecs_service[*].alb_dns_name)
    alb_zone_id             = one(module.ecs_service[*].alb_zone_id)
    ecs_cluster_name        = one(module.ecs_service[*].cluster_name)
    ecs_service_names       = try(module.ecs_service[0].service_names, {})
    eks_cluster_name        = one(module.eks_cluster[*].cluster_name)
    eks_cluster_endpoint    = one(module.eks_cluster[*].cluster_endpoint)
    eks_oidc_provider_arn   = one(module.eks_cluster[*].oidc_provider_arn)
    eks_node_group_names    = try(module.eks_cluster[0].node_group_names, {})
    lambda_function_names   = try(module.serverless[0].function_names, {})
    api_id                  = one(module.serverless[*].api_id)
    api_invoke_url          = one(module.serverless[*].api_invoke_url)
    pipeline_name           = one(module.cicd[*].pipeline_name)
    repository_clone_url    = one(module.cicd[*].repository_clone_url_http)
    artifact_bucket_name    = one(module.cicd[*].artifact_bucket_name)
    codebuild_project_names = try(module.cicd[0].codebuild_project_names, {})
  }
}

output "disaster_recovery" {
  description = "What the other side of a disaster-recovery pair and the DR drill need: the stack's name and site, the database ARN, the buckets, keys and vault replicas land in, the EKS cluster and node groups, the hosts, and the sync-cluster-sizes function (null in a primary)."
  value = {
    name                = local.name
    site                = local.site_tags["lowlat:site"]
    region              = local.region
    rds_instance_arn    = module.data.rds_instance_arn
    rds_instance_id     = module.data.rds_instance_id
    archive_bucket_arn  = module.data.archive_bucket_arn
    audit_bucket_arn    = module.data.audit_bucket_arn
    archive_bucket_name = module.data.archive_bucket_name
    audit_bucket_name   = module.data.audit_bucket_name
    backup_vault_arn    = module.data.backup_vault_arn
    backup_plan_id      = module.data.backup_plan_id
    kms_key_arns        = module.security.kms_key_arns
    dynamodb_tables     = module.data.dynamodb_table_names
    eks_cluster_name    = local.dr_cluster_name
    eks_node_groups     = local.dr_node_groups
    host_ids            = local.host_ids
    alert_topic_arn     = module.events.alert_topic_arn
    sync_function_name  = try(module.serverless[0].function_names["sync_cluster_sizes"], null)
    sync_function_arn   = try(module.serverless[0].function_arns["sync_cluster_sizes"], null)
  }
}

# Narrow outputs for wiring a disaster-recovery pair: each depends on what it names only, so the
# primary, the standby and the failover path can reference one another without a cycle (an
# object output such as platform or compute depends on everything in it).

output "name" {
  description = "The stack's name prefix (lowlat-<env>, with -dr in a standby)."
  value       = local.name
}

output "rds_instance_arn" {
  description = "ARN of the trades database (a standby's read replica names its source by it)."
  value       = module.data.rds_instance_arn
}

output "replica_targets" {
  description = "Where a primary's copies land in this (standby) stack: the archive and audit bucket ARNs, the backup vault ARN and the data-class KMS key ARNs."
  value = {
    archive_bucket_arn = module.data.archive_bucket_arn
    audit_bucket_arn   = module.data.audit_bucket_arn
    backup_vault_arn   = module.data.backup_vault_arn
    kms_key_arns       = module.security.kms_key_arns
  }
}

output "alb" {
  description = "The load balancer's DNS name and canonical hosted zone ID (alias target of a failover record); nulls without ecs_service."
  value = {
    dns_name = one(module.ecs_service[*].alb_dns_name)
    zone_id  = one(module.ecs_service[*].alb_zone_id)
  }
}

output "eks" {
  description = "The EKS cluster's name and its node group names by key (null and {} without eks_cluster)."
  value = {
    cluster_name     = local.dr_cluster_name
    node_group_names = local.dr_node_groups
  }
}

output "sync_function" {
  description = "The sync-cluster-sizes function's name and ARN (nulls unless failover_sync is set)."
  value = {
    name = try(module.serverless[0].function_names["sync_cluster_sizes"], null)
    arn  = try(module.serverless[0].function_arns["sync_cluster_sizes"], null)
  }
}
