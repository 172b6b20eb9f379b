terraform {
  required_version = ">= 1.9" # terraform test with mock_provider needs 1.7, cross-variable validations 1.9

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}
