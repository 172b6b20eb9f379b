"""Time limits of one inventory run: per-attempt connect/read timeouts and a total deadline.

botocore bounds each attempt (connect_timeout, read_timeout) and the number of attempts
(max_attempts), but not their sum: ten attempts on an endpoint that accepts connections and never
answers take ten read timeouts plus the backoff between them. The Budget adds the total. No
attempt starts after the deadline (a botocore before-send hook), and per_region in ec2_api stops
waiting for the regions at the deadline, naming those that did not finish and the last error
each one got.
"""

from __future__ import annotations

import time
from typing import Any

from ansible.errors import AnsibleParserError

PREFIX = "lowlat_ec2"


class DeadlineExceeded(AnsibleParserError):
    """Raised from the before-send hook: botocore does not retry it, so it ends the call."""


class Budget:
    def __init__(self, connect_timeout: float, read_timeout: float, total_timeout: float, max_attempts: int):
        for name, value in (
            ("connect_timeout", connect_timeout),
            ("read_timeout", read_timeout),
            ("total_timeout", total_timeout),
        ):
            if not value > 0:
                raise AnsibleParserError(f"{PREFIX}: {name} must be more than 0 seconds, got {value:g}.")
        self.connect_timeout = float(connect_timeout)
        self.read_timeout = float(read_timeout)
        self.total_timeout = float(total_timeout)
        self.max_attempts = max_attempts
        self._deadline = time.monotonic() + self.total_timeout
        self._last_error: dict[str, str] = {}  # region -> what its last failed attempt got

    def remaining(self) -> float:
        return max(0.0, self._deadline - time.monotonic())

    def watch(self, client: Any, region: str) -> None:
        """Hook the budget into one region's client."""

        def before_send(**_: Any) -> None:
            if not self.remaining():
                raise DeadlineExceeded(self.exceeded_message([region]))

        def needs_retry(caught_exception: Exception | None = None, response: Any = None, **_: Any) -> None:
            if caught_exception is not None:
                self._last_error[region] = str(caught_exception)
            elif response is not None:
                error = (response[1] or {}).get("Error") or {}
                if error:
                    self._last_error[region] = f"{error.get('Code')}: {error.get('Message')}"

        client.meta.events.register("before-send.ec2", before_send)
        client.meta.events.register("needs-retry.ec2", needs_retry)

    def exceeded_message(self, regions: list[str]) -> str:
        """What to say about regions that had not finished when total_timeout ran out."""
        errors = "".join(
            f"; last error in {region}: {self._last_error[region]}"
            for region in regions
            if region in self._last_error
        )
        return (
            f"{PREFIX}: region(s) {', '.join(regions)} did not answer within total_timeout "
            f"({self.total_timeout:g} s) (connect_timeout {self.connect_timeout:g} s, read_timeout "
            f"{self.read_timeout:g} s, max_attempts {self.max_attempts}){errors}. Check endpoint_url "
            "and the network path to EC2, or raise total_timeout."
        )
