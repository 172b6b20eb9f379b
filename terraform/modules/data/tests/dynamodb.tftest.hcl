# DynamoDB: on-demand by default (provisioned on request), PITR, each table under its class's key,
# the market-data TTL, deletion protection both ways. Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "tables_are_encrypted_with_their_class_key_and_recoverable" {
  command = plan

  assert {
    condition = (
      aws_dynamodb_table.order_books[0].server_side_encryption[0].enabled &&
      aws_dynamodb_table.order_books[0].server_side_encryption[0].kms_key_arn == var.trades_kms_key_arn
    )
    error_message = "The order-book table is encrypted with the trades key."
  }
  assert {
    condition = (
      aws_dynamodb_table.orders[0].server_side_encryption[0].enabled &&
      aws_dynamodb_table.orders[0].server_side_encryption[0].kms_key_arn == var.trades_kms_key_arn &&
      aws_dynamodb_table.orders[0].point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.orders[0].name == "lowlat-test-orders" && aws_dynamodb_table.orders[0].hash_key == "order_id"
    )
    error_message = "The orders table (<name>-orders, keyed by order_id) is encrypted with the trades key and recoverable."
  }
  assert {
    condition = (
      aws_dynamodb_table.market_data[0].server_side_encryption[0].enabled &&
      aws_dynamodb_table.market_data[0].server_side_encryption[0].kms_key_arn == var.market_data_kms_key_arn
    )
    error_message = "The market-data table is encrypted with the market data key."
  }
  assert {
    condition     = aws_dynamodb_table.order_books[0].point_in_time_recovery[0].enabled && aws_dynamodb_table.market_data[0].point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery is on for both tables."
  }
  assert {
    condition = (
      aws_dynamodb_table.order_books[0].name == "lowlat-test-order-books" &&
      aws_dynamodb_table.market_data[0].name == "lowlat-test-market-data" &&
      aws_dynamodb_table.order_books[0].hash_key == "instrument_id" && aws_dynamodb_table.order_books[0].range_key == "sequence" &&
      aws_dynamodb_table.market_data[0].hash_key == "instrument_id" && aws_dynamodb_table.market_data[0].range_key == "event_time"
    )
    error_message = "Tables are named <name>-order-books and <name>-market-data, keyed by instrument and sequence / event time."
  }
}

run "on_demand_by_default_with_ttl_on_market_data" {
  command = plan

  assert {
    condition = (
      aws_dynamodb_table.order_books[0].billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.market_data[0].billing_mode == "PAY_PER_REQUEST"
    )
    error_message = "Both tables are on demand by default."
  }
  assert {
    condition     = aws_dynamodb_table.market_data[0].ttl[0].enabled && aws_dynamodb_table.market_data[0].ttl[0].attribute_name == "expires_at"
    error_message = "Market data expires through the expires_at attribute."
  }
  assert {
    condition     = length([for t in aws_dynamodb_table.order_books[0].ttl : t if t.enabled]) == 0
    error_message = "Order books have no TTL."
  }
}

run "provisioned_capacity_on_request" {
  command = plan

  variables {
    dynamodb_billing_mode         = "PROVISIONED"
    dynamodb_provisioned_capacity = { read = 20, write = 10 }
    market_data_ttl_attribute     = "ttl"
  }

  assert {
    condition = alltrue([for t in concat(aws_dynamodb_table.orders, aws_dynamodb_table.order_books, aws_dynamodb_table.market_data) :
    t.billing_mode == "PROVISIONED" && t.read_capacity == 20 && t.write_capacity == 10])
    error_message = "PROVISIONED tables get the given read and write capacity."
  }
  assert {
    condition     = aws_dynamodb_table.market_data[0].ttl[0].attribute_name == "ttl"
    error_message = "The TTL attribute comes from market_data_ttl_attribute."
  }
}

run "deletion_protection_off_in_dev" {
  command = plan

  assert {
    condition     = !aws_dynamodb_table.orders[0].deletion_protection_enabled && !aws_dynamodb_table.order_books[0].deletion_protection_enabled && !aws_dynamodb_table.market_data[0].deletion_protection_enabled
    error_message = "dev tables can be deleted."
  }
}

run "deletion_protection_on_in_prod" {
  command = plan

  variables {
    env = "prod"
  }

  assert {
    condition     = aws_dynamodb_table.orders[0].deletion_protection_enabled && aws_dynamodb_table.order_books[0].deletion_protection_enabled && aws_dynamodb_table.market_data[0].deletion_protection_enabled
    error_message = "prod tables have deletion protection."
  }
}

run "outputs_name_both_tables" {
  command = apply

  assert {
    condition = (
      output.dynamodb_table_names == { orders = "lowlat-test-orders", order_books = "lowlat-test-order-books", market_data = "lowlat-test-market-data" } &&
      output.dynamodb_table_arns == { orders = aws_dynamodb_table.orders[0].arn, order_books = aws_dynamodb_table.order_books[0].arn, market_data = aws_dynamodb_table.market_data[0].arn }
    )
    error_message = "dynamodb_table_names and dynamodb_table_arns map orders, order_books and market_data."
  }
  assert {
    condition     = aws_dynamodb_table.market_data[0].tags == tomap({ Name = "lowlat-test-market-data", "lowlat:env" = "dev", owner = "trading-platform" })
    error_message = "Tables carry their Name and the caller's tags."
  }
}
