output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server (private DNS inside the VPC; public too when endpoint_public_access is true)."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded certificate of the cluster's certificate authority (for kubeconfig)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "cluster_security_group_id" {
  description = "Cluster security group EKS created (control plane and managed nodes)."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "api_security_group_id" {
  description = "Additional control-plane security group of this module (HTTPS from api_ingress_cidrs)."
  value       = aws_security_group.cluster.id
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC identity provider of the cluster (the Federated principal of IRSA roles)."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster (https://oidc.eks.<region>.amazonaws.com/id/<id>)."
  value       = local.oidc_issuer_url
}

output "node_group_names" {
  description = "EKS node group names keyed by node_groups key."
  value       = { for k, g in aws_eks_node_group.this : k => g.node_group_name }
}

output "node_group_arns" {
  description = "EKS node group ARNs keyed by node_groups key."
  value       = { for k, g in aws_eks_node_group.this : k => g.arn }
}

output "node_role_arn" {
  description = "ARN of the IAM role of the managed nodes."
  value       = aws_iam_role.node.arn
}

output "cluster_autoscaler_role_arn" {
  description = "ARN of the cluster autoscaler's IRSA role (annotate the kube-system/cluster-autoscaler service account with it)."
  value       = aws_iam_role.cluster_autoscaler.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the control-plane logs (/aws/eks/<name>/cluster)."
  value       = aws_cloudwatch_log_group.cluster.name
}
