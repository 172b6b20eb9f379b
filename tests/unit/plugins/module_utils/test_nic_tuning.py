"""module_utils/nic_tuning: the NIC settings lowlat-nic-tune applies, against a fixture /sys and a stand-in
ethtool (tests/unit/plugins/module_utils/fake_ethtool.py) that keeps the NIC's state between calls."""

from __future__ import annotations

import os

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import nic_tuning as nt
from ansible_collections.lowlat.trading.plugins.module_utils.hostfs import HostFS, HostFSError
from tests.unit.plugins.module_utils.fake_ethtool import FakeEthtool

SETTINGS = """\
# written by the ena role
interface=eth0
driver=ena
apply=yes
reason=
root={root}
channels=2
rx_ring=4096
tx_ring=-1
tx_push_buf_len=-1
adaptive_rx=off
adaptive_tx=
rx_usecs=0
tx_usecs=0
napi_defer_hard_irqs=100
gro_flush_timeout=-1
"""


def sysfs(tmp_path, driver: str = "ena"):
    """A /sys with eth0 bound to `driver` and its NAPI knobs at 0."""
    root = tmp_path / "root"
    net = root / "sys/class/net/eth0"
    (net / "device").mkdir(parents=True)
    drivers = root / "sys/bus/pci/drivers" / driver
    drivers.mkdir(parents=True)
    os.symlink(drivers, net / "device/driver")
    for knob in nt.NAPI_KEYS:
        (net / knob).write_text("0\n")
    return root


@pytest.fixture
def nic(tmp_path):
    root = sysfs(tmp_path)
    conf = nt.parse_config(SETTINGS.format(root=root), "eth0.conf")
    return root, conf, FakeEthtool(str(tmp_path / "ethtool.json"))


def test_a_first_run_sets_each_group_in_one_call_and_a_second_changes_nothing(nic):
    root, conf, ethtool = nic
    report, status = nt.tune(conf, "ethtool", ethtool, check=False)
    assert status == 2 and report["changed"] and report["errors"] == []
    assert report["changes"] == [
        "combined channels 8 -> 2",
        "rx ring 1024 -> 4096",
        "adaptive-rx on -> off",
        "rx-usecs 20 -> 0",
        "tx-usecs 64 -> 0",
        "napi_defer_hard_irqs 0 -> 100",
    ]
    assert ethtool.sets() == [
        ["-L", "eth0", "combined", "2"],
        ["-G", "eth0", "rx", "4096"],
        ["-C", "eth0", "adaptive-rx", "off", "rx-usecs", "0", "tx-usecs", "0"],
    ]
    assert (root / "sys/class/net/eth0/napi_defer_hard_irqs").read_text().strip() == "100"
    again, status = nt.tune(conf, "ethtool", ethtool, check=False)
    assert status == 0 and again["changes"] == [] and len(ethtool.sets()) == 3
    assert nt.summary(again) == (["eth0: already as configured"], [])


def test_check_mode_reports_and_changes_nothing(nic):
    root, conf, ethtool = nic
    report, status = nt.tune(conf, "ethtool", ethtool, check=True)
    assert status == 2 and report["verb"] == "would change" and len(report["changes"]) == 6
    assert ethtool.sets() == []
    assert (root / "sys/class/net/eth0/napi_defer_hard_irqs").read_text().strip() == "0"
    assert nt.summary(report)[0][0] == "eth0: would change combined channels 8 -> 2"


def test_values_above_the_device_maximum_are_clamped_with_a_note(nic, tmp_path):
    _root, conf, _ = nic
    ethtool = FakeEthtool(
        str(tmp_path / "small.json"), channels={"max": 4, "combined": 4}, rings={"max_rx": 2048}
    )
    report, _ = nt.tune({**conf, "channels": 16}, "ethtool", ethtool, check=False)
    assert "combined channels: 16 clamped to the device maximum 4" in report["notes"]
    assert "rx ring 1024 -> 2048" in report["changes"]
    assert not [c for c in report["changes"] if c.startswith("combined")]


