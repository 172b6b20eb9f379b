"""lowlat.trading.lowlat_ec2: fast EC2 inventory for lowlat trading hosts (boto3)."""

from __future__ import annotations

DOCUMENTATION = r"""
name: lowlat_ec2
short_description: EC2 inventory of lowlat trading hosts, grouped by the lowlat tag contract
version_added: "0.1.0"
author: lowlat maintainers (!UNKNOWN)
description:
  - Lists EC2 instances (DescribeInstances, paginated) in the configured regions, queried
    concurrently, and groups them by the lowlat tags Terraform sets (C(lowlat:role),
    C(lowlat:env), C(lowlat:cluster), C(lowlat:managed)) and by availability zone, placement
    group, instance type and region.
  - Each host gets prefix-free C(ec2_*) and C(lowlat_*) variables, including
    C(lowlat_cpu_shape) from DescribeInstanceTypes (looked up once per instance type and region,
    up to 100 types per call), so the CPU planner can check a host before connecting to it.
  - An instance missing any lowlat tag is reported in a warning that names the instance and the
    missing keys, and is put in group C(lowlat_untagged); with O(strict_tags) it is an error.
  - With O(cache) the finished inventory (hosts, variables, groups, including the results of
    O(compose), O(groups) and O(keyed_groups)) is cached, not the raw API answer, so a cached run
    makes no AWS calls and evaluates no templates. The cache entry is ignored when the
    configuration that produced it has changed.
  - The configuration file name must end in C(lowlat_ec2.yml) or C(lowlat_ec2.yaml).
  - Every failure (rejected credentials, an endpoint that is down or does not answer, a
    O(strict_tags) violation, a bad option) raises AnsibleParserError with a message that says
    what to fix. The repository's C(ansible.cfg) sets C(any_unparsed_is_failed), so the
    run then stops with a non-zero exit instead of going on
    with an empty inventory.
requirements:
  - boto3
  - botocore
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks the file as a configuration of this plugin.
    required: true
    type: str
    choices: [lowlat.trading.lowlat_ec2, lowlat_ec2]
  regions:
    description:
      - Regions to query, concurrently. Required; there is no "all regions" default, which is
        the main reason amazon.aws.aws_ec2 is slow.
      - Names are checked against the regions botocore knows before any call; an unknown name
        fails and the error lists the valid ones.
    type: list
    elements: str
    required: true
  filters:
    description:
      - EC2 DescribeInstances filters, as a mapping of filter name to a value or list of values.
      - Replaces the default as a whole; keep C(instance-state-name) and C(tag-key) in your own
        filters if you still want them.
    type: dict
    default:
      instance-state-name: running
      tag-key: "lowlat:role"
  hostnames:
    description:
      - Where the inventory hostname comes from, in order of preference; the first non-empty
        value wins. C(ansible_host) is set to the same value.
      - Entries are C(private-ip-address), C(private-dns-name), C(instance-id),
        C(public-ip-address), C(public-dns-name) or C(tag:NAME).
      - If two instances would get the same name (for example the same C(tag:Name)), the later one
        (by instance id) takes its next preference, or its instance id, and a warning says so.
    type: list
    elements: str
    default: [private-ip-address, private-dns-name, instance-id]
  endpoint_url:
    description:
      - EC2 endpoint to use instead of AWS's, for a local emulator (the lab, the tests).
    type: str
    env:
      - name: LOWLAT_EC2_ENDPOINT_URL
  aws_profile:
    description:
      - Named profile from the AWS config files. Without it boto3's normal credential chain is
        used (environment, config files, SSO, instance role).
    type: str
    aliases: [profile]
  strict_tags:
    description:
      - Fail when an instance is missing any lowlat tag, instead of warning and putting it in
        C(lowlat_untagged).
    type: bool
    default: false
  page_size:
    description: Instances per DescribeInstances page (5 to 1000).
    type: int
    default: 1000
  max_concurrency:
    description: Regions queried at the same time, 1 to 64.
    type: int
    default: 8
  retry_mode:
    description:
      - botocore retry mode for throttling and transient errors. On top of it, a page still
        throttled after O(max_attempts) is retried a few more times with backoff, resuming from
        the last page received.
    type: str
    choices: [standard, adaptive]
    default: adaptive
  max_attempts:
    description:
      - botocore attempts per API call, first try included. Throttling, 5xx answers, connection
        errors and read timeouts are retried, with backoff, up to this many times (1 to 20).
    type: int
    default: 10
  connect_timeout:
    description:
      - Seconds to wait for a TCP connection to the EC2 endpoint, per attempt.
    type: float
    default: 5
  read_timeout:
    description:
      - Seconds to wait for the endpoint to answer once connected, per attempt.
    type: float
    default: 30
  total_timeout:
    description:
      - Seconds the whole inventory run may take for all its API calls, every region, retry and
        backoff included. When it runs out the inventory fails, naming the regions that had not
        answered and the last error each one got; no attempt is started after it.
      - Without it, O(max_attempts) attempts on an endpoint that accepts connections and never
        answers would take O(max_attempts) times O(read_timeout), plus backoff.
    type: float
    default: 120
notes:
  - Set O(cache_plugin) to a persistent plugin such as C(ansible.builtin.jsonfile) (with
    O(cache_connection)); the default memory cache does not outlive the process.
  - Host variables hold data from EC2 (tags included) and are never templated. Every host name,
    group name and string in the host variables, including the results of O(compose), is marked
    unsafe (ansible-core 2.17 and 2.18) or untrusted (2.19), on cached runs too, so a tag such
    as C({{ lookup('pipe', ...) }}) is shown as text and never runs.
seealso:
  - name: amazon.aws.aws_ec2
    description: The general-purpose EC2 inventory plugin this one is a faster, narrower take on.
    link: https://docs.ansible.com/ansible/latest/collections/amazon/aws/aws_ec2_inventory.html
"""

