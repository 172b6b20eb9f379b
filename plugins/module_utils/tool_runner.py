"""Run host tools (ethtool, systemctl, chronyc) for read-only state: a missing tool is an answer, not an error."""

from __future__ import annotations


def tool_runner(module):
    """A runner(argv) -> (rc, out, err) over AnsibleModule.run_command; rc 127 when the tool is absent."""

    def run(argv: list[str]) -> tuple[int, str, str]:
        if not module.get_bin_path(argv[0]):
            return 127, "", f"{argv[0]} not installed"
        return module.run_command(argv)

    return run
