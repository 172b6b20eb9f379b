output "kms_key_arns" {
  description = "Data class (market_data, orders, trades, audit, logs, secrets, backup, monitoring) => ARN of its customer-managed KMS key."
  value       = { for class, key in aws_kms_key.this : class => key.arn }
}

output "kms_key_ids" {
  description = "Data class => key ID of its customer-managed KMS key."
  value       = { for class, key in aws_kms_key.this : class => key.key_id }
}

output "kms_alias_names" {
  description = "Data class => alias of its key (alias/<name>/<class>)."
  value       = { for class, alias in aws_kms_alias.this : class => alias.name }
}

output "secret_arns" {
  description = "Purpose (grafana_admin, rancher_bootstrap_admin, rancher_agent_token) => ARN of the Secrets Manager secret. ARNs only: the values never leave Secrets Manager through Terraform outputs."
  value       = { for purpose, secret in aws_secretsmanager_secret.this : purpose => secret.arn }
}

output "cloudtrail_arn" {
  description = "ARN of the multi-region CloudTrail trail; null when enable_cloudtrail is false."
  value       = one(aws_cloudtrail.this[*].arn)
}

output "cloudtrail_sns_topic_arn" {
  description = "ARN of the SNS topic (encrypted with the audit key) on which CloudTrail announces each delivered log file."
  value       = aws_sns_topic.cloudtrail.arn
}

output "cloudtrail_log_group_name" {
  description = "Name of the CloudWatch log group the trail delivers to."
  value       = aws_cloudwatch_log_group.cloudtrail.name
}

output "web_acl_arn" {
  description = "ARN of the regional WAFv2 web ACL (associate it with other regional resources as needed)."
  value       = aws_wafv2_web_acl.this.arn
}

output "waf_log_group_name" {
  description = "Name of the WAF log group (aws-waf-logs-<name>)."
  value       = aws_cloudwatch_log_group.waf.name
}

output "persona_role_arns" {
  description = "Persona => ARN of its IAM role (only the personas given in persona_principal_arns)."
  value       = { for persona, role in aws_iam_role.persona : persona => role.arn }
}
