################################################################################
# Hosted zone (created unless zone_id names one), query logging, DNSSEC
################################################################################

resource "aws_route53_zone" "this" {
  count    = var.zone_id == null ? 1 : 0
  provider = aws.global

  name          = var.zone_name
  comment       = "${var.name}: trading endpoint with failover between regions"
  force_destroy = false

  tags = merge(local.tags, { Name = var.zone_name })
}

locals {
  query_logging = var.zone_id == null && var.enable_query_logging
}

resource "aws_cloudwatch_log_group" "query_log" {
  count    = local.query_logging ? 1 : 0
  provider = aws.global

  # Route 53 writes query logs only to log groups under /aws/route53/ in us-east-1.
  name              = "/aws/route53/${var.zone_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.global.arn

  tags = merge(local.tags, { Name = "/aws/route53/${var.zone_name}" })
}

resource "aws_cloudwatch_log_resource_policy" "query_log" {
  count    = local.query_logging ? 1 : 0
  provider = aws.global

  policy_name = "${var.name}-route53-query-logs"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Route53WritesQueryLogs"
      Effect    = "Allow"
      Principal = { Service = "route53.amazonaws.com" }
      Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource  = "${aws_cloudwatch_log_group.query_log[0].arn}:*"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_route53_query_log" "this" {
  count    = local.query_logging ? 1 : 0
  provider = aws.global

  zone_id                  = aws_route53_zone.this[0].zone_id
  cloudwatch_log_group_arn = aws_cloudwatch_log_group.query_log[0].arn

  depends_on = [aws_cloudwatch_log_resource_policy.query_log]
}

# DNSSEC: a key-signing key backed by an asymmetric KMS key in us-east-1 (Route 53's requirement).
resource "aws_kms_key" "dnssec" {
  #checkov:skip=CKV_AWS_7:Route 53 DNSSEC needs an asymmetric ECC_NIST_P256 signing key, which KMS cannot rotate; the key-signing key is rotated by adding a new one.
  count    = local.dnssec ? 1 : 0
  provider = aws.global

  description              = "${var.name}: DNSSEC key-signing key of ${var.zone_name}"
  customer_master_key_spec = "ECC_NIST_P256"
  key_usage                = "SIGN_VERIFY"
  deletion_window_in_days  = var.kms_deletion_window_in_days

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministersKeyThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Route53DnssecSigns"
        Effect    = "Allow"
        Principal = { Service = "dnssec-route53.amazonaws.com" }
        Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
      {
        Sid       = "Route53DnssecGrants"
        Effect    = "Allow"
        Principal = { Service = "dnssec-route53.amazonaws.com" }
        Action    = "kms:CreateGrant"
        Resource  = "*"
        Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
      },
    ]
  })

  tags = merge(local.tags, { Name = "${var.name}-dnssec" })
}

locals {
  dnssec = var.zone_id == null && var.enable_dnssec
}

resource "aws_route53_key_signing_key" "this" {
  count    = local.dnssec ? 1 : 0
  provider = aws.global

  name                       = replace("${var.name}-ksk", "-", "_")
  hosted_zone_id             = aws_route53_zone.this[0].zone_id
  key_management_service_arn = aws_kms_key.dnssec[0].arn
}

resource "aws_route53_hosted_zone_dnssec" "this" {
  count    = local.dnssec ? 1 : 0
  provider = aws.global

  hosted_zone_id = aws_route53_key_signing_key.this[0].hosted_zone_id
}

################################################################################
# Health check on the primary's endpoint, and the failover pair
################################################################################

resource "aws_route53_health_check" "primary" {
  provider = aws.global

  fqdn              = var.primary_endpoint.dns_name
  type              = "HTTPS"
  port              = var.health_check.port
  resource_path     = var.health_check.path
  request_interval  = var.health_check.request_interval
  failure_threshold = var.health_check.failure_threshold
  regions           = var.health_check.regions
  enable_sni        = true
  measure_latency   = true

  tags = merge(local.tags, { Name = "${var.name}-primary" })
}

resource "aws_route53_record" "primary" {
  provider = aws.global

  zone_id         = local.zone_id
  name            = local.record_fqdn
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.primary.id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = var.primary_endpoint.dns_name
    zone_id                = var.primary_endpoint.zone_id
    evaluate_target_health = true
  }
}

# The standby's load balancer has no healthy targets in pilot light, so its own target health
# must not take the SECONDARY answer away: Route 53 then has nothing healthy to fall back to.
resource "aws_route53_record" "secondary" {
  provider = aws.global

  zone_id        = local.zone_id
  name           = local.record_fqdn
  type           = "A"
  set_identifier = "secondary"

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = var.secondary_endpoint.dns_name
    zone_id                = var.secondary_endpoint.zone_id
    evaluate_target_health = false
  }
}
