# The trading platform's event plumbing: the market data stream and its S3 archive (stream.tf),
# the order bus (bus.tf), the order queues with their dead-letter queues and alarms (queues.tf)
# and the notification and alert topics (topics.tf). Keys and the archive bucket come in as inputs
# from the security and data modules; nothing of another module is read by data source.

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
    "lowlat:module"  = "events"
    "lowlat:managed" = "true"
  })

  # Queues keyed by their short name (orders, cancels, executions).
  order_queues = toset(var.order_queues)
  # Rule names that deliver to each queue (a queue no rule targets gets no EventBridge grant).
  rules_by_queue = { for q in var.order_queues : q => sort([for rule, r in var.event_rules : rule if r.queue == q]) }
}
