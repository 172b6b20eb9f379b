output "instance_ids" {
  description = "IDs of the hosts, in index order."
  value       = aws_instance.this[*].id
}

output "instance_arns" {
  description = "ARNs of the hosts, in index order (for policies that start or stop them)."
  value       = aws_instance.this[*].arn
}

output "private_ips" {
  description = "Private IPv4 addresses of the hosts, in index order."
  value       = aws_instance.this[*].private_ip
}

output "hosts" {
  description = "Host name (Name tag) => instance ID and private IP."
  value = {
    for i in aws_instance.this : i.tags["Name"] => { id = i.id, private_ip = i.private_ip }
  }
}

output "availability_zone" {
  description = "Availability zone of the placement group's hosts."
  value       = one(distinct(aws_instance.this[*].availability_zone))
}

output "placement_group_name" {
  description = "Name of the cluster placement group (created here, or the one given)."
  value       = local.placement_group_name
}

output "ebs_kms_key_arn" {
  description = "ARN of the customer-managed KMS key of the root volumes."
  value       = aws_kms_key.ebs.arn
}

output "iam_role_name" {
  description = "Name of the hosts' IAM role."
  value       = aws_iam_role.host.name
}

output "instance_profile_name" {
  description = "Name of the hosts' instance profile."
  value       = aws_iam_instance_profile.host.name
}

output "lowlat_tags" {
  description = "The lowlat:* tags every host carries (the keys the Ansible inventory groups on)."
  value       = local.lowlat_tags
}