EXAMPLES = r"""
# Every running lowlat host in two regions, grouped by the tags Terraform sets (role_engine,
# role_monitoring, env_prod, cluster_<name>, az_*, pg_*, type_*, region_*). The shipped production
# file is inventories/aws/trading.lowlat_ec2.yml.
plugin: lowlat.trading.lowlat_ec2
regions: [us-east-1, eu-west-1]

---
# Only the production engines and monitoring hosts, named by their Name tag (Terraform sets it),
# cached for 10 minutes
plugin: lowlat.trading.lowlat_ec2
regions: [us-east-1]
filters:
  instance-state-name: running
  "tag:lowlat:env": prod
  "tag:lowlat:role": [engine, monitoring]
hostnames: ["tag:Name", private-ip-address]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: .cache/inventory
cache_timeout: 600

---
# Constructed options work as in other inventory plugins (and their results are cached too)
plugin: lowlat.trading.lowlat_ec2
regions: [us-east-1]
strict_tags: true
compose:
  # Where the roles listen and Prometheus scrapes (node_exporter, the engine's /metrics).
  lowlat_private_address: ec2_private_ip_address
  # The launch-time CPU options win over the instance type's default (threads_per_core = 1 in Terraform).
  smt_enabled: ((ec2_cpu_options or {}).threads_per_core | default(lowlat_cpu_shape.threads_per_core, true)) > 1
keyed_groups:
  # role_az_engine_us_east_1a, ...: one group per role and availability zone
  - key: ec2_tags['lowlat:role'] ~ '_' ~ ec2_availability_zone
    prefix: role_az
groups:
  # Engines launched without SMT: group_vars/engine_smt_off.yml can set plan_smt: require_off
  engine_smt_off: lowlat_role == 'engine' and (ec2_cpu_options or {}).threads_per_core | default(0) == 1
"""

import hashlib
import json
from typing import Any

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.lowlat.trading.plugins.plugin_utils import host_records, plugin_options
from ansible_collections.lowlat.trading.plugins.plugin_utils.built_inventory import (
    CACHE_FORMAT,
    BuiltInventory,
    untrusted,
)

FILE_SUFFIXES = ("lowlat_ec2.yml", "lowlat_ec2.yaml")

