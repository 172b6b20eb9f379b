#!/usr/bin/env python3
"""Point a Terraform configuration's AWS providers at a local emulator (used by tools/tf.sh).

    tf_endpoint_override.py DIR URL

Writes DIR/zz_lowlat_emulator_override.tf: for every `provider "aws"` block of DIR (aliases
included) an override that sends every service the platform uses to URL, with dummy
credentials, no account look-ups and bounded retries (an API the emulator lacks then fails in
about 30 s instead of retrying forever). A directory without a provider block (a module) gets a
plain provider block instead. Only loopback URLs are accepted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

OVERRIDE_NAME = "zz_lowlat_emulator_override.tf"
# Every service a module of terraform/ talks to. The provider rejects unknown names, so this is
# also a list of what the emulator must answer.
SERVICES = [
    "acm",
    "apigateway",
    "apigatewayv2",
    "appautoscaling",
    "autoscaling",
    "backup",
    "cloudtrail",
    "cloudwatch",
    "codebuild",
    "codecommit",
    "codepipeline",
    "directconnect",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "eks",
    "elbv2",
    "events",
    "firehose",
    "glue",
    "iam",
    "kinesis",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "signer",
    "sns",
    "sqs",
    "ssm",
    "sts",
    "wafv2",
    "xray",
]
PROVIDER_BLOCK = re.compile(r'^provider\s+"aws"\s*\{(?P<body>.*?)^\}', re.MULTILINE | re.DOTALL)
ALIAS = re.compile(r'^\s*alias\s*=\s*"(?P<alias>[^"]+)"', re.MULTILINE)
LOOPBACK = re.compile(r"^(127\.\d+\.\d+\.\d+|localhost|::1)$")


def provider_aliases(config_dir: Path) -> list[str | None]:
    """None for the default provider, then each alias, in file order."""
    aliases: list[str | None] = []
    for tf in sorted(config_dir.glob("*.tf")):
        if tf.name == OVERRIDE_NAME or tf.name.endswith("_override.tf"):
            continue
        for block in PROVIDER_BLOCK.finditer(tf.read_text()):
            match = ALIAS.search(block.group("body"))
            aliases.append(match.group("alias") if match else None)
    return aliases


def provider_block(url: str, alias: str | None) -> str:
    endpoints = "\n".join(f'    {name:<15} = "{url}"' for name in SERVICES)
    alias_line = f'  alias = "{alias}"\n' if alias else ""
    return (
        'provider "aws" {\n'
        f"{alias_line}"
        '  access_key                  = "lowlat-emulator"\n'
        '  secret_key                  = "lowlat-emulator"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_requesting_account_id  = false # the emulator answers sts:GetCallerIdentity\n"
        "  s3_use_path_style           = true\n"
        "  max_retries                 = 3\n"
        "\n"
        "  endpoints {\n"
        f"{endpoints}\n"
        "  }\n"
        "}\n"
    )


def render(config_dir: Path, url: str) -> tuple[str, str]:
    """(file name, content) of the override for config_dir."""
    host = urlsplit(url).hostname or ""
    if not LOOPBACK.match(host):
        raise SystemExit(
            f"tf_endpoint_override: {url} is not a loopback address; only a local emulator is allowed"
        )
    url = url.rstrip("/")
    aliases = provider_aliases(config_dir)
    header = (
        "# Written by tools/tf_endpoint_override.py for a run against a local emulator. Never commit.\n\n"
    )
    if not aliases:
        return "lowlat_emulator_provider.tf", header + provider_block(url, None)
    return OVERRIDE_NAME, header + "\n".join(provider_block(url, alias) for alias in aliases)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    config_dir = Path(argv[1])
    name, content = render(config_dir, argv[2])
    (config_dir / name).write_text(content)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
