# DynamoDB tables: orders by id (the order status API reads them) and order-book snapshots (trades
# key), and market data with a TTL (market data key).
# Point-in-time recovery on, customer-managed keys, deletion protection when protected.

locals {
  provisioned = var.dynamodb_billing_mode == "PROVISIONED"
}

resource "aws_dynamodb_table" "orders" {
  name           = "${var.name}-orders"
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

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.trades_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = "${var.name}-orders" })
}

resource "aws_dynamodb_table" "order_books" {
  name           = "${var.name}-order-books"
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

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.trades_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = "${var.name}-order-books" })
}

resource "aws_dynamodb_table" "market_data" {
  name           = "${var.name}-market-data"
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

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.market_data_kms_key_arn
  }

  deletion_protection_enabled = local.protect

  tags = merge(var.tags, { Name = "${var.name}-market-data" })
}
