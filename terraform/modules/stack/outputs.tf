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
