# The application platform (compute.tf): ecs_service, eks_cluster, serverless and cicd, each on by
# default and left out by its enable_* switch, wired to the network, security, events and data
# modules, with the emulator_gaps reaching every module. Offline: every AWS answer comes from the
# mock; the network is replaced by outputs with distinct IDs (the mock gives every subnet the same
# one, which the load balancer, EKS and the functions rightly refuse).

mock_provider "aws" {
  source = "./tests/mocks"
}

override_module {
  target          = module.network
  override_during = plan
  outputs = {
    vpc_id         = "vpc-0123456789abcdef0"
    vpc_cidr_block = "10.50.0.0/16"
    public_subnet_ids = {
      "eu-west-2a" = "subnet-000000000000000a1"
      "eu-west-2b" = "subnet-000000000000000b1"
      "eu-west-2c" = "subnet-000000000000000c1"
    }
    private_subnet_ids = {
      "eu-west-2a" = "subnet-000000000000000a2"
      "eu-west-2b" = "subnet-000000000000000b2"
      "eu-west-2c" = "subnet-000000000000000c2"
    }
    private_route_table_ids = {
      "eu-west-2a" = "rtb-000000000000000a2"
      "eu-west-2b" = "rtb-000000000000000b2"
      "eu-west-2c" = "rtb-000000000000000c2"
    }
    security_group_ids = {
      engine      = "sg-00000000000000e01"
      market_data = "sg-00000000000000fd1"
      monitoring  = "sg-00000000000000a01"
    }
    vpc_endpoint_ids = {
      s3              = "vpce-000000000000000s3"
      dynamodb        = "vpce-0000000000000ddb0"
      kinesis_streams = "vpce-0000000000000ks00"
      execute_api     = "vpce-0000000000000ea00"
    }
    gateway_endpoint_prefix_list_ids = { s3 = "pl-00000000000000053", dynamodb = "pl-000000000000000db" }
  }
}

run "the_four_modules_are_on_by_default_and_named_after_the_environment" {
  command = plan

  assert {
    condition     = length(module.ecs_service) == 1 && length(module.eks_cluster) == 1 && length(module.serverless) == 1 && length(module.cicd) == 1
    error_message = "ecs_service, eks_cluster, serverless and cicd are each composed once by default."
  }
  assert {
    condition     = module.ecs_service[0].cluster_name == "lowlat-prod-apps" && output.compute.ecs_cluster_name == "lowlat-prod-apps"
    error_message = "The ECS cluster is lowlat-<env>-apps and the compute output names it."
  }
  assert {
    condition     = toset(keys(module.ecs_service[0].service_names)) == toset(keys(var.ecs_services))
    error_message = "Every entry of ecs_services becomes one ECS service behind the load balancer."
  }
  assert {
    condition     = toset(keys(module.eks_cluster[0].node_group_names)) == toset(["general"]) && output.compute.eks_node_group_names == module.eks_cluster[0].node_group_names
    error_message = "eks_node_groups reaches the EKS cluster: one managed node group per entry."
  }
  assert {
    condition     = module.serverless[0].api_routes == { "GET /orders/{order_id}" = module.serverless[0].function_names["order_status"] }
    error_message = "The private API routes GET /orders/{order_id} to the order status function."
  }
  assert {
    condition     = output.compute.lambda_function_names == module.serverless[0].function_names
    error_message = "The compute output names the functions."
  }
}

