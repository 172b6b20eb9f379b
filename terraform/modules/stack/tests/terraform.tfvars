# The prod example (environments/prod/terraform.tfvars.example) without the on-premises paths:
# the inputs of every run of this directory's test files unless a file or run sets its own.
persona_principal_arns = {
  trader             = ["arn:aws:iam::123456789012:role/trading-desk"]
  compliance_auditor = ["arn:aws:iam::123456789012:role/compliance"]
}
env     = "prod"
cluster = "ldn1"

vpc_cidr = "10.50.0.0/16"
subnets = {
  "eu-west-2a" = { public_cidr = "10.50.0.0/24", private_cidr = "10.50.16.0/20" }
  "eu-west-2b" = { public_cidr = "10.50.1.0/24", private_cidr = "10.50.32.0/20" }
  "eu-west-2c" = { public_cidr = "10.50.2.0/24", private_cidr = "10.50.48.0/20" }
}
trading_az = "eu-west-2a"

ami_id = "ami-0123456789abcdef0"
host_groups = {
  engine     = { instance_type = "c5n.18xlarge", instances = 2 }
  feed       = { instance_type = "c5n.18xlarge", instances = 2 }
  venue      = { instance_type = "c5n.18xlarge", instances = 1 }
  monitoring = { instance_type = "c5n.2xlarge", instances = 1 }
}
host_secret_arns = {
  engine     = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/engine-AbCdEf"
  feed       = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/feed-GhIjKl"
  venue      = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/venue-MnOpQr"
  monitoring = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat/prod/monitoring-StUvWx"
}
kms_key_admin_arns = ["arn:aws:iam::123456789012:role/lowlat-platform-admin"]

market_data_source_cidrs = ["198.51.100.0/26"]
venue_cidrs              = ["198.51.100.64/26"]
venue_tcp_ports          = [9001, 9002]
ops_cidrs                = ["192.0.2.0/27"]

# The application platform (environments/prod/terraform.tfvars.example); the order status function's
# package is the serverless module's committed stand-in, so the tests need no build.
certificate_arn = "arn:aws:acm:eu-west-2:123456789012:certificate/0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"
ecs_services = {
  risk-dashboard = {
    image             = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/lowlat/risk-dashboard:1.4.2"
    cpu               = 512
    memory            = 1024
    container_port    = 8080
    path_patterns     = ["/risk", "/risk/*"]
    health_check_path = "/risk/healthz"
  }
  order-console = {
    image             = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/lowlat/order-console:2.0.1"
    cpu               = 256
    memory            = 512
    container_port    = 8081
    path_patterns     = ["/orders", "/orders/*"]
    health_check_path = "/orders/healthz"
  }
}
eks_node_groups = {
  general = { instance_types = ["m5.xlarge"], min_size = 2, desired_size = 3, max_size = 10 }
}
deployment_role_arn   = "arn:aws:iam::123456789012:role/lowlat-terraform-deploy"
state_bucket_name     = "lowlat-terraform-state-123456789012"
state_lock_table_name = "lowlat-terraform-locks"
order_status_zip_path = "../serverless/tests/fixtures/fixture.zip"
