# The AWS answers every test file of this module mocks (mock_provider "aws" { source = ... }).
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-2" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
# Realistic values where outputs and policies are built from them (the mock would invent strings).
mock_resource "aws_eks_cluster" {
  defaults = {
    arn                   = "arn:aws:eks:eu-west-2:123456789012:cluster/lowlat-test"
    endpoint              = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-2.eks.amazonaws.com"
    certificate_authority = [{ data = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==" }]
    identity              = [{ oidc = [{ issuer = "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" }] }]
  }
}
mock_resource "aws_iam_openid_connect_provider" {
  defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/lowlat-test-eks-mock" }
}
mock_resource "aws_launch_template" {
  defaults = {
    id             = "lt-0123456789abcdef0"
    latest_version = 1
  }
}
mock_resource "aws_eks_node_group" {
  defaults = { arn = "arn:aws:eks:eu-west-2:123456789012:nodegroup/lowlat-test/mock/01234567-89ab-cdef-0123-456789abcdef" }
}
mock_resource "aws_security_group" {
  defaults = { id = "sg-0123456789abcdef0" }
}
