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