run "the_functions_read_the_orders_table_through_the_gateway_endpoint" {
  command = plan

  # The serverless module refuses prefix lists that are not pl-... and endpoints that are not
  # vpce-...: handing it anything but the network's DynamoDB prefix list and execute-api endpoint
  # fails the plan.
  override_module {
    target          = module.network
    override_during = plan
    outputs = {
      vpc_id         = "vpc-0123456789abcdef0"
      vpc_cidr_block = "10.50.0.0/16"
      public_subnet_ids = {
        "eu-west-2a" = "subnet-000000000000000a1"
        "eu-west-2b" = "subnet-000000000000000b1"
      }
      private_subnet_ids = {
        "eu-west-2a" = "subnet-000000000000000a2"
        "eu-west-2b" = "subnet-000000000000000b2"
      }
      private_route_table_ids = {
        "eu-west-2a" = "rtb-000000000000000a2"
        "eu-west-2b" = "rtb-000000000000000b2"
      }
      security_group_ids = {
        engine      = "sg-00000000000000e01"
        market_data = "sg-00000000000000fd1"
        monitoring  = "sg-00000000000000a01"
      }
      vpc_endpoint_ids = {
        s3              = "not-the-execute-api-endpoint"
        dynamodb        = "not-the-execute-api-endpoint"
        kinesis_streams = "not-the-execute-api-endpoint"
        execute_api     = "vpce-0000000000000ea00"
      }
      gateway_endpoint_prefix_list_ids = { s3 = "not-the-dynamodb-prefix-list", dynamodb = "pl-000000000000000db" }
    }
  }

  variables {
    subnets = {
      "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
      "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
    }
  }

  assert {
    condition     = length(module.serverless) == 1
    error_message = "The order status function and its API plan with the network's DynamoDB prefix list and execute-api endpoint."
  }
}

run "each_switch_leaves_its_module_out_and_its_inputs_unneeded" {
  command = plan

  variables {
    enable_ecs_service  = false
    enable_eks_cluster  = false
    enable_serverless   = false
    enable_cicd         = false
    certificate_arn     = null
    ecs_services        = {}
    eks_node_groups     = {}
    deployment_role_arn = null
    state_bucket_name   = null
  }

  assert {
    condition     = length(module.ecs_service) + length(module.eks_cluster) + length(module.serverless) + length(module.cicd) == 0
    error_message = "enable_ecs_service, enable_eks_cluster, enable_serverless and enable_cicd = false leave their modules out."
  }
  assert {
    condition = (
      output.compute.alb_arn == null && output.compute.ecs_cluster_name == null && output.compute.eks_cluster_name == null &&
      output.compute.api_invoke_url == null && output.compute.pipeline_name == null && output.compute.ecs_service_names == {}
    )
    error_message = "With its module left out, each entry of the compute output is null (or empty)."
  }
}

run "the_load_balancer_gets_the_waf_and_the_outputs_after_apply" {
  command = apply

  variables {
    emulator_gaps = {
      cloudtrail             = true
      ecs_autoscaling        = true
      eks_addons             = true
      api_resource_policy    = true
      api_client_certificate = true
      codecommit_repository  = true
      codebuild_projects     = true
    }
  }

  # security refuses an alb_arn that is not a load balancer ARN, so the association is handed
  # the ecs_service module's load balancer (mocked with an ALB ARN).
  assert {
    condition     = output.compute.alb_arn == module.ecs_service[0].alb_arn && output.compute.alb_dns_name == module.ecs_service[0].alb_dns_name
    error_message = "The compute output names the ecs_service load balancer the WAF is associated with."
  }
  assert {
    condition = (
      output.compute.eks_cluster_name == module.eks_cluster[0].cluster_name &&
      output.compute.eks_cluster_endpoint == module.eks_cluster[0].cluster_endpoint &&
      output.compute.eks_oidc_provider_arn == module.eks_cluster[0].oidc_provider_arn &&
      output.compute.api_invoke_url == module.serverless[0].api_invoke_url &&
      output.compute.pipeline_name == module.cicd[0].pipeline_name
    )
    error_message = "The compute output names the EKS cluster, its endpoint and OIDC provider, the API's invoke URL and the pipeline."
  }
  assert {
    condition     = output.compute.repository_clone_url == null && output.compute.codebuild_project_names == {}
    error_message = "emulator_gaps codecommit_repository and codebuild_projects reach cicd: no repository, no build projects."
  }
  assert {
    condition     = module.security.cloudtrail_arn == null
    error_message = "emulator_gaps.cloudtrail reaches security: no trail."
  }
  assert {
    condition     = output.platform.web_acl_arn == module.security.web_acl_arn
    error_message = "The platform output still names the WAF."
  }
}
