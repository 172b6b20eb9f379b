################################################################################
# Common
################################################################################

variable "name" {
  type        = string
  description = "Prefix for every resource name, e.g. \"lowlat-prod\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name))
    error_message = "name must be 3-32 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "env" {
  type        = string
  description = "Environment name (dev, prod); becomes the lowlat:env tag."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.env))
    error_message = "env must be 2-16 lower-case letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Extra tags merged into every taggable resource (the module's Name and lowlat:* tags win)."
  default     = {}
}

################################################################################
# Functions
################################################################################

variable "functions" {
  type = map(object({
    zip_path             = string
    handler              = string
    runtime              = optional(string, "python3.12")
    memory_mb            = optional(number, 256)
    timeout_seconds      = optional(number, 15)
    reserved_concurrency = optional(number, 10)
    environment          = optional(map(string), {})
    table_arns           = optional(list(string), [])
    statements = optional(list(object({
      sid       = string
      actions   = list(string)
      resources = list(string)
      condition = optional(map(map(list(string))))
    })), [])
  }))
  description = <<-EOT
    The Lambda functions, keyed by a short name (the function is <name>-<key> with underscores as
    dashes, e.g. lowlat-prod-order-status). zip_path: the package built by tools/build_lambdas.py
    (terraform/build/lambda/<key>.zip). handler: module.function inside the zip. runtime: a
    supported Python runtime. memory_mb 128-10240, timeout_seconds 1-900 (at most 29 for a function
    behind the API). reserved_concurrency: 1-1000 executions kept for this function (and its
    ceiling), or -1 for the account's unreserved pool. environment: non-secret settings only.
    table_arns: the DynamoDB tables it may GetItem from. statements: further Allow statements of
    its role (sid, actions, resources, optional condition), each naming its resources.
  EOT

  validation {
    condition     = alltrue([for k in keys(var.functions) : can(regex("^[a-z][a-z0-9_]{1,30}$", k))])
    error_message = "functions keys must be 2-31 lower-case letters, digits or underscores, starting with a letter (e.g. order_status)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : endswith(f.zip_path, ".zip") && fileexists(f.zip_path)])
    error_message = "functions: each zip_path must name an existing .zip file; build the packages with tools/build_lambdas.py (terraform/build/lambda/<function>.zip)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$", f.handler))])
    error_message = "functions: each handler must be module.function with Python identifiers (e.g. handler.handler)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : contains(["python3.11", "python3.12", "python3.13"], f.runtime)])
    error_message = "functions: each runtime must be a supported Python runtime: python3.11, python3.12 or python3.13."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.memory_mb >= 128 && f.memory_mb <= 10240 && floor(f.memory_mb) == f.memory_mb])
    error_message = "functions: each memory_mb must be a whole number of MB between 128 and 10240."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout_seconds >= 1 && f.timeout_seconds <= 900 && floor(f.timeout_seconds) == f.timeout_seconds])
    error_message = "functions: each timeout_seconds must be a whole number of seconds between 1 and 900."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency != 0])
    error_message = "functions: a reserved_concurrency of 0 stops the function (every invocation is throttled); use 1 or more, or -1 for the unreserved pool."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency >= -1 && f.reserved_concurrency <= 1000 && floor(f.reserved_concurrency) == f.reserved_concurrency])
    error_message = "functions: each reserved_concurrency must be a whole number from 1 to 1000, or -1 for the unreserved pool."
  }

  validation {
    condition = alltrue(flatten([for f in values(var.functions) : [
      for k in keys(f.environment) : can(regex("^[A-Za-z][A-Za-z0-9_]{0,127}$", k)) && !can(regex("^(AWS|LAMBDA)_", upper(k)))
    ]]))
    error_message = "functions: environment names must be letters, digits and underscores starting with a letter, and must not start with AWS_ or LAMBDA_ (reserved by Lambda)."
  }

  validation {
    condition = alltrue(flatten([for f in values(var.functions) : [
      for k in keys(f.environment) : !can(regex("PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL", upper(k)))
    ]]))
    error_message = "functions: environment must not carry secrets (a name contains PASSWORD, SECRET, TOKEN, API_KEY, ACCESS_KEY, PRIVATE_KEY or CREDENTIAL); pass the secret's ARN and read it from Secrets Manager at run time."
  }

  validation {
    condition     = alltrue(flatten([for f in values(var.functions) : [for t in f.table_arns : can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", t))]]))
    error_message = "functions: each table_arns entry must be a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME), not a table name or an index ARN."
  }

  validation {
    condition = alltrue(flatten([for f in values(var.functions) : [
      for st in f.statements : can(regex("^[A-Za-z0-9]{1,64}$", st.sid)) && length(st.actions) > 0 && length(st.resources) > 0 &&
      alltrue([for a in st.actions : can(regex("^[a-z0-9-]+:[A-Za-z0-9]+\\*?$", a))])
    ]]))
    error_message = "functions: each statement needs an alphanumeric sid, at least one resource and actions of the form service:Action (a trailing * is allowed, a bare * is not)."
  }
}

variable "existing_dlq_arns" {
  type        = map(string)
  description = "Function key => ARN of an existing SQS queue to use as that function's dead-letter target instead of a queue of the module's own. The queue must be encrypted with orders_kms_key_arn (the role may use that key only). A map, so that which functions get a queue is known at plan time even when the ARNs are not."
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.existing_dlq_arns) : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", arn))])
    error_message = "existing_dlq_arns values must be SQS queue ARNs (arn:aws:sqs:REGION:ACCOUNT:NAME), not queue URLs or names."
  }

  validation {
    condition     = alltrue([for k in keys(var.existing_dlq_arns) : contains(keys(var.functions), k)])
    error_message = "existing_dlq_arns keys must be keys of functions."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the functions' log groups and the API's log groups, in days (at least one year for audit)."
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 days."
  }
}

variable "code_signing_profile_version_arns" {
  type        = list(string)
  description = "AWS Signer signing profile version ARNs whose signatures the functions require. Empty (the default) = no code signing config: tools/build_lambdas.py makes unsigned zips uploaded directly (filename), and signed code must come from a Signer job's S3 output instead."
  default     = []

  validation {
    condition     = length(var.code_signing_profile_version_arns) <= 20 && alltrue([for a in var.code_signing_profile_version_arns : can(regex("^arn:aws[a-z-]*:signer:[a-z0-9-]+:[0-9]{12}:/signing-profiles/[A-Za-z0-9_]{2,64}/[A-Za-z0-9]{10}$", a))])
    error_message = "code_signing_profile_version_arns must hold at most 20 signing profile version ARNs (arn:aws:signer:REGION:ACCOUNT:/signing-profiles/NAME/VERSION)."
  }
}

variable "code_signing_policy" {
  type        = string
  description = "What Lambda does with a package whose signature fails, when code signing is on: Enforce (refuse the deployment) or Warn (deploy and log)."
  default     = "Enforce"

  validation {
    condition     = contains(["Enforce", "Warn"], var.code_signing_policy)
    error_message = "code_signing_policy must be Enforce or Warn."
  }
}

################################################################################
# Network (from the network module)
################################################################################

variable "vpc_id" {
  type        = string
  description = "ID of the VPC the functions run in (network module output vpc_id)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8}([0-9a-f]{9})?$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "vpc_cidr_block" {
  type        = string
  description = "IPv4 CIDR block of that VPC (network module output vpc_cidr_block): the functions may open HTTPS to it (interface endpoints) and nowhere else but egress_prefix_lists."

  validation {
    condition     = can(cidrhost(var.vpc_cidr_block, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-8])$", var.vpc_cidr_block))
    error_message = "vpc_cidr_block must be a valid IPv4 CIDR between /16 and /28."
  }
}

variable "private_subnet_ids" {
  type        = list(string)
  description = "Private subnets (one per availability zone, at least two) the functions' network interfaces go in."

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && length(var.private_subnet_ids) <= 16 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]{8}([0-9a-f]{9})?$", s))])
    error_message = "private_subnet_ids must hold 2-16 subnet IDs like subnet-0123456789abcdef0 (one per availability zone)."
  }
}

