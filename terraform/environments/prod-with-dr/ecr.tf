# The application images (ECR repositories under lowlat/) are replicated to the standby region,
# where the standby's services pull them (main.tf rewrites the image registry's region).
resource "aws_ecr_replication_configuration" "to_standby" {
  replication_configuration {
    rule {
      destination {
        region      = var.dr_region
        registry_id = var.aws_account_id
      }
      repository_filter {
        filter      = "lowlat/"
        filter_type = "PREFIX_MATCH"
      }
    }
  }
}
