# The provider of a single-region environment (prod-with-dr has its own providers.tf: three regions).

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = merge(var.tags, {
      Project     = "lowlat"
      Environment = local.env
      ManagedBy   = "terraform"
    })
  }
}
