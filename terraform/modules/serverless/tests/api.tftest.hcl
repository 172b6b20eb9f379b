# The REST API: private (execute-api endpoints of the VPC only) with a resource policy, the
# resource tree and one IAM-authorised, parameter-validated method per route, Lambda proxy
# integrations, invoke permissions scoped to each route on the stage, the stage with X-Ray and
# JSON access logs to a KMS-encrypted group, stage-wide execution logging, metrics and
# throttling, and the account's CloudWatch role (on by default, off on request).
# Offline: every AWS answer comes from the mock (tests/mocks).

mock_provider "aws" {
  source = "./tests/mocks"
}

run "api_is_private_and_callable_only_from_the_vpc" {
  command = apply

  assert {
    condition = (
      aws_api_gateway_rest_api.this.name == "lowlat-test-api" &&
      aws_api_gateway_rest_api.this.endpoint_configuration[0].types == tolist(["PRIVATE"]) &&
      length(aws_api_gateway_rest_api.this.endpoint_configuration[0].vpc_endpoint_ids) == 0
    )
    error_message = "The API <name>-api is PRIVATE, not tied to endpoints by default."
  }
  assert {
    condition = jsondecode(aws_api_gateway_rest_api_policy.this[0].policy).Statement == [
      {
        Sid       = "InvokeByThisAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::123456789012:root" }
        Action    = "execute-api:Invoke"
        Resource  = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/*"
      },
      {
        Sid       = "DenyOutsideTheVpc"
        Effect    = "Deny"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/*"
        Condition = { StringNotEquals = { "aws:SourceVpc" = ["vpc-0123456789abcdef0"] } }
      },
    ]
    error_message = "IAM principals of this account may invoke, and nobody from outside the VPC."
  }
  assert {
    condition     = aws_api_gateway_rest_api_policy.this[0].rest_api_id == aws_api_gateway_rest_api.this.id
    error_message = "The policy is the API's."
  }
}

run "api_can_be_limited_to_given_endpoints" {
  command = apply

  variables {
    api_vpc_endpoint_ids = ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"]
  }

  assert {
    condition     = aws_api_gateway_rest_api.this.endpoint_configuration[0].vpc_endpoint_ids == toset(["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"])
    error_message = "The API is associated with the given endpoints."
  }
  assert {
    condition     = jsondecode(aws_api_gateway_rest_api_policy.this[0].policy).Statement[1].Condition == { StringNotEquals = { "aws:SourceVpce" = ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"] } }
    error_message = "With endpoints given, calls through any other endpoint are denied."
  }
}

run "route_is_an_iam_authorised_validated_lambda_proxy_method" {
  command = apply

  assert {
    condition = (
      keys(aws_api_gateway_resource.level1) == ["orders"] &&
      aws_api_gateway_resource.level1["orders"].parent_id == aws_api_gateway_rest_api.this.root_resource_id &&
      aws_api_gateway_resource.level1["orders"].path_part == "orders" &&
      keys(aws_api_gateway_resource.level2) == ["orders/{order_id}"] &&
      aws_api_gateway_resource.level2["orders/{order_id}"].parent_id == aws_api_gateway_resource.level1["orders"].id &&
      aws_api_gateway_resource.level2["orders/{order_id}"].path_part == "{order_id}" &&
      length(aws_api_gateway_resource.level3) == 0
    )
    error_message = "GET /orders/{order_id} makes the resources /orders and /orders/{order_id} under the root."
  }
  assert {
    condition = (
      aws_api_gateway_method.route["GET /orders/{order_id}"].resource_id == aws_api_gateway_resource.level2["orders/{order_id}"].id &&
      aws_api_gateway_method.route["GET /orders/{order_id}"].http_method == "GET" &&
      aws_api_gateway_method.route["GET /orders/{order_id}"].authorization == "AWS_IAM" &&
      aws_api_gateway_method.route["GET /orders/{order_id}"].request_parameters == tomap({ "method.request.path.order_id" = true }) &&
      aws_api_gateway_method.route["GET /orders/{order_id}"].request_validator_id == aws_api_gateway_request_validator.parameters.id
    )
    error_message = "The method is GET on /orders/{order_id}, AWS_IAM-authorised, with order_id a required, validated path parameter."
  }
  assert {
    condition     = aws_api_gateway_request_validator.parameters.validate_request_parameters && !aws_api_gateway_request_validator.parameters.validate_request_body
    error_message = "The validator checks request parameters."
  }
  assert {
    condition = (
      aws_api_gateway_integration.route["GET /orders/{order_id}"].type == "AWS_PROXY" &&
      aws_api_gateway_integration.route["GET /orders/{order_id}"].integration_http_method == "POST" &&
      aws_api_gateway_integration.route["GET /orders/{order_id}"].uri == aws_lambda_function.this["order_status"].invoke_arn &&
      aws_api_gateway_integration.route["GET /orders/{order_id}"].timeout_milliseconds == 29000 &&
      aws_api_gateway_integration.route["GET /orders/{order_id}"].resource_id == aws_api_gateway_method.route["GET /orders/{order_id}"].resource_id
    )
    error_message = "The route invokes order_status as a Lambda proxy integration (29 s)."
  }
  assert {
    condition = (
      aws_lambda_permission.route["GET /orders/{order_id}"].function_name == "lowlat-test-order-status" &&
      aws_lambda_permission.route["GET /orders/{order_id}"].action == "lambda:InvokeFunction" &&
      aws_lambda_permission.route["GET /orders/{order_id}"].principal == "apigateway.amazonaws.com" &&
      aws_lambda_permission.route["GET /orders/{order_id}"].source_arn == "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/v1/GET/orders/*" &&
      aws_lambda_permission.route["GET /orders/{order_id}"].statement_id == "ApiGateway-GET--orders--order_id-"
    )
    error_message = "API Gateway may invoke the function only for GET /orders/* on this API's v1 stage."
  }
  assert {
    condition     = output.api_routes == { "GET /orders/{order_id}" = "lowlat-test-order-status" }
    error_message = "Routes are output with the function behind each."
  }
}

run "routes_build_a_three_level_tree_and_one_permission_each" {
  command = apply

  variables {
    functions = {
      order_status = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler" }
      fill_report  = { zip_path = "tests/fixtures/fixture.zip", handler = "handler.handler" }
    }
    routes = {
      "GET /orders/{order_id}"       = "order_status"
      "GET /orders/{order_id}/fills" = "fill_report"
      "GET /health"                  = "order_status"
    }
  }

  override_resource {
    target = aws_lambda_function.this["fill_report"]
    values = {
      arn        = "arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-fill-report"
      invoke_arn = "arn:aws:apigateway:eu-west-2:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:lowlat-test-fill-report/invocations"
    }
  }

  assert {
    condition = (
      keys(aws_api_gateway_resource.level1) == ["health", "orders"] &&
      keys(aws_api_gateway_resource.level2) == ["orders/{order_id}"] &&
      keys(aws_api_gateway_resource.level3) == ["orders/{order_id}/fills"] &&
      aws_api_gateway_resource.level3["orders/{order_id}/fills"].parent_id == aws_api_gateway_resource.level2["orders/{order_id}"].id &&
      aws_api_gateway_resource.level3["orders/{order_id}/fills"].path_part == "fills"
    )
    error_message = "Shared prefixes make one resource each; the third level hangs under the second."
  }
  assert {
    condition = (
      aws_api_gateway_method.route["GET /orders/{order_id}/fills"].resource_id == aws_api_gateway_resource.level3["orders/{order_id}/fills"].id &&
      aws_api_gateway_method.route["GET /health"].resource_id == aws_api_gateway_resource.level1["health"].id &&
      length(aws_api_gateway_method.route["GET /health"].request_parameters) == 0
    )
    error_message = "Each method sits on its path's resource; a path without parameters requires none."
  }
  assert {
    condition = (
      aws_api_gateway_integration.route["GET /orders/{order_id}/fills"].uri == aws_lambda_function.this["fill_report"].invoke_arn &&
      aws_api_gateway_integration.route["GET /health"].uri == aws_lambda_function.this["order_status"].invoke_arn
    )
    error_message = "Each route invokes its own function."
  }
  assert {
    condition = { for k, p in aws_lambda_permission.route : k => [p.function_name, p.source_arn] } == {
      "GET /health"                  = ["lowlat-test-order-status", "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/v1/GET/health"]
      "GET /orders/{order_id}"       = ["lowlat-test-order-status", "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/v1/GET/orders/*"]
      "GET /orders/{order_id}/fills" = ["lowlat-test-fill-report", "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/v1/GET/orders/*/fills"]
    }
    error_message = "One invoke permission per route, for that method and path on the stage only."
  }
}

