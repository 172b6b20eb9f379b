output "stack" {
  description = "Everything the stack exposes: vpc_id, private_subnet_ids, security_group_ids, nat_gateway_public_ips, hosts, placement_groups, transit_gateway_id, vpn_tunnel_outside_addresses, lowlat_tags and platform (stream, bus, queues, topics, stores, secret ARNs, keys, dashboard, persona roles)."
  value       = module.stack
}
