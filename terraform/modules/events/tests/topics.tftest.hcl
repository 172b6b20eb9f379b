# The SNS topics: notifications and alerts, encrypted with the orders CMK; topic policies (the
# account's own access, TLS only, and CloudWatch alarms and EventBridge of this account allowed to
# publish to alerts); the ops queue subscribed to notifications; e-mail subscriptions to alerts
# from alert_email_addresses, none by default and one per address when set, and back to none.
# Offline: every AWS answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "topics_are_encrypted_with_the_orders_key" {
  command = apply

  assert {
    condition = (
      aws_sns_topic.notifications.name == "lowlat-test-notifications" && aws_sns_topic.alerts.name == "lowlat-test-alerts" &&
      aws_sns_topic.notifications.kms_master_key_id == var.orders_kms_key_arn && aws_sns_topic.alerts.kms_master_key_id == var.orders_kms_key_arn
    )
    error_message = "<name>-notifications and <name>-alerts are encrypted with the orders CMK."
  }
  assert {
    condition     = output.alert_topic_arn == "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts" && output.notification_topic_arn == "arn:aws:sns:eu-west-2:123456789012:lowlat-test-notifications"
    error_message = "alert_topic_arn and notification_topic_arn name the two topics."
  }
  assert {
    condition     = aws_sns_topic.alerts.tags["Name"] == "lowlat-test-alerts" && aws_sns_topic.notifications.tags["lowlat:env"] == "test"
    error_message = "Topics carry their Name and the module tags."
  }
}

run "cloudwatch_alarms_and_eventbridge_may_publish_to_alerts" {
  command = apply

  assert {
    condition     = aws_sns_topic_policy.alerts.arn == aws_sns_topic.alerts.arn
    error_message = "The alerts policy is attached to the alerts topic."
  }
  assert {
    condition = [for s in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : s if s.Sid == "CloudWatchAlarmsOfThisAccount"] == [{
      Sid       = "CloudWatchAlarmsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:cloudwatch:eu-west-2:123456789012:alarm:*" }
      }
    }]
    error_message = "CloudWatch alarms of this account and region may publish to alerts."
  }
  assert {
    condition = [for s in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : s if s.Sid == "EventBridgeRulesOfThisAccount"] == [{
      Sid       = "EventBridgeRulesOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "123456789012" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:events:eu-west-2:123456789012:rule/*" }
      }
    }]
    error_message = "EventBridge rules of this account and region may publish to alerts."
  }
  assert {
    condition = [for s in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : s if s.Sid == "AccountOwnerAccess"] == [{
      Sid       = "AccountOwnerAccess"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Action    = ["sns:AddPermission", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:Publish", "sns:RemovePermission", "sns:SetTopicAttributes", "sns:Subscribe"]
      Resource  = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      Condition = { StringEquals = { "AWS:SourceOwner" = "123456789012" } }
    }]
    error_message = "The account keeps the access SNS's default policy gives it."
  }
  assert {
    condition = [for s in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : s if s.Effect == "Deny"] == [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "sns:Publish"
      Resource  = "arn:aws:sns:eu-west-2:123456789012:lowlat-test-alerts"
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
    error_message = "Publishing to alerts without TLS is refused."
  }
  assert {
    condition     = length(jsondecode(aws_sns_topic_policy.alerts.policy).Statement) == 4
    error_message = "The alerts policy has exactly the owner, CloudWatch, EventBridge and TLS statements."
  }
}

run "notifications_admit_no_service_principal" {
  command = apply

  assert {
    condition = (
      aws_sns_topic_policy.notifications.arn == aws_sns_topic.notifications.arn &&
      [for s in jsondecode(aws_sns_topic_policy.notifications.policy).Statement : s.Sid] == ["AccountOwnerAccess", "DenyInsecureTransport"] &&
      alltrue([for s in jsondecode(aws_sns_topic_policy.notifications.policy).Statement : s.Resource == aws_sns_topic.notifications.arn])
    )
    error_message = "The notifications topic keeps the account's own access and refuses non-TLS publishing; no service is granted."
  }
}

run "the_ops_queue_is_subscribed_to_notifications_and_no_email_by_default" {
  command = apply

  assert {
    condition = (
      aws_sns_topic_subscription.ops_notifications.topic_arn == aws_sns_topic.notifications.arn &&
      aws_sns_topic_subscription.ops_notifications.protocol == "sqs" &&
      aws_sns_topic_subscription.ops_notifications.endpoint == aws_sqs_queue.ops_notifications.arn &&
      aws_sns_topic_subscription.ops_notifications.raw_message_delivery
    )
    error_message = "Notifications are delivered raw to the ops notifications queue."
  }
  assert {
    condition     = length(aws_sns_topic_subscription.alert_email) == 0
    error_message = "No e-mail subscription without alert_email_addresses."
  }
  assert {
    condition     = output.ops_notifications_queue_arn == aws_sqs_queue.ops_notifications.arn && output.ops_notifications_queue_url == aws_sqs_queue.ops_notifications.id
    error_message = "The ops queue's URL and ARN are output."
  }
}

run "each_alert_address_gets_an_email_subscription_to_alerts" {
  command = apply

  variables {
    alert_email_addresses = ["ops@example.com", "trading.desk+alerts@example.co.uk"]
  }

  assert {
    condition     = keys(aws_sns_topic_subscription.alert_email) == ["ops@example.com", "trading.desk+alerts@example.co.uk"]
    error_message = "One subscription per address."
  }
  assert {
    condition = alltrue([for address, s in aws_sns_topic_subscription.alert_email : (
      s.topic_arn == aws_sns_topic.alerts.arn && s.protocol == "email" && s.endpoint == address
    )])
    error_message = "Each address is an e-mail subscription of the alerts topic."
  }
}

run "emptying_the_list_removes_the_email_subscriptions" {
  command = apply

  assert {
    condition     = length(aws_sns_topic_subscription.alert_email) == 0
    error_message = "An empty alert_email_addresses leaves no e-mail subscription."
  }
}
