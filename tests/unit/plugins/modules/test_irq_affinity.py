import errno
from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError
from ansible_collections.lowlat.trading.plugins.modules import irq_affinity

QUEUE_IRQS = range(25, 57)  # eth0-Tx-Rx-0..31 in the generated fixtures


def affinity(root: str, irq: int) -> str:
    return Path(root, f"proc/irq/{irq}/smp_affinity_list").read_text().strip()


def test_spread_nic_queues_then_idempotent(run_module, shape_root):
    root = shape_root("c5n.18xlarge")
    args = {"root": root, "device": "eth0", "cpus": "1,37", "mode": "spread"}
    first = run_module(irq_affinity, args)
    assert first["changed"] is True
    assert first["changed_irqs"] == list(QUEUE_IRQS)
    for k, irq in enumerate(QUEUE_IRQS):
        assert affinity(root, irq) == ("1" if k % 2 == 0 else "37")
    assert affinity(root, 24) == "0-71", "the management vector is not a queue"
    second = run_module(irq_affinity, args)
    assert second["changed"] is False
    assert second["changed_irqs"] == []
    assert all(entry["before"] == entry["after"] for entry in second["irqs"])


def test_check_mode_reports_without_writing(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(
        irq_affinity, {"root": root, "device": "eth0", "cpus": "1,19"}, check_mode=True, diff=True
    )
    assert result["changed"] is True
    assert affinity(root, 25) == "0-35"
    assert "25 eth0-Tx-Rx-0: 0-35" in result["diff"]["before"]
    assert "25 eth0-Tx-Rx-0: 1,19" in result["diff"]["after"]


def test_everything_else_to_housekeeping_with_default_affinity(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(
        irq_affinity,
        {"root": root, "all": True, "exclude_device": "eth0", "cpus": "0,18", "default_affinity": True},
    )
    moved = set(result["changed_irqs"])
    assert {0, 1, 4, 8, 9, 11, 12} == moved
    assert not moved & set(QUEUE_IRQS) and 24 not in moved
    assert Path(root, "proc/irq/default_smp_affinity").read_text().strip() == "0,00040001"
    assert result["default_affinity"] == {"before": "0-35", "after": "0,18", "changed": True}
    again = run_module(
        irq_affinity,
        {"root": root, "all": True, "exclude_device": "eth0", "cpus": "0,18", "default_affinity": True},
    )
    assert again["changed"] is False


def test_match_patterns(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "match": ["^nvme"], "cpus": "0"})
    assert result["changed_irqs"] == [11, 12]


def _refuse_irq_zero(monkeypatch):
    real_write = HostFS.write

    def write(self, path, value):
        if path == "/proc/irq/0/smp_affinity_list":
            raise HostFSError(path, OSError(errno.EIO, "Input/output error"))
        return real_write(self, path, value)

    monkeypatch.setattr(HostFS, "write", write)


def test_refused_irq_is_reported_not_fatal(run_module, shape_root, monkeypatch):
    _refuse_irq_zero(monkeypatch)
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "irqs": [0, 1], "cpus": "0"})
    assert not result.failed
    assert result["refused_irqs"] == [0]
    assert result["changed_irqs"] == [1]
    refused = next(e for e in result["irqs"] if e["irq"] == 0)
    assert refused["error"].startswith("kernel refused (EIO)")
    assert refused["after"] == refused["before"] == "0-35"


def test_refused_irq_fails_when_strict(run_module, shape_root, monkeypatch):
    _refuse_irq_zero(monkeypatch)
    result = run_module(
        irq_affinity, {"root": shape_root("c5n.9xlarge"), "irqs": [0], "cpus": "0", "strict": True}
    )
    assert result.failed
    assert result["msg"].startswith("the kernel refused to move IRQ(s) 0 (timer: kernel refused (EIO)")


