################################################################################
# REST API (private, IAM-authorised) in front of the functions
################################################################################
# A REST API rather than an HTTP API: REST stages trace with X-Ray (HTTP APIs cannot), take
# per-method throttling and execution logging, validate request parameters, and can be PRIVATE
# (reachable only through an execute-api interface endpoint) with a resource policy.

locals {
  routes = { for key, function in var.routes : key => {
    method   = split(" ", key)[0]
    path     = split(" ", key)[1]
    segments = slice(split("/", split(" ", key)[1]), 1, length(split("/", split(" ", key)[1])))
    function = function
  } }

  # The resource tree: every path prefix of every route, by depth (API Gateway resources nest).
  paths_level1 = toset([for r in local.routes : r.segments[0]])
  paths_level2 = toset([for r in local.routes : join("/", slice(r.segments, 0, 2)) if length(r.segments) >= 2])
  paths_level3 = toset([for r in local.routes : join("/", slice(r.segments, 0, 3)) if length(r.segments) >= 3])

  resource_ids = merge(
    { for p, r in aws_api_gateway_resource.level1 : p => r.id },
    { for p, r in aws_api_gateway_resource.level2 : p => r.id },
    { for p, r in aws_api_gateway_resource.level3 : p => r.id },
  )

  # {name} segments are required path parameters, checked by API Gateway before the function runs.
  route_parameters = { for key, r in local.routes : key => [
    for s in r.segments : trimsuffix(trimprefix(s, "{"), "}") if startswith(s, "{")
  ] }

  # execute-api ARN of each route on the stage ({param} matches any one segment).
  route_source_arns = { for key, r in local.routes :
    key => "${aws_api_gateway_rest_api.this.execution_arn}/${var.api_stage_name}/${r.method}/${join("/", [for s in r.segments : startswith(s, "{") ? "*" : s])}"
  }

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTime        = "$context.requestTimeEpoch"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    status             = "$context.status"
    protocol           = "$context.protocol"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationLatency = "$context.integration.latency"
    integrationStatus  = "$context.integration.status"
    integrationError   = "$context.integration.error"
    errorMessage       = "$context.error.message"
    sourceIp           = "$context.identity.sourceIp"
    vpceId             = "$context.identity.vpceId"
    caller             = "$context.identity.caller"
    userArn            = "$context.identity.userArn"
    xrayTraceId        = "$context.xrayTraceId"
  })

  # Calls must come through the VPC: the listed execute-api endpoints, or any endpoint in vpc_id.
  api_source_key    = length(var.api_vpc_endpoint_ids) > 0 ? "aws:SourceVpce" : "aws:SourceVpc"
  api_source_values = length(var.api_vpc_endpoint_ids) > 0 ? var.api_vpc_endpoint_ids : [var.vpc_id]
}

resource "aws_api_gateway_rest_api" "this" {
  name        = "${var.name}-api"
  description = "lowlat ${var.env} platform API (private, IAM-authorised)"

  endpoint_configuration {
    types            = ["PRIVATE"]
    vpc_endpoint_ids = length(var.api_vpc_endpoint_ids) > 0 ? var.api_vpc_endpoint_ids : null
  }

  tags = merge(local.tags, { Name = "${var.name}-api" })

  lifecycle {
    create_before_destroy = true
  }
}

# A private API must have a resource policy. Principals of this account whose IAM policies allow
# execute-api:Invoke may call (every method is AWS_IAM-authorised), and only from the VPC.
# (enable_api_resource_policy = false only for moto, see the README's Emulator gaps.)
resource "aws_api_gateway_rest_api_policy" "this" {
  count = var.enable_api_resource_policy ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "InvokeByThisAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "execute-api:Invoke"
        Resource  = "${aws_api_gateway_rest_api.this.execution_arn}/*"
      },
      {
        Sid       = "DenyOutsideTheVpc"
        Effect    = "Deny"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "${aws_api_gateway_rest_api.this.execution_arn}/*"
        Condition = { StringNotEquals = zipmap([local.api_source_key], [local.api_source_values]) }
      },
    ]
  })
}

resource "aws_api_gateway_resource" "level1" {
  for_each = local.paths_level1

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_resource" "level2" {
  for_each = local.paths_level2

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.level1[split("/", each.key)[0]].id
  path_part   = split("/", each.key)[1]
}