run "stage_traces_logs_and_throttles" {
  command = apply

  assert {
    condition = (
      aws_api_gateway_stage.this.stage_name == "v1" &&
      aws_api_gateway_stage.this.deployment_id == aws_api_gateway_deployment.this.id &&
      aws_api_gateway_stage.this.xray_tracing_enabled &&
      !aws_api_gateway_stage.this.cache_cluster_enabled &&
      aws_api_gateway_stage.this.client_certificate_id == aws_api_gateway_client_certificate.this[0].id
    )
    error_message = "Stage v1 of the current deployment, X-Ray tracing on, no cache."
  }
  assert {
    condition     = aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.api_access.arn
    error_message = "Access logs go to the module's access log group."
  }
  assert {
    condition = toset(keys(jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format))) == toset([
      "requestId", "extendedRequestId", "requestTime", "httpMethod", "resourcePath", "path", "status", "protocol",
      "responseLength", "responseLatency", "integrationLatency", "integrationStatus", "integrationError", "errorMessage",
      "sourceIp", "vpceId", "caller", "userArn", "xrayTraceId",
    ]) && jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).requestId == "$context.requestId"
    error_message = "Access logs are one JSON object per request, with the request id, caller, status, latencies and trace id."
  }
  assert {
    condition = (
      aws_api_gateway_method_settings.all.stage_name == "v1" &&
      aws_api_gateway_method_settings.all.method_path == "*/*" &&
      aws_api_gateway_method_settings.all.settings[0].metrics_enabled &&
      aws_api_gateway_method_settings.all.settings[0].logging_level == "ERROR" &&
      !aws_api_gateway_method_settings.all.settings[0].data_trace_enabled &&
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 100 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 50 &&
      !aws_api_gateway_method_settings.all.settings[0].caching_enabled
    )
    error_message = "Every method: metrics, ERROR execution logs without bodies, burst 100 and rate 50 by default, no caching."
  }
  assert {
    condition = (
      aws_cloudwatch_log_group.api_access.name == "/aws/apigateway/lowlat-test-api/access" &&
      aws_cloudwatch_log_group.api_access.kms_key_id == var.logs_kms_key_arn &&
      aws_cloudwatch_log_group.api_access.retention_in_days == 365 &&
      aws_cloudwatch_log_group.api_execution.name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1" &&
      aws_cloudwatch_log_group.api_execution.kms_key_id == var.logs_kms_key_arn &&
      aws_cloudwatch_log_group.api_execution.retention_in_days == 365
    )
    error_message = "The access and execution log groups are made by the module, encrypted with the logs CMK, kept 365 days."
  }
  assert {
    condition = (
      output.api_id == "a1b2c3d4e5" && output.api_stage_name == "v1" &&
      output.api_execution_arn == "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5" &&
      output.api_invoke_url == aws_api_gateway_stage.this.invoke_url &&
      output.api_access_log_group_name == "/aws/apigateway/lowlat-test-api/access" &&
      output.api_execution_log_group_name == "API-Gateway-Execution-Logs_a1b2c3d4e5/v1"
    )
    error_message = "The API's id, stage, execution ARN, URL and log groups are output."
  }
}

