# This environment's state key in the account's state bucket (see common/versions.tf).
key = "dev/terraform.tfstate"
