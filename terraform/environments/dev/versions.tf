terraform {
  required_version = ">= 1.9" # terraform test with mock_provider needs 1.7, cross-variable validations 1.9

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Remote state: S3 bucket (versioned, KMS-encrypted, public access blocked) plus a DynamoDB
  # table for locking. Both are created once per account outside this configuration.
  # Uncomment and fill in before the first `terraform init`:
  #
  # backend "s3" {
  #   bucket         = "lowlat-terraform-state-<account-id>"
  #   key            = "dev/terraform.tfstate"
  #   region         = "eu-west-2"
  #   dynamodb_table = "lowlat-terraform-locks"
  #   encrypt        = true
  #   kms_key_id     = "alias/lowlat-terraform-state"
  # }
}

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
