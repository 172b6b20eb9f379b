# Service roles, least privilege: each role reaches only this module's bucket, key, repository,
# log groups, projects and pipeline, by ARN. The deploy role (plan, apply) is the only one that may
# assume the deployment role; the validate role is explicitly denied it.

locals {
  # Build role -> its projects.
  build_roles = {
    validate = [for k, b in local.builds : k if b.role == "validate"]
    deploy   = [for k, b in local.builds : k if b.role == "deploy"]
  }

  vpc_subnet_arns = var.vpc_config == null ? [] : [
    for s in var.vpc_config.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:subnet/${s}"
  ]
  vpc_security_group_arns = var.vpc_config == null ? [] : [
    for s in var.vpc_config.security_group_ids : "arn:${local.partition}:ec2:${local.region}:${local.account_id}:security-group/${s}"
  ]
  network_interface_arns = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:network-interface/*"

  # What a build in a VPC needs: CodeBuild makes and removes an ENI in the given subnets.
  vpc_statements = [for s in [
    {
      Sid    = "DescribeTheBuildNetwork"
      Effect = "Allow"
      Action = [
        "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs",
      ]
      Resource = "*"
    },
    {
      Sid      = "CreateBuildNetworkInterfaces"
      Effect   = "Allow"
      Action   = "ec2:CreateNetworkInterface"
      Resource = concat([local.network_interface_arns], local.vpc_subnet_arns, local.vpc_security_group_arns)
    },
    {
      Sid      = "DeleteBuildNetworkInterfaces"
      Effect   = "Allow"
      Action   = "ec2:DeleteNetworkInterface"
      Resource = local.network_interface_arns
    },
    {
      Sid      = "LetCodeBuildUseTheInterfaces"
      Effect   = "Allow"
      Action   = "ec2:CreateNetworkInterfacePermission"
      Resource = local.network_interface_arns
      Condition = {
        StringEquals = { "ec2:AuthorizedService" = "codebuild.amazonaws.com" }
        ArnEquals    = { "ec2:Subnet" = local.vpc_subnet_arns }
      }
    },
  ] : s if var.vpc_config != null]

  build_role_statements = {
    for role, projects in local.build_roles : role => concat(
      [
        {
          Sid      = "WriteBuildLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = [for p in projects : "${local.log_group_arns[p]}:*"]
        },
        {
          Sid      = "ReadPipelineArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion"]
          Resource = "${local.artifact_bucket_arn}/*"
        },
        {
          Sid      = "LocateArtifactBucket"
          Effect   = "Allow"
          Action   = ["s3:GetBucketAcl", "s3:GetBucketLocation"]
          Resource = local.artifact_bucket_arn
        },
        {
          # The source artifact is a reference to a commit (CODEBUILD_CLONE_REF): the build clones it.
          Sid      = "CloneTheRepository"
          Effect   = "Allow"
          Action   = "codecommit:GitPull"
          Resource = local.repository_arn
        },
        {
          Sid      = "UsePipelineKey"
          Effect   = "Allow"
          Action   = role == "deploy" ? ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"] : ["kms:Decrypt", "kms:DescribeKey"]
          Resource = var.kms_key_arn
        },
      ],
      [for s in [
        {
          Sid      = "WritePlanArtifact"
          Effect   = "Allow"
          Action   = "s3:PutObject"
          Resource = "${local.artifact_bucket_arn}/*"
        },
        {
          Sid      = "AssumeDeploymentRole"
          Effect   = "Allow"
          Action   = "sts:AssumeRole"
          Resource = var.deployment_role_arn
        },
      ] : s if role == "deploy"],
      [for s in [
        {
          Sid      = "NeverAssumeDeploymentRole"
          Effect   = "Deny"
          Action   = "sts:AssumeRole"
          Resource = var.deployment_role_arn
        },
      ] : s if role != "deploy"],
      local.vpc_statements,
    )
  }

  pipeline_statements = concat(
    [
      {
        Sid      = "ReadWriteArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "${local.artifact_bucket_arn}/*"
      },
      {
        Sid      = "LocateArtifactBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketVersioning", "s3:GetBucketLocation"]
        Resource = local.artifact_bucket_arn
      },
      {
        Sid      = "UsePipelineKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
        Resource = var.kms_key_arn
      },
      {
        Sid    = "ReadSourceBranch"
        Effect = "Allow"
        Action = [
          "codecommit:GetBranch", "codecommit:GetCommit", "codecommit:GetRepository",
          "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive",
        ]
        Resource = local.repository_arn
      },
      {
        Sid      = "RunTheBuilds"
        Effect   = "Allow"
        Action   = ["codebuild:BatchGetBuilds", "codebuild:StartBuild"]
        Resource = values(local.project_arns)
      },
    ],
    [for s in [
      {
        Sid      = "NotifyApprovers"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = var.approval_sns_topic_arn
      },
    ] : s if var.approval_sns_topic_arn != null],
    [for s in [
      {
        Sid      = "PublishToEncryptedTopic"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource = var.approval_sns_kms_key_arn
      },
    ] : s if var.approval_sns_kms_key_arn != null],
  )
}

################################################################################
# CodeBuild: validate and deploy (plan, apply)
################################################################################

resource "aws_iam_role" "build" {
  for_each = local.build_roles

  name        = "${var.name}-cicd-${each.key}"
  description = "CodeBuild service role of the ${var.name} ${join(" and ", each.value)} build${length(each.value) > 1 ? "s" : ""}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codebuild.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = [for p in each.value : local.project_arns[p]] }
      }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-cicd-${each.key}" })
}

resource "aws_iam_role_policy" "build" {
  for_each = local.build_roles

  name   = "${each.key}-builds"
  role   = aws_iam_role.build[each.key].id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.build_role_statements[each.key] })
}

################################################################################
# CodePipeline
################################################################################

resource "aws_iam_role" "pipeline" {
  name        = "${var.name}-cicd-pipeline"
  description = "CodePipeline service role of ${local.pipeline_name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "codepipeline.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-cicd-pipeline" })
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "pipeline"
  role   = aws_iam_role.pipeline.id
  policy = jsonencode({ Version = "2012-10-17", Statement = local.pipeline_statements })
}

################################################################################
# EventBridge: start the pipeline on a push
################################################################################

resource "aws_iam_role" "events" {
  count = var.start_on_push ? 1 : 0

  name        = "${var.name}-cicd-events"
  description = "Lets EventBridge start ${local.pipeline_name} on a push to ${var.default_branch}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account_id
          "aws:SourceArn"     = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name}-cicd-push"
        }
      }
    }]
  })

  tags = merge(local.tags, { Name = "${var.name}-cicd-events" })
}

resource "aws_iam_role_policy" "events" {
  count = var.start_on_push ? 1 : 0

  name = "start-pipeline"
  role = aws_iam_role.events[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StartThePipeline"
      Effect   = "Allow"
      Action   = "codepipeline:StartPipelineExecution"
      Resource = local.pipeline_arn
    }]
  })
}