resource "aws_api_gateway_resource" "level3" {
  for_each = local.paths_level3

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.level2[join("/", slice(split("/", each.key), 0, 2))].id
  path_part   = split("/", each.key)[2]
}

resource "aws_api_gateway_request_validator" "parameters" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "parameters"
  validate_request_parameters = true
  validate_request_body       = false
}

resource "aws_api_gateway_method" "route" {
  for_each = local.routes

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.resource_ids[join("/", each.value.segments)]
  http_method          = each.value.method
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.parameters.id
  request_parameters   = { for p in local.route_parameters[each.key] : "method.request.path.${p}" => true }
}

resource "aws_api_gateway_integration" "route" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.route[each.key].resource_id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.this[each.value.function].invoke_arn
  timeout_milliseconds    = 29000
}

# API Gateway may invoke a function only for its own routes on this API's stage.
resource "aws_lambda_permission" "route" {
  for_each = local.routes

  statement_id  = "ApiGateway-${replace(each.key, "/[^A-Za-z0-9_-]/", "-")}"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[each.value.function].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = local.route_source_arns[each.key]
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Routes: ${join(", ", sort(keys(var.routes)))}"

  # A new deployment whenever a route, its integration or the resource policy changes.
  triggers = {
    redeployment = sha1(jsonencode([
      [for k in sort(keys(local.routes)) : [aws_api_gateway_method.route[k].id, aws_api_gateway_method.route[k].authorization, aws_api_gateway_method.route[k].request_parameters, aws_api_gateway_integration.route[k].id, aws_api_gateway_integration.route[k].uri]],
      [for p in aws_api_gateway_rest_api_policy.this : p.policy],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.route, aws_api_gateway_rest_api_policy.this]
}

# API Gateway presents this certificate only to HTTP backends; with Lambda proxy integrations it
# is not used today. It is here for checkov's CKV2_AWS_51 (the module's two checkov skips are
# spent on caching, see the stage) and so that an HTTP integration added later can verify calls.
# (enable_api_client_certificate = false only for moto, see the README's Emulator gaps.)
resource "aws_api_gateway_client_certificate" "this" {
  count = var.enable_api_client_certificate ? 1 : 0

  description = "${var.name}-api backend client certificate"

  tags = merge(local.tags, { Name = "${var.name}-api" })
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:Order status is live data (an order fills in milliseconds); a cached answer would show a filled order as open.
  rest_api_id           = aws_api_gateway_rest_api.this.id
  deployment_id         = aws_api_gateway_deployment.this.id
  stage_name            = var.api_stage_name
  description           = "lowlat ${var.env}"
  xray_tracing_enabled  = true
  cache_cluster_enabled = false
  client_certificate_id = var.enable_api_client_certificate ? aws_api_gateway_client_certificate.this[0].id : null

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api_access.arn
    format          = local.access_log_format
  }

  tags = merge(local.tags, { Name = "${var.name}-api-${var.api_stage_name}" })

  # Stage logging needs the account's CloudWatch role, and the execution log group made here
  # (else API Gateway makes one without KMS and without retention).
  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.api_execution]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:Order status is live data (an order fills in milliseconds); a cached answer would show a filled order as open.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.api_logging_level
    data_trace_enabled     = false # request and response bodies carry order data
    throttling_burst_limit = var.throttle_burst_limit
    throttling_rate_limit  = var.throttle_rate_limit
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}

################################################################################
# API logs
################################################################################

resource "aws_cloudwatch_log_group" "api_access" {
  name              = "/aws/apigateway/${var.name}-api/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = "/aws/apigateway/${var.name}-api/access" })
}

# The name API Gateway writes execution logs to; made here so it is encrypted and expires.
resource "aws_cloudwatch_log_group" "api_execution" {
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.api_stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn

  tags = merge(local.tags, { Name = "${var.name}-api-execution-logs" })
}

# The account-wide role API Gateway uses to write to CloudWatch Logs (one per account and region).
resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name        = "${var.name}-apigateway-cloudwatch"
  description = "API Gateway (this account and region) writes execution and access logs"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-apigateway-cloudwatch" })
}

resource "aws_iam_role_policy_attachment" "api_gateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  role       = aws_iam_role.api_gateway_cloudwatch[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_api_gateway_account ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn

  depends_on = [aws_iam_role_policy_attachment.api_gateway_cloudwatch]
}
