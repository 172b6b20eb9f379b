output "transit_gateway_id" {
  description = "ID of the transit gateway."
  value       = aws_ec2_transit_gateway.this.id
}

output "transit_gateway_route_table_id" {
  description = "Default association route table of the transit gateway."
  value       = aws_ec2_transit_gateway.this.association_default_route_table_id
}

output "vpc_attachment_id" {
  description = "ID of the VPC's transit gateway attachment."
  value       = aws_ec2_transit_gateway_vpc_attachment.this.id
}

output "direct_connect_association_id" {
  description = "ID of the Direct Connect gateway association; null without Direct Connect."
  value       = one(aws_dx_gateway_association.primary[*].id)
}

output "vpn_backup_enabled" {
  description = "Whether the backup VPN exists."
  value       = var.enable_vpn_backup
}

output "customer_gateway_id" {
  description = "ID of the customer gateway; null when the backup VPN is off."
  value       = one(aws_customer_gateway.backup[*].id)
}

output "vpn_connection_id" {
  description = "ID of the backup VPN connection; null when the backup VPN is off."
  value       = one(aws_vpn_connection.backup[*].id)
}

output "vpn_tunnel_outside_addresses" {
  description = "AWS-side outside IPs of the two tunnels (configure them on the on-premises device); empty when off."
  value       = flatten([for v in aws_vpn_connection.backup : [v.tunnel1_address, v.tunnel2_address]])
}

output "vpn_log_group_name" {
  description = "CloudWatch log group of the tunnel logs; null when the backup VPN is off."
  value       = one(aws_cloudwatch_log_group.vpn[*].name)
}
