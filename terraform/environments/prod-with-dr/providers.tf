# Three regions, one configuration: the primary, the pilot-light standby and us-east-1.

locals {
  default_tags = merge(var.tags, {
    Project     = "lowlat"
    Environment = local.env
    ManagedBy   = "terraform"
  })
}

# The primary region.
provider "aws" {
  region              = var.region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = local.default_tags
  }
}

# The pilot-light standby region.
provider "aws" {
  alias               = "dr"
  region              = var.dr_region
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = local.default_tags
  }
}

# us-east-1: Route 53 publishes health-check metrics and writes query logs only there.
provider "aws" {
  alias               = "global"
  region              = "us-east-1"
  allowed_account_ids = [var.aws_account_id]

  default_tags {
    tags = local.default_tags
  }
}
