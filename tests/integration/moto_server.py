"""Moved to tools/lowlat_testbed/moto_server.py (products must not import tests).

Only tests/terraform still imports it from here; switch that import, then delete this file.
"""

from tools.lowlat_testbed.moto_server import (  # noqa: F401
    FAKE_CREDENTIALS,
    MotoServer,
    free_port,
    run_instances,
    safe_aws_env,
)
