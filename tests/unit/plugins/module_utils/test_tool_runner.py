"""plugins/module_utils/tool_runner.py: a missing tool is rc 127, a present one runs as given."""

from __future__ import annotations

from ansible_collections.lowlat.trading.plugins.module_utils.tool_runner import tool_runner


class FakeModule:
    """The two AnsibleModule methods the runner uses."""

    def __init__(self, installed: set[str]):
        self.installed = installed
        self.looked_up: list[str] = []
        self.ran: list[list[str]] = []

    def get_bin_path(self, name: str) -> str | None:
        self.looked_up.append(name)
        return f"/usr/sbin/{name}" if name in self.installed else None

    def run_command(self, argv: list[str]) -> tuple[int, str, str]:
        self.ran.append(argv)
        return 3, "inactive\n", "warning\n"


def test_missing_tool_is_rc_127_and_never_runs():
    module = FakeModule(installed=set())
    assert tool_runner(module)(["ethtool", "-l", "eth0"]) == (127, "", "ethtool not installed")
    assert module.looked_up == ["ethtool"]
    assert module.ran == []


def test_present_tool_runs_with_the_argv_unchanged_and_returns_its_result():
    module = FakeModule(installed={"systemctl"})
    tool = tool_runner(module)
    assert tool(["systemctl", "is-active", "irqbalance"]) == (3, "inactive\n", "warning\n")
    assert module.ran == [["systemctl", "is-active", "irqbalance"]]


def test_each_call_looks_the_tool_up_again():
    module = FakeModule(installed={"chronyc"})
    tool = tool_runner(module)
    tool(["chronyc", "-n", "tracking"])
    module.installed.clear()
    assert tool(["chronyc", "-n", "tracking"])[0] == 127
    assert module.looked_up == ["chronyc", "chronyc"]
    assert len(module.ran) == 1