def test_bad_input_fails_before_any_write(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    bad_list = run_module(irq_affinity, {"root": root, "device": "eth0", "cpus": "1-x"})
    assert bad_list.failed and bad_list["msg"].startswith("cpus: bad CPU list token '1-x'")
    offline = run_module(irq_affinity, {"root": root, "device": "eth0", "cpus": "40"})
    assert offline["msg"] == "CPU(s) 40 are not online (online: 0-35)"
    missing = run_module(irq_affinity, {"root": root, "device": "eth7", "cpus": "1"})
    assert missing["msg"] == "network interface eth7 not found under /sys/class/net"
    assert affinity(root, 25) == "0-35"


# --- bad inputs: refused with the option, the value and what to give, before anything is read -----

CPU_LIST = "a non-empty CPU list such as '2-5,8' (a string, a CPU id or a list of them)"
PATTERN = "a non-empty regular expression of at most 256 characters"
IFNAME = "a network interface name of 1 to 15 characters without '/', ':' or blanks"
IRQ = "a whole number from 0 to 65535"
ESCAPE = "escape a literal ( [ { * + ? or \\ with a backslash"
BAD_INPUTS = [
    pytest.param(
        {"match": [""]},
        f"match[0] must be {PATTERN}, given ''; an empty pattern would match every IRQ; use all: true for that",
        id="empty-pattern",
    ),
    pytest.param(
        {"match": ["^nvme", "  "]},
        f"match[1] must be {PATTERN}, given '  '; an empty pattern would match every IRQ; use all: true for that",
        id="blank-pattern",
    ),
    pytest.param(
        {"match": ["x" * 257]},
        f"match[0] must be {PATTERN}, given '{'x' * 39}... (259 characters)",
        id="overlong-pattern",
    ),
    pytest.param(
        {"match": ["eth0-Tx-Rx-("]},
        "match[0] must be a valid regular expression (Python re syntax), given 'eth0-Tx-Rx-('; missing ), "
        f"unterminated subpattern at position 11; {ESCAPE}",
        id="invalid-regex",
    ),
    pytest.param(
        {"all": True, "exclude_match": ["[a-"]},
        "exclude_match[0] must be a valid regular expression (Python re syntax), given '[a-'; unterminated "
        f"character set at position 0; {ESCAPE}",
        id="invalid-exclude-regex",
    ),
    pytest.param({"match": [None]}, f"match[0] must be {PATTERN}, given null", id="null-pattern"),
    pytest.param({"irqs": [True]}, f"irqs[0] must be {IRQ}, given true", id="irq-bool"),
    pytest.param({"irqs": [0, 1.5]}, f"irqs[1] must be {IRQ}, given 1.5", id="irq-float"),
    pytest.param({"irqs": [-1]}, f"irqs[0] must be {IRQ}, given -1", id="irq-negative"),
    pytest.param({"irqs": [65536]}, f"irqs[0] must be {IRQ}, given 65536", id="irq-too-big"),
    pytest.param({"irqs": ["ten"]}, f"irqs[0] must be {IRQ}, given 'ten'", id="irq-word"),
    pytest.param(
        {"device": ""},
        f"device must be {IFNAME}, given ''; for example eth0 or ens5",
        id="empty-device",
    ),
    pytest.param(
        {"device": "../../etc"},
        f"device must be {IFNAME}, given '../../etc'; for example eth0 or ens5",
        id="device-path",
    ),
    pytest.param(
        {"device": "a" * 16},
        f"device must be {IFNAME}, given {'a' * 16!r}; for example eth0 or ens5",
        id="device-too-long",
    ),
    pytest.param(
        {"all": True, "exclude_device": "eth 0"},
        f"exclude_device must be {IFNAME}, given 'eth 0'; for example eth0 or ens5",
        id="exclude-device-blank",
    ),
    pytest.param(
        {"device": "eth0", "cpus": ""},
        f"cpus must be {CPU_LIST}, given ''; name at least one CPU",
        id="empty-cpus",
    ),
    pytest.param(
        {"device": "eth0", "cpus": []},
        f"cpus must be {CPU_LIST}, given []; name at least one CPU",
        id="empty-cpu-list",
    ),
    pytest.param({"device": "eth0", "cpus": True}, f"cpus must be {CPU_LIST}, given true", id="cpus-bool"),
    pytest.param(
        {"device": "eth0", "cpus": "1-x"},
        "cpus: bad CPU list token '1-x' in '1-x': expected N, N-M or N-M:used/group",
        id="cpus-malformed",
    ),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUTS)
def test_bad_input_fails_with_the_exact_message(run_module, shape_root, args, message):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "cpus": "0", **args})
    assert result.failed
    assert "exception" not in result, result.get("exception")
    assert result["msg"] == message
    assert affinity(root, 0) == affinity(root, 25) == "0-35", "nothing was written"


def test_numbers_and_cpus_are_coerced_as_ansible_coerces_them(run_module, shape_root):
    root = shape_root("c5n.9xlarge")
    result = run_module(irq_affinity, {"root": root, "irqs": ["25", 26], "cpus": [1, 19]})
    assert not result.failed, result["msg"]
    assert result["changed_irqs"] == [25, 26]
    assert affinity(root, 25) == "1,19"
