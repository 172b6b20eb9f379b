# This environment's state key in the account's state bucket (see common/versions.tf).
# One state for both regions, so the primary and its standby are planned together and cannot drift;
# keep the state bucket outside both regions' blast radius (or replicate it).
key = "prod-with-dr/terraform.tfstate"
