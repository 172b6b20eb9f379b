locals {
  addons = var.enable_addons ? {
    "vpc-cni"    = var.addon_versions.vpc_cni
    "coredns"    = var.addon_versions.coredns
    "kube-proxy" = var.addon_versions.kube_proxy
  } : {}
}

# EKS installs self-managed copies of these three at cluster creation; as add-ons they are
# versioned and upgraded through the EKS API. OVERWRITE: the add-on's configuration replaces what
# the self-managed copy (or a hand edit) left behind, on creation and on every update.
resource "aws_eks_addon" "this" {
  for_each = local.addons

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = each.value
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = local.tags

  # coredns is a Deployment and stays DEGRADED until nodes run it; the others follow the nodes so
  # every add-on is created against a working data plane.
  depends_on = [aws_eks_node_group.this]
}