def test_what_the_device_does_not_offer_is_unsupported_not_an_error(nic, tmp_path):
    root, conf, _ = nic
    ethtool = FakeEthtool(
        str(tmp_path / "na.json"), coalesce={"adaptive_rx": "n/a", "tx_usecs": None}, refuse=["-l"]
    )
    (root / "sys/class/net/eth0/napi_defer_hard_irqs").unlink()
    report, status = nt.tune(
        {**conf, "adaptive_rx": "on", "tx_push_buf_len": 128}, "ethtool", ethtool, check=False
    )
    assert status == 2 and report["errors"] == []
    assert report["unsupported"] == [
        "ethtool -l eth0 failed: Cannot set or read -l for eth0: Operation not supported",
        "tx push buffer length: not offered by this device",
        "adaptive-rx: not offered by this device",
        "tx-usecs: not offered by this device",
        f"napi_defer_hard_irqs: {root}/sys/class/net/eth0/napi_defer_hard_irqs not readable (kernel too old?)",
    ]


def test_a_refused_setting_is_an_error(nic, tmp_path):
    _root, conf, _ = nic
    ethtool = FakeEthtool(str(tmp_path / "refuse.json"), refuse=["-G"])
    report, status = nt.tune({**conf, "channels": -1}, "ethtool", ethtool, check=False)
    assert status == 1 and report["changes"] == [
        "rx ring 1024 -> 4096",
        "adaptive-rx on -> off",
        "rx-usecs 20 -> 0",
        "tx-usecs 64 -> 0",
        "napi_defer_hard_irqs 0 -> 100",
    ]
    assert report["errors"] == [
        "ethtool -G eth0 rx 4096 failed: Cannot set or read -G for eth0: Operation not supported"
    ]


def test_a_refused_sysfs_write_is_an_error(nic, monkeypatch):
    _root, conf, ethtool = nic

    def refuse(self, path, value):
        raise HostFSError(path, PermissionError(13, "Permission denied"))

    monkeypatch.setattr(HostFS, "write", refuse)
    report, status = nt.tune(conf, "ethtool", ethtool, check=False)
    assert status == 1
    assert report["errors"] == ["writing /sys/class/net/eth0/napi_defer_hard_irqs: Permission denied"]


@pytest.mark.parametrize(
    ("change", "status", "field", "text"),
    [
        (
            {"apply": "no", "reason": "host is a podman container"},
            0,
            "skipped",
            "not applying on this host: host is a podman container",
        ),
        ({"driver": "mlx5_core"}, 0, "skipped", "eth0 uses driver ena, not mlx5_core: nothing applied"),
        ({"interface": "eth9"}, 1, "errors", ["interface eth9 does not exist"]),
    ],
)
def test_hosts_the_settings_do_not_apply_to(nic, change, status, field, text):
    _root, conf, ethtool = nic
    report, got = nt.tune({**conf, **change}, "ethtool", ethtool, check=False)
    assert got == status and report[field] == text and ethtool.load()["calls"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("interface=eth0\nqueues=4\n", "eth0.conf:2: expected key=value with a known key, got 'queues=4'"),
        ("interface=eth0\nchannels=four\n", "eth0.conf:2: channels must be an integer, got 'four'"),
        ("channels=2\n", "eth0.conf: no interface= line"),
        ("interface=eth0\nadaptive_rx=yes\n", "eth0.conf: adaptive_rx must be on, off or empty, got 'yes'"),
    ],
)
def test_a_malformed_settings_file_is_refused_with_the_line(text, message):
    with pytest.raises(nt.ConfigError) as err:
        nt.parse_config(text, "eth0.conf")
    assert str(err.value) == message


def test_keys_left_out_mean_leave_as_is():
    conf = nt.parse_config("interface=eth0\n", "eth0.conf")
    assert conf["apply"] == "no" and all(conf[key] == -1 for key in nt.INT_KEYS)
