output "alb_arn" {
  description = "ARN of the Application Load Balancer (the security module associates the WAF web ACL with it)."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer (target of the applications' Route 53 alias records)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "alb_security_group_id" {
  description = "ID of the load balancer's security group."
  value       = aws_security_group.alb.id
}

output "service_security_group_id" {
  description = "ID of the tasks' security group (e.g. a client_security_group_ids entry of the data module)."
  value       = aws_security_group.service.id
}

output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_names" {
  description = "Service key => name of the ECS service."
  value       = { for k, s in aws_ecs_service.this : k => s.name }
}

output "target_group_arns" {
  description = "Service key => ARN of its target group."
  value       = { for k, tg in aws_lb_target_group.this : k => tg.arn }
}

output "log_group_names" {
  description = "Service key => name of its log group."
  value       = { for k, lg in aws_cloudwatch_log_group.service : k => lg.name }
}

output "exec_log_group_name" {
  description = "Name of the execute-command (ECS Exec) log group."
  value       = aws_cloudwatch_log_group.exec.name
}

output "task_role_arns" {
  description = "Service key => ARN of its task role (to grant the application access in resource policies)."
  value       = { for k, r in aws_iam_role.task : k => r.arn }
}

output "execution_role_arns" {
  description = "Service key => ARN of its execution role (for secret resource policies or KMS grants)."
  value       = { for k, r in aws_iam_role.execution : k => r.arn }
}
