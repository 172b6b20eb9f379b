# The application platform around the trading hosts: ECS Fargate services behind an HTTPS ALB
# (ecs_service), a private EKS cluster (eks_cluster), VPC Lambda functions behind a private REST
# API (serverless) and the delivery pipeline of this repository (cicd). Each is on by default and
# can be left out by its enable_* switch; each takes what it needs from the network, security,
# events and data modules by input, never by a look-up.

locals {
  # What prod protects (the data module's rule): the load balancer's deletion protection follows it.
  protect = coalesce(var.protect, var.env == "prod")

  # The order status lookup reads the orders table (data module), encrypted with the trades key.
  order_status_zip_path = coalesce(var.order_status_zip_path, "${path.module}/../../build/lambda/order_status.zip")
}

module "ecs_service" {
  source = "../ecs_service"
  count  = var.enable_ecs_service ? 1 : 0

  name = local.name
  env  = var.env

  vpc_id             = module.network.vpc_id
  public_subnet_ids  = values(module.network.public_subnet_ids)
  private_subnet_ids = values(module.network.private_subnet_ids)
  ingress_cidrs      = var.ops_cidrs

  logs_kms_key_arn    = module.security.kms_key_arns["logs"]
  secrets_kms_key_arn = module.security.kms_key_arns["secrets"]

  certificate_arn         = var.certificate_arn
  alb_deletion_protection = local.protect
  alb_access_logs_bucket  = var.alb_access_logs_bucket

  ingress_prefix_lists = var.ingress_prefix_lists

  services           = var.ecs_services
  enable_autoscaling = !var.emulator_gaps.ecs_autoscaling
}

module "eks_cluster" {
  source = "../eks_cluster"
  count  = var.enable_eks_cluster ? 1 : 0

  name = local.name
  env  = var.env

  vpc_id             = module.network.vpc_id
  private_subnet_ids = values(module.network.private_subnet_ids)
  api_ingress_cidrs  = var.ops_cidrs

  secrets_kms_key_arn = module.security.kms_key_arns["secrets"]
  logs_kms_key_arn    = module.security.kms_key_arns["logs"]

  node_groups   = var.eks_node_groups
  enable_addons = !var.emulator_gaps.eks_addons
}

module "serverless" {
  source = "../serverless"
  count  = var.enable_serverless ? 1 : 0

  name = local.name
  env  = var.env

  functions = merge({
    order_status = {
      zip_path    = local.order_status_zip_path # tools/build_lambdas.py
      handler     = "handler.handler"
      environment = { ORDERS_TABLE = module.data.dynamodb_table_names["orders"] }
      table_arns  = [module.data.dynamodb_table_arns["orders"]]
    }
  }, local.failover_functions) # disaster_recovery.tf
  routes = { "GET /orders/{order_id}" = "order_status" }

  vpc_id               = module.network.vpc_id
  vpc_cidr_block       = module.network.vpc_cidr_block
  private_subnet_ids   = values(module.network.private_subnet_ids)
  egress_prefix_lists  = { dynamodb = module.network.gateway_endpoint_prefix_list_ids["dynamodb"] }
  egress_https_cidrs   = local.failover_egress_cidrs
  api_vpc_endpoint_ids = [module.network.vpc_endpoint_ids["execute_api"]]

  lambda_kms_key_arn = module.security.kms_key_arns["orders"]
  logs_kms_key_arn   = module.security.kms_key_arns["logs"]
  orders_kms_key_arn = module.security.kms_key_arns["orders"]
  table_kms_key_arns = [module.security.kms_key_arns["trades"]]

  enable_api_resource_policy    = !var.emulator_gaps.api_resource_policy
  enable_api_client_certificate = !var.emulator_gaps.api_client_certificate
}

module "cicd" {
  source = "../cicd"
  count  = var.enable_cicd ? 1 : 0

  name = local.name
  env  = var.env

  # Saved plans can hold secret values: the artifacts are under the secrets key.
  kms_key_arn      = module.security.kms_key_arns["secrets"]
  logs_kms_key_arn = module.security.kms_key_arns["logs"]

  terraform_environment = var.env
  deployment_role_arn   = var.deployment_role_arn
  state_bucket_name     = var.state_bucket_name
  state_lock_table_name = var.state_lock_table_name

  approval_sns_topic_arn   = module.events.notification_topic_arn
  approval_sns_kms_key_arn = module.security.kms_key_arns["orders"]

  enable_repository     = !var.emulator_gaps.codecommit_repository
  enable_build_projects = !var.emulator_gaps.codebuild_projects
}
