# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests.
name       = "lowlat-test"
cidr_block = "10.50.0.0/16"
subnets = {
  "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
  "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
}