# Options whose values change what the plugin produces; they make up the cache fingerprint.
OUTPUT_OPTIONS = (
    "regions",
    "filters",
    "hostnames",
    "endpoint_url",
    "aws_profile",
    "strict_tags",
    "compose",
    "groups",
    "keyed_groups",
    "strict",
    "leading_separator",
    "use_extra_vars",
)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "lowlat.trading.lowlat_ec2"

    def verify_file(self, path: str) -> bool:
        return super().verify_file(path) and path.endswith(FILE_SUFFIXES)

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache=cache)
        try:
            self._parse(path, cache)
        except AnsibleParserError:
            raise
        except Exception as exc:  # a bad option, a strict compose error, the cache plugin, ...
            raise AnsibleParserError(f"lowlat_ec2: {path}: {exc}") from exc

    def _parse(self, path: str, cache: bool) -> None:
        config = self._read_config_data(path)
        plugin_options.check(config, self.get_options())

        cache_key = self.get_cache_key(path)
        fingerprint = self._fingerprint()
        use_cache = self.get_option("cache")
        built = None
        if use_cache and cache:
            try:
                built = BuiltInventory.from_cache(self._cache[cache_key], fingerprint)
            except KeyError:
                built = None
        if built is None:
            built = self._build()
            if use_cache:
                self._cache[cache_key] = built.to_cache(fingerprint)

        for warning in built.warnings:
            self.display.warning(warning)
        built.apply(self.inventory)

    def _fingerprint(self) -> str:
        settings: dict[str, Any] = {name: self.get_option(name) for name in OUTPUT_OPTIONS}
        settings["format"] = CACHE_FORMAT
        if settings["use_extra_vars"]:
            settings["extra_vars"] = self._vars
        blob = json.dumps(settings, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def _build(self) -> BuiltInventory:
        # Imported here so a cached run never loads boto3 (~0.5 s).
        from ansible_collections.lowlat.trading.plugins.plugin_utils import ec2_api, instance_shapes
        from ansible_collections.lowlat.trading.plugins.plugin_utils.time_budget import Budget

        # total_timeout counts from here: it covers every call of every region.
        budget = Budget(
            self.get_option("connect_timeout"),
            self.get_option("read_timeout"),
            self.get_option("total_timeout"),
            self.get_option("max_attempts"),
        )
        ec2_api.require_boto3()
        session = ec2_api.make_session(self.get_option("aws_profile"))
        regions = ec2_api.validate_regions(self.get_option("regions"), session)
        prefs = host_records.validate_hostnames(self.get_option("hostnames"))
        filters = ec2_api.api_filters(self.get_option("filters") or {})
        page_size = self.get_option("page_size")
        if not ec2_api.MIN_PAGE_SIZE <= page_size <= ec2_api.MAX_PAGE_SIZE:
            raise AnsibleParserError(
                f"lowlat_ec2: page_size must be {ec2_api.MIN_PAGE_SIZE}..{ec2_api.MAX_PAGE_SIZE}, got {page_size}."
            )
        endpoint_url = self.get_option("endpoint_url")

        # Clients are made here, not in the worker threads: boto3 sessions are not thread-safe.
        clients = {
            region: ec2_api.make_client(session, region, endpoint_url, self.get_option("retry_mode"), budget)
            for region in regions
        }

        def fetch(region: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
            instances = ec2_api.describe_instances(clients[region], region, filters, page_size)
            types = {instance.get("InstanceType") for instance in instances}
            return instances, instance_shapes.lookup(clients[region], region, types, endpoint_url or "")

        results = ec2_api.per_region(regions, fetch, self.get_option("max_concurrency"), budget)
        built = host_records.build(
            {region: result[0] for region, result in results.items()},
            {region: result[1] for region, result in results.items()},
            prefs,
        )
        if built.untagged and self.get_option("strict_tags"):
            limit = host_records.WARN_EACH_LIMIT
            listed = "; ".join(f"{iid}: {', '.join(keys)}" for iid, keys in built.untagged[:limit])
            more = f" (and {len(built.untagged) - limit} more)" if len(built.untagged) > limit else ""
            raise AnsibleParserError(
                f"lowlat_ec2: strict_tags is set and {len(built.untagged)} instance(s) are missing "
                f"lowlat tags: {listed}{more}."
            )

        inventory = BuiltInventory(
            hosts=built.hosts,
            groups=built.groups,
            warnings=built.warnings + host_records.untagged_messages(built.untagged),
        )
        if self.get_option("compose") or self.get_option("groups") or self.get_option("keyed_groups"):
            inventory = self._construct(inventory)
        return inventory

    def _construct(self, inventory: BuiltInventory) -> BuiltInventory:
        """Run compose/groups/keyed_groups on a scratch InventoryData so their results can be cached."""
        scratch = InventoryData()
        inventory.apply(scratch)
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        real, self.inventory = self.inventory, scratch
        try:
            for host, plain_vars in inventory.hosts.items():
                hostvars = untrusted(plain_vars)  # templates over EC2 data must not template it again
                self._set_composite_vars(compose, hostvars, host, strict=strict)
                self._add_host_to_composed_groups(groups, hostvars, host, strict=strict)
                self._add_host_to_keyed_groups(keyed_groups, hostvars, host, strict=strict)
        finally:
            self.inventory = real
        return BuiltInventory.capture(scratch, list(inventory.hosts), inventory.warnings)