run "stage_settings_follow_the_inputs" {
  command = apply

  variables {
    api_stage_name       = "live"
    api_logging_level    = "INFO"
    throttle_burst_limit = 20
    throttle_rate_limit  = 12.5
  }

  assert {
    condition = (
      aws_api_gateway_stage.this.stage_name == "live" &&
      aws_api_gateway_method_settings.all.settings[0].logging_level == "INFO" &&
      aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 20 &&
      aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 12.5 &&
      aws_cloudwatch_log_group.api_execution.name == "API-Gateway-Execution-Logs_a1b2c3d4e5/live"
    )
    error_message = "Stage name, logging level and throttling follow the inputs."
  }
  assert {
    condition     = aws_lambda_permission.route["GET /orders/{order_id}"].source_arn == "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/live/GET/orders/*"
    error_message = "Invoke permissions name the stage."
  }
}

run "account_cloudwatch_role_is_set_by_default" {
  command = apply

  assert {
    condition = (
      aws_api_gateway_account.this[0].cloudwatch_role_arn == aws_iam_role.api_gateway_cloudwatch[0].arn &&
      aws_iam_role_policy_attachment.api_gateway_cloudwatch[0].policy_arn == "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" &&
      jsondecode(aws_iam_role.api_gateway_cloudwatch[0].assume_role_policy).Statement[0].Principal == { Service = "apigateway.amazonaws.com" }
    )
    error_message = "API Gateway's account settings get a role it can assume to write logs."
  }
}

run "account_cloudwatch_role_can_be_left_to_another_stack" {
  command = plan

  variables {
    manage_api_gateway_account = false
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.api_gateway_cloudwatch) == 0 && length(aws_iam_role_policy_attachment.api_gateway_cloudwatch) == 0
    error_message = "With manage_api_gateway_account off, the account settings and their role are left alone."
  }
}

run "deployment_follows_the_routes" {
  command = apply

  assert {
    condition     = aws_api_gateway_deployment.this.rest_api_id == aws_api_gateway_rest_api.this.id && length(aws_api_gateway_deployment.this.triggers["redeployment"]) == 40
    error_message = "The deployment carries a hash of the routes, integrations and policy, so a change redeploys."
  }
}

run "emulator_switches_leave_out_the_policy_and_the_certificate" {
  command = plan

  variables {
    enable_api_resource_policy    = false
    enable_api_client_certificate = false
  }

  assert {
    condition     = length(aws_api_gateway_rest_api_policy.this) == 0 && length(aws_api_gateway_client_certificate.this) == 0 && aws_api_gateway_stage.this.client_certificate_id == null
    error_message = "The two emulator switches leave out exactly the resource policy and the client certificate."
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.endpoint_configuration[0].types == tolist(["PRIVATE"]) && aws_api_gateway_stage.this.xray_tracing_enabled
    error_message = "The rest of the API is unchanged."
  }
}
