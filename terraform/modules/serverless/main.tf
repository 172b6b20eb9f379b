# The platform's serverless API: Lambda functions from var.functions (lambda.tf), each in the VPC
# with its own least-privilege role (iam.tf), and a private REST API in front of them (api.tf).
# Packages are built outside Terraform by tools/build_lambdas.py; keys and network IDs come in as
# inputs from the security and network modules; nothing of another module is read by data source.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # User tags first: the module's own keys win. Each resource adds its Name.
  tags = merge(var.tags, {
    "lowlat:env"     = var.env
    "lowlat:module"  = "serverless"
    "lowlat:managed" = "true"
  })

  # AWS names: <name>-<key> with the key's underscores as dashes (order_status -> lowlat-prod-order-status).
  function_names = { for k in keys(var.functions) : k => "${var.name}-${replace(k, "_", "-")}" }
  # Known before the functions exist, so the roles' policies can name them without a cycle.
  function_arns = { for k, fn in local.function_names : k => "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${fn}" }

  code_signing = length(var.code_signing_profile_version_arns) > 0
}
