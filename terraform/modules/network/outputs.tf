output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnet IDs keyed by availability zone."
  value       = { for az, s in aws_subnet.public : az => s.id }
}

output "private_subnet_ids" {
  description = "Private subnet IDs keyed by availability zone."
  value       = { for az, s in aws_subnet.private : az => s.id }
}

output "private_route_table_ids" {
  description = "Private route table IDs keyed by availability zone (for transit gateway routes)."
  value       = { for az, rt in aws_route_table.private : az => rt.id }
}

output "nat_gateway_public_ips" {
  description = "Elastic IPs of the NAT gateways keyed by availability zone (for venue allow-lists)."
  value       = { for az, eip in aws_eip.nat : az => eip.public_ip }
}

output "security_group_ids" {
  description = "Security group IDs of the host tiers: engine, market_data, monitoring."
  value       = local.tier_security_group_ids
}

output "endpoints_security_group_id" {
  description = "Security group of the interface VPC endpoints."
  value       = aws_security_group.endpoints.id
}

output "vpc_endpoint_ids" {
  description = "IDs of the S3, DynamoDB, Kinesis Data Streams and API Gateway (execute-api) endpoints."
  value = {
    s3              = aws_vpc_endpoint.s3.id
    dynamodb        = aws_vpc_endpoint.dynamodb.id
    kinesis_streams = aws_vpc_endpoint.kinesis_streams.id
    execute_api     = aws_vpc_endpoint.execute_api.id
  }
}

output "gateway_endpoint_prefix_list_ids" {
  description = "Prefix list IDs of the S3 and DynamoDB gateway endpoints (security-group egress to them: their addresses are outside the VPC CIDR)."
  value       = local.gateway_endpoint_prefix_lists
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "logs_kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the flow log group."
  value       = aws_kms_key.logs.arn
}
