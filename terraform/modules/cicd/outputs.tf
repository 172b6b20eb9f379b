output "repository_clone_url_http" {
  description = "HTTPS clone URL of the CodeCommit repository (null when enable_repository is off)."
  value       = one(aws_codecommit_repository.this[*].clone_url_http)
}

output "repository_arn" {
  description = "ARN of the CodeCommit repository (null when enable_repository is off)."
  value       = one(aws_codecommit_repository.this[*].arn)
}

output "repository_name" {
  description = "Name of the repository the pipeline builds."
  value       = local.repository_name
}

output "pipeline_name" {
  description = "Name of the CodePipeline."
  value       = aws_codepipeline.this.name
}

output "pipeline_arn" {
  description = "ARN of the CodePipeline."
  value       = aws_codepipeline.this.arn
}

output "codebuild_project_names" {
  description = "Names of the CodeBuild projects by stage: validate, plan, apply (empty when enable_build_projects is off)."
  value       = { for k, p in aws_codebuild_project.this : k => p.name }
}

output "log_group_names" {
  description = "CloudWatch log group of each CodeBuild project: validate, plan, apply."
  value       = { for k, g in aws_cloudwatch_log_group.build : k => g.name }
}

output "artifact_bucket_name" {
  description = "Name of the artifact bucket (source snapshots, saved plans)."
  value       = aws_s3_bucket.artifacts.bucket
}

output "artifact_bucket_arn" {
  description = "ARN of the artifact bucket."
  value       = aws_s3_bucket.artifacts.arn
}

output "validate_role_arn" {
  description = "Service role of the validate build (cannot assume the deployment role)."
  value       = aws_iam_role.build["validate"].arn
}

output "deploy_role_arn" {
  description = "Service role of the plan and apply builds: the principal the deployment role's trust policy must allow."
  value       = aws_iam_role.build["deploy"].arn
}

output "pipeline_role_arn" {
  description = "Service role of the CodePipeline."
  value       = aws_iam_role.pipeline.arn
}

output "events_role_arn" {
  description = "Role EventBridge uses to start the pipeline on a push (null when start_on_push is off)."
  value       = one(aws_iam_role.events[*].arn)
}
