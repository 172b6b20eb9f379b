# The CodeCommit repository this Terraform lives in, encrypted with the pipeline's key, and a
# pull-request approval rule on the branch the pipeline deploys.

resource "aws_codecommit_repository" "this" {
  count = var.enable_repository ? 1 : 0

  repository_name = local.repository_name
  description     = "lowlat: Ansible roles and Terraform of the ${var.name} trading platform (deployed by the ${local.pipeline_name} pipeline)."
  default_branch  = var.default_branch
  kms_key_id      = var.kms_key_arn

  tags = merge(local.tags, { Name = local.repository_name })
}

resource "aws_codecommit_approval_rule_template" "this" {
  count = var.enable_repository ? 1 : 0

  name        = "${var.name}-pull-request-approvals"
  description = "Pull requests into ${var.default_branch} of ${local.repository_name} need ${var.pull_request_approvals} approval(s)."
  content = jsonencode({
    Version               = "2018-11-08"
    DestinationReferences = ["refs/heads/${var.default_branch}"]
    Statements = [{
      Type                    = "Approvers"
      NumberOfApprovalsNeeded = var.pull_request_approvals
    }]
  })
}

resource "aws_codecommit_approval_rule_template_association" "this" {
  count = var.enable_repository ? 1 : 0

  approval_rule_template_name = aws_codecommit_approval_rule_template.this[0].name
  repository_name             = aws_codecommit_repository.this[0].repository_name
}