variable "egress_prefix_lists" {
  type        = map(string)
  description = "Name => prefix list ID the functions may also reach on HTTPS, e.g. { dynamodb = <the DynamoDB gateway endpoint's prefix_list_id> }: gateway endpoints' addresses are outside the VPC CIDR. A map, so the rules are known at plan time even when the IDs are not."
  default     = {}

  validation {
    condition     = alltrue([for k, p in var.egress_prefix_lists : can(regex("^[a-z][a-z0-9_-]{0,31}$", k)) && can(regex("^pl-[0-9a-f]{8}([0-9a-f]{9})?$", p))])
    error_message = "egress_prefix_lists must map short lower-case names (e.g. dynamodb, s3) to prefix list IDs like pl-0123456789abcdef0."
  }
}

variable "egress_https_cidrs" {
  type        = list(string)
  description = "IPv4 ranges the functions may reach on HTTPS beyond the VPC and its gateway endpoints, e.g. [\"0.0.0.0/0\"] through the NAT gateways for a function that calls another region's APIs. [] by default."
  default     = []

  validation {
    condition     = alltrue([for c in var.egress_https_cidrs : can(cidrhost(c, 0)) && can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c))])
    error_message = "egress_https_cidrs must be IPv4 CIDRs."
  }
}

################################################################################
# Keys (from the security module)
################################################################################

