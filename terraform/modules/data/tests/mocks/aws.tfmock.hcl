# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
# The provider checks that role ARNs handed to RDS, Backup and S3 replication are ARNs.
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-mock" }
}
# RDS reports the secret it manages for the master user; the endpoint and port are computed.
mock_resource "aws_db_instance" {
  defaults = {
    arn         = "arn:aws:rds:eu-west-2:123456789012:db:lowlat-test-trades"
    address     = "lowlat-test-trades.abcdefghijkl.eu-west-2.rds.amazonaws.com"
    port        = 5432
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-0a1b2c3d-4e5f-6789-abcd-ef0123456789-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-2:123456789012:key/66666666-6666-6666-6666-666666666666"
      secret_status = "active"
    }]
  }
}
mock_resource "aws_efs_file_system" {
  defaults = {
    id  = "fs-0123456789abcdef0"
    arn = "arn:aws:elasticfilesystem:eu-west-2:123456789012:file-system/fs-0123456789abcdef0"
  }
}
mock_resource "aws_efs_access_point" {
  defaults = {
    id  = "fsap-0123456789abcdef0"
    arn = "arn:aws:elasticfilesystem:eu-west-2:123456789012:access-point/fsap-0123456789abcdef0"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "eu-west-2"
  }
}
