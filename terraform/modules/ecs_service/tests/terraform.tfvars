# The module inputs every test file of this module starts from (terraform test loads this file);
# a run block overrides what it tests. Each key ARN is distinct so tests can tell which key
# encrypts what. Two services: one from ECR with secrets, one from another registry without.
name                = "lowlat-test"
env                 = "test"
vpc_id              = "vpc-0a1b2c3d4e5f60718"
public_subnet_ids   = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
private_subnet_ids  = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
ingress_cidrs       = ["203.0.113.0/24", "198.51.100.0/24"]
logs_kms_key_arn    = "arn:aws:kms:eu-west-2:123456789012:key/33333333-3333-4333-8333-333333333333"
secrets_kms_key_arn = "arn:aws:kms:eu-west-2:123456789012:key/66666666-6666-4666-8666-666666666666"
certificate_arn     = "arn:aws:acm:eu-west-2:123456789012:certificate/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"
tags                = { "lowlat:owner" = "trading-platform" }
services = {
  risk-dashboard = {
    image             = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/lowlat/risk-dashboard:1.4.2"
    cpu               = 512
    memory            = 1024
    container_port    = 8080
    path_patterns     = ["/risk", "/risk/*"]
    health_check_path = "/risk/healthz"
    desired_count     = 2
    min_count         = 2
    max_count         = 6
    environment       = { LOG_LEVEL = "info" }
    secrets = {
      DB_PASSWORD = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/rds-master-AbCdEf:password::"
      API_TOKEN   = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:lowlat-test/risk-api-token-GhIjKl"
    }
    user = "10001:10001"
  }
  refdata-api = {
    image              = "registry.example.com/lowlat/refdata-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    cpu                = 256
    memory             = 512
    container_port     = 9000
    path_patterns      = ["/refdata/*"]
    health_check_path  = "/health"
    min_count          = 1
    desired_count      = 1
    max_count          = 3
    target_cpu_percent = 50
  }
}
