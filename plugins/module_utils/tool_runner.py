"""Run host tools (ethtool, systemctl, chronyc) for read-only state: a missing tool is an answer, not an error."""

from __future__ import annotations

import subprocess


def tool_runner(module):
    """A runner(argv) -> (rc, out, err) over AnsibleModule.run_command; rc 127 when the tool is absent."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        if not module.get_bin_path(argv[0]):
            return 127, "", f"{argv[0]} not installed"
        return module.run_command(argv)

    return run


def subprocess_runner(timeout: int = 30):
    """The same runner outside Ansible (the boot-time CLIs, the audit's reads): rc 127 when the tool is absent."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError:
            return 127, "", f"{argv[0]} not installed"
        return proc.returncode, proc.stdout, proc.stderr

    return run
