# The platform dashboard: its JSON body decoded and checked for the stream, queues, DLQs, RDS
# instance and engine metrics it was given, and for a grid without overlaps. Offline: every AWS
# answer comes from the mock.

mock_provider "aws" {
  source = "./tests/mocks"
}

run "dashboard_watches_the_stream_queues_rds_and_engine" {
  command = plan

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "lowlat-test-platform"
    error_message = "The dashboard is named <name>-platform."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 13
    error_message = "3 engine, 2 Kinesis, 2 queue, 2 dead-letter and 4 RDS widgets: 13."
  }
  assert {
    condition     = alltrue([for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.type == "metric" && w.properties.region == "eu-west-2" && w.properties.period == 60])
    error_message = "Every widget is a metric widget of the provider's region with a 60 s period."
  }
  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "AWS/Kinesis" && m[2] == "StreamName" && m[3] == "lowlat-test-market-data"
      ]
    ])) == toset(["GetRecords.IteratorAgeMilliseconds", "IncomingRecords"])
    error_message = "The Kinesis widgets show iterator age and incoming records of kinesis_stream_name."
  }
  assert {
    condition = alltrue([
      for q in concat(tolist(var.queue_names), tolist(var.dead_letter_queue_names)) : toset(flatten([
        for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
          for m in w.properties.metrics : m[1] if m[0] == "AWS/SQS" && m[2] == "QueueName" && m[3] == q
        ]
      ])) == toset(["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"])
    ])
    error_message = "Every order queue and every dead-letter queue has its messages visible and age of oldest message on the dashboard."
  }
  assert {
    condition = length([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w
      if startswith(w.properties.title, "Dead-letter queues") && alltrue([for m in w.properties.metrics : contains(tolist(var.dead_letter_queue_names), m[3])])
    ]) == 2
    error_message = "The dead-letter queues have two widgets of their own, showing only dead-letter queues."
  }
  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "AWS/RDS" && m[2] == "DBInstanceIdentifier" && m[3] == "lowlat-test-trades"
      ]
    ])) == toset(["CPUUtilization", "FreeStorageSpace", "ReadLatency", "WriteLatency", "DatabaseConnections"])
    error_message = "The RDS widgets show CPU, free storage, read and write latency and connections of rds_instance_id."
  }
  assert {
    condition = [
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[4].stat if m[0] == "Lowlat/Engine" && m[1] == "ExecutionDelayMicros" && m[2] == "Env" && m[3] == "test"
      ] if w.properties.title == "Engine execution delay (µs)"
    ] == [["p50", "p99"]]
    error_message = "The execution delay widget shows the p50 and the p99 of the engine's metric for this env."
  }
  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "Lowlat/Engine" && m[2] == "Env" && m[3] == "test"
      ]
    ])) == toset(["ExecutionDelayMicros", "OrdersPerSecond", "KillSwitchEngaged"])
    error_message = "The engine widgets show execution delay, orders per second and the kill switch state, by Env."
  }
  assert {
    condition = [
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.annotations.horizontal[0].value
      if w.properties.title == "Engine execution delay (µs)"
    ] == [1000]
    error_message = "The execution delay widget draws the alarm threshold (1000 µs)."
  }
  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "ReplicaLag")
    error_message = "No replica lag widget without rds_replica_instance_id."
  }
}

run "widgets_lie_on_a_grid_without_overlap" {
  command = plan

  assert {
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.x >= 0 && w.x + w.width <= 24 && w.width == 12 && w.height == 6 && w.y % 6 == 0 && w.x % 12 == 0
    ])
    error_message = "Every widget is 12 x 6 and fits the 24-unit dashboard width on a 12 x 6 grid."
  }
  assert {
    condition = length(distinct([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : "${w.x},${w.y}"
    ])) == length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets)
    error_message = "No two widgets share a grid cell."
  }
  assert {
    condition     = [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [w.x, w.y]][0] == [0, 0] && [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [w.x, w.y]][1] == [12, 0] && [for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [w.x, w.y]][2] == [0, 6]
    error_message = "Widgets fill the grid two per row, left to right, top to bottom."
  }
}

run "without_dead_letter_queues_their_widgets_are_left_out" {
  command = plan

  variables {
    dead_letter_queue_names = []
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 11
    error_message = "Without dead-letter queues the dashboard has 11 widgets."
  }
  assert {
    condition     = !strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "Dead-letter")
    error_message = "No dead-letter widget without dead_letter_queue_names."
  }
}

run "replica_custom_namespace_and_metric_names_reach_the_dashboard" {
  command = plan

  variables {
    rds_replica_instance_id          = "lowlat-test-trades-replica"
    engine_metrics_namespace         = "Lowlat/EngineV2"
    engine_metric_names              = { execution_delay = "TickToTradeMicros" }
    execution_delay_threshold_micros = 250
  }

  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "AWS/RDS" && m[3] == "lowlat-test-trades-replica"
      ]
    ])) == toset(["ReplicaLag"])
    error_message = "rds_replica_instance_id adds a replica lag widget for that instance."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 14
    error_message = "The replica lag widget is the 14th."
  }
  assert {
    condition = toset(flatten([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : [
        for m in w.properties.metrics : m[1] if m[0] == "Lowlat/EngineV2"
      ]
    ])) == toset(["TickToTradeMicros", "OrdersPerSecond", "KillSwitchEngaged"])
    error_message = "engine_metrics_namespace and engine_metric_names reach the engine widgets (unset names keep their defaults)."
  }
  assert {
    condition = [
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets : w.properties.annotations.horizontal[0].value
      if w.properties.title == "Engine execution delay (µs)"
    ] == [250]
    error_message = "The execution delay widget draws the threshold given (250 µs)."
  }
}

run "dashboard_name_output" {
  command = apply

  assert {
    condition     = output.dashboard_name == "lowlat-test-platform"
    error_message = "dashboard_name is the dashboard's name."
  }
}
