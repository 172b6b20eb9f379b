terraform {
  required_version = ">= 1.9" # terraform test with mock_provider needs 1.7, cross-variable validations 1.9

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Remote state: one state for both regions, so the primary and its standby are planned together
  # and cannot drift. Keep the state bucket outside both regions' blast radius (or replicate it).
  # Uncomment and fill in before the first `terraform init`:
  #
  # backend "s3" {
  #   bucket         = "lowlat-terraform-state-<account-id>"
  #   key            = "prod-with-dr/terraform.tfstate"
  #   region         = "eu-west-2"
  #   dynamodb_table = "lowlat-terraform-locks"
  #   encrypt        = true
  #   kms_key_id     = "alias/lowlat-terraform-state"
  # }
}

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
