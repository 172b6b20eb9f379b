# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
# The provider checks that the role ARNs handed to CodeBuild, CodePipeline, EventBridge and S3
# replication are ARNs; a run that compares roles overrides each one.
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-mock" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::lowlat-test-cicd-artifacts-123456789012" }
}
mock_resource "aws_codecommit_repository" {
  defaults = {
    arn            = "arn:aws:codecommit:eu-west-2:123456789012:lowlat-test"
    clone_url_http = "https://git-codecommit.eu-west-2.amazonaws.com/v1/repos/lowlat-test"
    clone_url_ssh  = "ssh://git-codecommit.eu-west-2.amazonaws.com/v1/repos/lowlat-test"
  }
}
mock_resource "aws_codepipeline" {
  defaults = { arn = "arn:aws:codepipeline:eu-west-2:123456789012:lowlat-test-terraform" }
}
mock_resource "aws_codebuild_project" {
  defaults = { arn = "arn:aws:codebuild:eu-west-2:123456789012:project/lowlat-test-mock" }
}
