"""A failing inventory stops the run: non-zero exit with the plugin's message, in bounded time.

Before, ansible.cfg let Ansible turn a failed source into a warning, so a strict_tags violation,
rejected credentials or a dead endpoint became "no hosts matched" and a green play; an endpoint
that accepted connections and never answered hung the run for many minutes.
"""

from __future__ import annotations

import configparser
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ansible.errors import AnsibleParserError

from tests.integration.conftest import FULL_TAGS, REPO, launch
from tests.integration.test_inventory_cli import run_cli
from tools.lowlat_testbed.moto_server import free_port

pytestmark = pytest.mark.integration

CLIS = ("ansible-playbook", "ansible-inventory")
# Start-up of an ansible CLI on a busy 2-core machine, on top of the plugin's own time limits.
CLI_STARTUP_ALLOWANCE = 30.0


class SilentEndpoint:
    """A loopback TCP server that accepts every connection and never answers (nor closes it)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in [*self.accepted, self.server]:
            conn.close()


@pytest.fixture
def silent_endpoint() -> Iterator[SilentEndpoint]:
    endpoint = SilentEndpoint()
    try:
        yield endpoint
    finally:
        endpoint.close()


PLAYBOOK = """
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.debug:
        msg: a play that must not run (nor pass) on a broken inventory
"""


def fails_with(cli: str, config: Path, message: str, bound: float | None = None) -> str:
    """Run the CLI on the config, check it exits non-zero naming the message (within bound
    seconds); returns its stderr with the line wrapping undone."""
    argv = [cli, "-i", str(config)]
    if cli == "ansible-inventory":
        argv.append("--list")
    else:
        playbook = config.with_name("play.yml")
        playbook.write_text(PLAYBOOK)
        argv.append(str(playbook))
    start = time.monotonic()
    proc = run_cli(*argv, timeout=int(bound or 0) + 120)
    elapsed = time.monotonic() - start
    stderr = " ".join(proc.stderr.split())
    assert proc.returncode != 0, f"{cli} exited 0:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    assert message in stderr, stderr[-3000:]
    assert "must not run" not in proc.stdout
    if bound is not None:
        assert elapsed < bound, f"{cli} took {elapsed:.1f} s (bound {bound} s)"
    return stderr


def test_ansible_cfg_fails_on_unparsed_inventory():
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "ansible.cfg")
    assert cfg.getboolean("inventory", "any_unparsed_is_failed")
    # unparsed_is_failed would also fail every run without an inventory (ansible-lint's syntax check).
    assert not cfg.getboolean("inventory", "unparsed_is_failed", fallback=False)
    # ansible.builtin.auto would run lowlat_ec2 a second time on every failure (twice the calls,
    # twice the wait on a dead endpoint).
    enabled = [name.strip() for name in cfg.get("inventory", "enable_plugins").split(",")]
    assert "lowlat.trading.lowlat_ec2" in enabled
    assert "ansible.builtin.auto" not in enabled


@pytest.mark.parametrize("cli", CLIS)
def test_strict_tags_violation_fails_the_run(cli, moto, write_config):
    untagged = launch(moto.ec2(), 1, {"lowlat:role": "md"})
    launch(moto.ec2(), 1, FULL_TAGS)
    fails_with(
        cli,
        write_config(strict_tags=True),
        f"strict_tags is set and 1 instance(s) are missing lowlat tags: {untagged[0]}: "
        "lowlat:env, lowlat:cluster, lowlat:managed",
    )
    assert moto.calls("DescribeInstances") == 1  # the source is tried once, not again through auto


@pytest.mark.parametrize("cli", CLIS)
def test_rejected_credentials_fail_the_run(cli, moto, write_config):
    launch(moto.ec2(), 1)
    moto.server.set_auth(True)  # moto now checks access keys; the fake ones are not an IAM user's
    fails_with(cli, write_config(), "AWS rejected the credentials in region us-east-1 (AuthFailure")


@pytest.mark.parametrize("cli", CLIS)
def test_endpoint_down_fails_the_run(cli, moto, write_config):
    closed = f"http://127.0.0.1:{free_port()}"
    fails_with(
        cli,
        write_config(endpoint_url=closed, max_attempts=2),
        f'could not reach the EC2 endpoint for region us-east-1: Could not connect to the endpoint URL: "{closed}/"',
        bound=60 + CLI_STARTUP_ALLOWANCE,
    )


@pytest.mark.parametrize("cli", CLIS)
def test_endpoint_that_never_answers_hits_read_timeout(cli, moto, write_config, silent_endpoint):
    config = write_config(endpoint_url=silent_endpoint.url, connect_timeout=1, read_timeout=1, max_attempts=2)
    fails_with(
        cli,
        config,
        "the EC2 endpoint for region us-east-1 accepted the connection but sent no answer within "
        "read_timeout (1 s)",
        bound=2 * (1 + 1) + 20 + CLI_STARTUP_ALLOWANCE,  # two attempts, botocore's backoff between them
    )
    assert silent_endpoint.accepted  # the plugin did connect


@pytest.mark.parametrize("cli", CLIS)
def test_endpoint_that_never_answers_hits_total_timeout(cli, moto, write_config, silent_endpoint):
    # Ten attempts of up to two seconds each would take well over 20 s; total_timeout stops at 3 s.
    config = write_config(
        endpoint_url=silent_endpoint.url, connect_timeout=1, read_timeout=2, total_timeout=3, max_attempts=10
    )
    fails_with(
        cli,
        config,
        "lowlat_ec2: region(s) us-east-1 did not answer within total_timeout (3 s)",
        bound=3 + CLI_STARTUP_ALLOWANCE,
    )


def test_total_timeout_in_process(moto, write_config, load_inventory, silent_endpoint):
    config = write_config(
        endpoint_url=silent_endpoint.url,
        regions=["us-east-1", "eu-west-1"],
        connect_timeout=1,
        read_timeout=30,
        total_timeout=2,
    )
    start = time.monotonic()
    with pytest.raises(AnsibleParserError) as err:
        load_inventory(config)
    elapsed = time.monotonic() - start
    assert elapsed < 2 + 5, f"took {elapsed:.1f} s"
    message = str(err.value)
    assert "region(s) us-east-1, eu-west-1 did not answer within total_timeout (2 s)" in message
    assert "connect_timeout 1 s, read_timeout 30 s" in message


def test_plugin_failures_are_parser_errors(moto, write_config, load_inventory):
    launch(moto.ec2(), 1, {"lowlat:role": "md"})
    with pytest.raises(AnsibleParserError, match="strict_tags is set"):
        load_inventory(write_config(strict_tags=True))
    with pytest.raises(AnsibleParserError, match="unknown region"):
        load_inventory(write_config(regions=["us-east-7"]))


@pytest.mark.parametrize("option", ["connect_timeout", "read_timeout", "total_timeout"])
def test_timeouts_must_be_positive(moto, write_config, load_inventory, option):
    with pytest.raises(AnsibleParserError, match=f"{option} must be more than 0 seconds, got 0"):
        load_inventory(write_config(**{option: 0}))
    assert moto.total_calls() == 0
