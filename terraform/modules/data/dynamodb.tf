# DynamoDB tables: orders by id (the order status API reads them) and order-book snapshots (trades
# key), and market data with a TTL (market data key).
# Point-in-time recovery on, customer-managed keys, deletion protection when protected.
# Disaster recovery: dynamodb_replica_regions makes them global tables (a replica per region under
# that region's key, streams on); in the standby region dynamodb_tables_from leaves them out here,
# since they arrive as those replicas.

locals {
  provisioned   = var.dynamodb_billing_mode == "PROVISIONED"
  create_tables = var.dynamodb_tables_from == null
  global_tables = length(var.dynamodb_replica_regions) > 0
  table_prefix  = coalesce(var.dynamodb_tables_from, var.name)
  table_names = {
    orders      = "${local.table_prefix}-orders"
    order_books = "${local.table_prefix}-order-books"
    market_data = "${local.table_prefix}-market-data"
  }
}

moved {
  from = aws_dynamodb_table.orders
  to   = aws_dynamodb_table.orders[0]
}

moved {
  from = aws_dynamodb_table.order_books
  to   = aws_dynamodb_table.order_books[0]
}

moved {
  from = aws_dynamodb_table.market_data
  to   = aws_dynamodb_table.market_data[0]
}

resource "aws_dynamodb_table" "orders" {
  count = local.create_tables ? 1 : 0

  name           = local.table_names.orders
  billing_mode   = var.dynamodb_billing_mode
  read_capacity  = local.provisioned ? var.dynamodb_provisioned_capacity.read : null
  write_capacity = local.provisioned ? var.dynamodb_provisioned_capacity.write : null

  hash_key = "order_id"

  attribute {
    name = "order_id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  # Global tables replicate through the table's stream.
  stream_enabled   = local.global_tables ? true : null
  stream_view_type = local.global_tables ? "NEW_AND_OLD_IMAGES" : null

  dynamic "replica" {
    for_each = var.dynamodb_replica_regions
    content {
      region_name            = replica.key
      kms_key_arn            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.trades_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = local.table_names.orders })
}

resource "aws_dynamodb_table" "order_books" {
  count = local.create_tables ? 1 : 0

  name           = local.table_names.order_books
  billing_mode   = var.dynamodb_billing_mode
  read_capacity  = local.provisioned ? var.dynamodb_provisioned_capacity.read : null
  write_capacity = local.provisioned ? var.dynamodb_provisioned_capacity.write : null

  hash_key  = "instrument_id"
  range_key = "sequence"

  attribute {
    name = "instrument_id"
    type = "S"
  }
  attribute {
    name = "sequence"
    type = "N"
  }

  point_in_time_recovery {
    enabled = true
  }

  # Global tables replicate through the table's stream.
  stream_enabled   = local.global_tables ? true : null
  stream_view_type = local.global_tables ? "NEW_AND_OLD_IMAGES" : null

  dynamic "replica" {
    for_each = var.dynamodb_replica_regions
    content {
      region_name            = replica.key
      kms_key_arn            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.trades_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = local.table_names.order_books })
}

resource "aws_dynamodb_table" "market_data" {
  count = local.create_tables ? 1 : 0

  name           = local.table_names.market_data
  billing_mode   = var.dynamodb_billing_mode
  read_capacity  = local.provisioned ? var.dynamodb_provisioned_capacity.read : null
  write_capacity = local.provisioned ? var.dynamodb_provisioned_capacity.write : null

  hash_key  = "instrument_id"
  range_key = "event_time"

  attribute {
    name = "instrument_id"
    type = "S"
  }
  attribute {
    name = "event_time"
    type = "N"
  }

  ttl {
    enabled        = true
    attribute_name = var.market_data_ttl_attribute
  }

  point_in_time_recovery {
    enabled = true
  }

  # Global tables replicate through the table's stream.
  stream_enabled   = local.global_tables ? true : null
  stream_view_type = local.global_tables ? "NEW_AND_OLD_IMAGES" : null

  dynamic "replica" {
    for_each = var.dynamodb_replica_regions
    content {
      region_name            = replica.key
      kms_key_arn            = replica.value
      point_in_time_recovery = true
      propagate_tags         = true
    }
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.market_data_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = local.table_names.market_data })
}