variable "lambda_kms_key_arn" {
  type        = string
  description = "ARN of the KMS CMK that encrypts the functions' environment variables at rest."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.lambda_kms_key_arn))
    error_message = "lambda_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "logs_kms_key_arn" {
  type        = string
  description = "ARN of the logs KMS CMK (security module): encrypts the functions' and the API's log groups. Its key policy must let logs.REGION.amazonaws.com use it."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "orders_kms_key_arn" {
  type        = string
  description = "ARN of the orders KMS CMK (security module): encrypts the functions' dead-letter queues (and must encrypt any queue in existing_dlq_arns)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", var.orders_kms_key_arn))
    error_message = "orders_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias or a key ID."
  }
}

variable "table_kms_key_arns" {
  type        = list(string)
  description = "KMS CMKs that encrypt the tables in the functions' table_arns: a function with tables may kms:Decrypt with them through DynamoDB only. Empty when the tables use AWS-owned keys."
  default     = []

  validation {
    condition     = alltrue([for k in var.table_kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-zA-Z-]+$", k))])
    error_message = "table_kms_key_arns must hold KMS key ARNs (arn:aws:kms:REGION:ACCOUNT:key/ID), not aliases or key IDs."
  }
}

################################################################################
# API Gateway (REST API)
################################################################################

variable "routes" {
  type        = map(string)
  description = "API routes, \"METHOD /path\" => function key, e.g. { \"GET /orders/{order_id}\" = \"order_status\" }. Paths have 1-3 segments, the first one literal; {name} segments become required path parameters."

  validation {
    condition     = length(var.routes) >= 1 && alltrue([for r in keys(var.routes) : can(regex("^(GET|POST|PUT|PATCH|DELETE) /[a-z0-9_-]+(/([a-z0-9_-]+|\\{[a-z][a-z0-9_]*\\})){0,2}$", r))])
    error_message = "routes must hold at least one route \"METHOD /path\": GET, POST, PUT, PATCH or DELETE and 1-3 lower-case path segments, the first literal, the others literal or {parameter}."
  }

  validation {
    condition     = alltrue([for f in values(var.routes) : contains(keys(var.functions), f)])
    error_message = "routes: each route must name a function that is a key of functions."
  }

  validation {
    condition     = alltrue([for f in values(var.routes) : try(var.functions[f].timeout_seconds, 0) <= 29])
    error_message = "routes: a function behind a route must have timeout_seconds of at most 29: API Gateway answers 504 after 29 seconds."
  }
}

variable "api_stage_name" {
  type        = string
  description = "Name of the API's stage (the first segment of its URL path)."
  default     = "v1"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,31}$", var.api_stage_name))
    error_message = "api_stage_name must be 1-32 lower-case letters, digits or underscores, starting with a letter."
  }
}

variable "api_vpc_endpoint_ids" {
  type        = list(string)
  description = "execute-api interface endpoints the private API accepts calls through. Empty = any execute-api endpoint in vpc_id (the resource policy checks aws:SourceVpc instead)."
  default     = []

  validation {
    condition     = alltrue([for e in var.api_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]{8}([0-9a-f]{9})?$", e))])
    error_message = "api_vpc_endpoint_ids must hold VPC endpoint IDs like vpce-0123456789abcdef0."
  }
}

variable "throttle_burst_limit" {
  type        = number
  description = "Stage-wide API Gateway burst limit (token bucket size, requests)."
  default     = 100

  validation {
    condition     = var.throttle_burst_limit >= 1 && var.throttle_burst_limit <= 5000 && floor(var.throttle_burst_limit) == var.throttle_burst_limit
    error_message = "throttle_burst_limit must be a whole number of requests between 1 and 5000 (the account's default burst)."
  }
}

variable "throttle_rate_limit" {
  type        = number
  description = "Stage-wide API Gateway steady-state rate limit, requests per second."
  default     = 50

  validation {
    condition     = var.throttle_rate_limit > 0 && var.throttle_rate_limit <= 10000
    error_message = "throttle_rate_limit must be more than 0 and at most 10000 requests per second (the account's default rate)."
  }
}

variable "api_logging_level" {
  type        = string
  description = "API Gateway execution logging level: ERROR (failures only) or INFO (every request). Full request/response bodies (data trace) stay off: they would log order data."
  default     = "ERROR"

  validation {
    condition     = contains(["ERROR", "INFO"], var.api_logging_level)
    error_message = "api_logging_level must be ERROR or INFO."
  }
}

variable "manage_api_gateway_account" {
  type        = bool
  description = "Set the account's API Gateway CloudWatch Logs role (aws_api_gateway_account, one per account and region), which stage logging needs. Turn off when another stack of the same account and region sets it."
  default     = true
}

################################################################################
# Emulator switches (keep on against AWS)
################################################################################

variable "enable_api_resource_policy" {
  type        = bool
  description = "Attach the private API's resource policy. AWS refuses to deploy a private API without one; off only for moto, which stores the policy but returns it in a form the provider cannot read (see Emulator gaps)."
  default     = true
}

variable "enable_api_client_certificate" {
  type        = bool
  description = "Give the stage an API Gateway client certificate (used only towards HTTP backends; see README). Off only for moto, which lacks GenerateClientCertificate."
  default     = true
}
