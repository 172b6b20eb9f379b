output "function_names" {
  description = "Function key => Lambda function name."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_arns" {
  description = "Function key => Lambda function ARN."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "role_arns" {
  description = "Function key => ARN of its execution role."
  value       = { for k, r in aws_iam_role.function : k => r.arn }
}

output "dlq_arns" {
  description = "Function key => ARN of its dead-letter queue (the module's own or the one in existing_dlq_arns)."
  value       = local.dlq_arns
}

output "log_group_names" {
  description = "Function key => name of its log group (/aws/lambda/<function name>)."
  value       = { for k, g in aws_cloudwatch_log_group.function : k => g.name }
}

output "security_group_id" {
  description = "ID of the functions' security group (for the ingress rules of what they call, e.g. interface endpoints)."
  value       = aws_security_group.functions.id
}

output "api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "api_execution_arn" {
  description = "execute-api ARN of the REST API (for IAM policies that allow callers execute-api:Invoke on it)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "api_stage_name" {
  description = "Name of the API's stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "api_invoke_url" {
  description = "Invoke URL of the stage (a private API: resolvable through an execute-api interface endpoint in the VPC)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "api_routes" {
  description = "Route (\"METHOD /path\") => name of the function behind it."
  value       = { for key, r in local.routes : key => aws_lambda_function.this[r.function].function_name }
}

output "api_access_log_group_name" {
  description = "Name of the API's access log group."
  value       = aws_cloudwatch_log_group.api_access.name
}

output "api_execution_log_group_name" {
  description = "Name of the API's execution log group (API-Gateway-Execution-Logs_<api id>/<stage>)."
  value       = aws_cloudwatch_log_group.api_execution.name
}
