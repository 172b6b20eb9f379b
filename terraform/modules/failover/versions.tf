terraform {
  required_version = ">= 1.9" # terraform test with mock_provider needs 1.7, cross-variable validations 1.9

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
      # aws: the standby region (where the sync-cluster-sizes function runs). aws.global:
      # us-east-1, where Route 53 publishes health-check metrics and writes query logs.
      configuration_aliases = [aws.global]
    }
  }
}
