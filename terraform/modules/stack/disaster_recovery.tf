# Disaster recovery, standby side: the sync-cluster-sizes function (lambda/sync_cluster_sizes) joins
# the serverless module's functions when failover_sync is set. Its role may read the primary's
# node groups, resize and add node groups of this cluster, start and stop this stack's hosts, read
# the health alarm and publish to the alert topic: each statement names its resources.
# The primary side (replication, global tables, backup copies) is wired in platform.tf.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  sync             = var.failover_sync
  sync_zip_path    = local.sync == null ? null : coalesce(local.sync.zip_path, "${path.module}/../../build/lambda/sync_cluster_sizes.zip")
  dr_cluster_name  = one(module.eks_cluster[*].cluster_name) # this stack's cluster (the standby's, when failover_sync is set)
  dr_node_groups   = try(module.eks_cluster[0].node_group_names, {})
  host_ids         = flatten([for m in module.hosts : m.instance_ids])
  host_arns        = flatten([for m in module.hosts : m.instance_arns])
  host_volume_keys = [for m in module.hosts : m.ebs_kms_key_arn]

  eks_arn = "arn:${local.partition}:eks"

  # A for over a map that is empty without failover_sync: a conditional's two branches would
  # have to be of one type, which these statement lists are not.
  failover_functions = { for name, sync in local.sync == null ? {} : { sync_cluster_sizes = local.sync } : name => {
    zip_path             = local.sync_zip_path # tools/build_lambdas.py
    handler              = "handler.handler"
    timeout_seconds      = 120
    reserved_concurrency = 1 # one failover or failback at a time
    environment = {
      PRIMARY_REGION  = sync.primary_region
      PRIMARY_CLUSTER = sync.primary_cluster_name
      DR_CLUSTER      = local.dr_cluster_name
      NODE_GROUPS = jsonencode({ for key, g in sync.primary_node_groups : key => {
        primary  = g.name
        dr       = local.dr_node_groups[key]
        pilot    = { min_size = var.eks_node_groups[key].min_size, desired_size = var.eks_node_groups[key].desired_size, max_size = var.eks_node_groups[key].max_size }
        recorded = { instance_types = g.instance_types, min_size = g.min_size, desired_size = g.desired_size, max_size = g.max_size }
      } })
      DR_HOST_IDS         = join(",", local.host_ids)
      HEALTH_ALARM_NAME   = sync.health_alarm_name
      HEALTH_ALARM_REGION = sync.health_alarm_region
      TOPIC_ARN           = module.events.alert_topic_arn
      AUTO_FAILBACK       = tostring(sync.auto_failback)
    }
    statements = concat(
      [
        {
          sid       = "ReadPrimaryNodeGroups"
          actions   = ["eks:DescribeNodegroup"]
          resources = ["${local.eks_arn}:${sync.primary_region}:${local.account_id}:nodegroup/${sync.primary_cluster_name}/*"]
        },
        {
          # CreateNodegroup is authorised on the cluster, the others on its node groups.
          sid     = "ResizeStandbyNodeGroups"
          actions = ["eks:DescribeNodegroup", "eks:UpdateNodegroupConfig", "eks:CreateNodegroup", "eks:DeleteNodegroup", "eks:TagResource"]
          resources = [
            "${local.eks_arn}:${local.region}:${local.account_id}:cluster/${local.dr_cluster_name}",
            "${local.eks_arn}:${local.region}:${local.account_id}:nodegroup/${local.dr_cluster_name}/*",
          ]
        },
        {
          sid       = "PassNodeRoleToEks"
          actions   = ["iam:PassRole"]
          resources = [module.eks_cluster[0].node_role_arn]
          condition = { StringEquals = { "iam:PassedToService" = ["eks.amazonaws.com"] } }
        },
        {
          # Describe calls take no resource; CreateNodegroup reads the subnets and launch template.
          sid       = "DescribeHostsAndNodeNetwork"
          actions   = ["ec2:DescribeInstances", "ec2:DescribeSubnets", "ec2:DescribeLaunchTemplateVersions"]
          resources = ["*"]
        },
        {
          sid       = "ReadPrimaryHealthAlarm"
          actions   = ["cloudwatch:DescribeAlarms"]
          resources = ["arn:${local.partition}:cloudwatch:${sync.health_alarm_region}:${local.account_id}:alarm:${sync.health_alarm_name}"]
        },
        {
          sid       = "PublishToAlertTopic"
          actions   = ["sns:Publish"]
          resources = [module.events.alert_topic_arn]
        },
        {
          sid       = "EncryptAlertsViaSns"
          actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
          resources = [module.security.kms_key_arns["orders"]]
          condition = { StringEquals = { "kms:ViaService" = ["sns.${local.region}.amazonaws.com"] } }
        },
      ],
      # for-if instead of a conditional: a conditional's two tuples would have to be the same type.
      [for statement in [
        {
          sid       = "StartAndStopStandbyHosts"
          actions   = ["ec2:StartInstances", "ec2:StopInstances"]
          resources = local.host_arns
        },
        {
          # Starting a host with KMS-encrypted volumes makes EC2 ask for a grant on their key.
          sid       = "GrantVolumeKeysToEc2"
          actions   = ["kms:CreateGrant"]
          resources = local.host_volume_keys
          condition = { Bool = { "kms:GrantIsForAWSResource" = ["true"] } }
        },
      ] : statement if length(local.host_arns) > 0],
    )
  } }

  # The function calls the primary region's EKS API and the health alarm's region: HTTPS out
  # through the NAT gateways.
  failover_egress_cidrs = local.sync == null ? [] : ["0.0.0.0/0"]
}
