"""Suite-wide pytest settings.

LOWLAT_STRICT_SKIPS=1 (set by `tools/run-tests.sh all`, so by `make test` and CI) turns every
skip into a failure: a container or tool test that skips because its image or tool is missing
would otherwise pass silently on a machine that was not set up.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("LOWLAT_STRICT_SKIPS") == "1":
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under LOWLAT_STRICT_SKIPS=1: {reason}"
