################################################################################
# EventBridge: the order bus, one rule per event kind, each delivering to its order queue
################################################################################

locals {
  bus_name = "${var.name}-orders"
}

resource "aws_cloudwatch_event_bus" "orders" {
  name               = local.bus_name
  kms_key_identifier = var.orders_kms_key_arn

  tags = merge(local.tags, { Name = local.bus_name })
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = var.event_rules

  name           = "${var.name}-${each.key}"
  description    = "${join(", ", each.value.detail_types)} events from ${var.event_source} to the ${each.value.queue} queue."
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  state          = "ENABLED"

  event_pattern = jsonencode({
    source        = [var.event_source]
    "detail-type" = each.value.detail_types
  })

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = var.event_rules

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = aws_cloudwatch_event_bus.orders.name
  target_id      = "${each.value.queue}-queue"
  arn            = aws_sqs_queue.order[each.value.queue].arn

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 185
  }

  # Events EventBridge cannot deliver (queue gone, key policy) land in the queue's DLQ, whose
  # alarm then fires.
  dead_letter_config {
    arn = aws_sqs_queue.order_dlq[each.value.queue].arn
  }

  # The queue policy must admit the rule before the first delivery.
  depends_on = [aws_sqs_queue_policy.order, aws_sqs_queue_policy.order_dlq]
}
