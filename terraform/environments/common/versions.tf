terraform {
  required_version = ">= 1.9" # terraform test with mock_provider needs 1.7, cross-variable validations 1.9

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Remote state: an S3 bucket (versioned, KMS-encrypted, public access blocked) and a DynamoDB lock
  # table, created once per account outside this configuration. Each environment keeps its own
  # state key in its backend.hcl; the account's settings go in common/backend.hcl (copy
  # backend.hcl.example). Uncomment the line below, then in the environment's directory:
  #   terraform init -backend-config=../common/backend.hcl -backend-config=backend.hcl
  # The pipeline (.ci/buildspecs/ci-terraform.sh init-backend) reads the same backend.hcl.
  #
  # backend "s3" {}
}
