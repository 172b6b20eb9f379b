"""A stand-in for ethtool over a NIC's state kept in a JSON file: -l/-L, -g/-G, -c/-C as ethtool prints and
takes them. Imported by the nic_tuning tests (``FakeEthtool(path)`` is a runner) and run as a program by
the lowlat-nic-tune CLI test (``fake_ethtool.py`` with FAKE_ETHTOOL_STATE=path)."""

from __future__ import annotations

import json
import os
import sys

DEFAULT_STATE = {
    "channels": {"max": 8, "combined": 8},
    "rings": {"max_rx": 16384, "max_tx": 1024, "rx": 1024, "tx": 1024, "push": None, "max_push": None},
    "coalesce": {"adaptive_rx": "on", "adaptive_tx": "n/a", "rx_usecs": 20, "tx_usecs": 64},
    "refuse": [],
    "calls": [],
}


def _fmt(value) -> str:
    return "n/a" if value is None else str(value)


def show(state: dict, flag: str, ifname: str) -> str:
    if flag == "-l":
        c = state["channels"]
        return (
            f"Channel parameters for {ifname}:\nPre-set maximums:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\n"
            f"Combined:\t{c['max']}\nCurrent hardware settings:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\n"
            f"Combined:\t{c['combined']}\n"
        )
    if flag == "-g":
        r = state["rings"]
        push = "" if r["max_push"] is None else f"TX push buff max len:\t{r['max_push']}\n"
        push_now = "" if r["push"] is None else f"TX push buff len:\t{r['push']}\n"
        return (
            f"Ring parameters for {ifname}:\nPre-set maximums:\nRX:\t\t\t{r['max_rx']}\nRX Mini:\t\tn/a\n"
            f"TX:\t\t\t{r['max_tx']}\n{push}Current hardware settings:\nRX:\t\t\t{r['rx']}\n"
            f"RX Mini:\t\tn/a\nTX:\t\t\t{r['tx']}\n{push_now}"
        )
    c = state["coalesce"]
    return (
        f"Coalesce parameters for {ifname}:\nAdaptive RX: {c['adaptive_rx']}  TX: {c['adaptive_tx']}\n"
        f"stats-block-usecs:\tn/a\nrx-usecs:\t{_fmt(c['rx_usecs'])}\nrx-frames:\tn/a\n"
        f"tx-usecs:\t{_fmt(c['tx_usecs'])}\n"
    )


SETTERS = {
    "-L": ("channels", {"combined": "combined"}),
    "-G": ("rings", {"rx": "rx", "tx": "tx", "tx-push-buf-len": "push"}),
    "-C": (
        "coalesce",
        {
            "adaptive-rx": "adaptive_rx",
            "adaptive-tx": "adaptive_tx",
            "rx-usecs": "rx_usecs",
            "tx-usecs": "tx_usecs",
        },
    ),
}


def ethtool(state: dict, argv: list[str]) -> tuple[int, str, str]:
    flag, ifname, rest = argv[1], argv[2], argv[3:]
    state["calls"].append(argv[1:])
    if flag in state["refuse"]:
        return 1, "", f"Cannot set or read {flag} for {ifname}: Operation not supported"
    if flag in ("-l", "-g", "-c"):
        return 0, show(state, flag, ifname), ""
    group, keys = SETTERS[flag]
    for key, value in zip(rest[::2], rest[1::2], strict=True):
        state[group][keys[key]] = value if value in ("on", "off") else int(value)
    return 0, "", ""


class FakeEthtool:
    """A runner(argv) -> (rc, out, err) over the state file at path."""

    def __init__(self, path: str, **changes):
        self.path = path
        state = json.loads(json.dumps(DEFAULT_STATE))
        for group, values in changes.items():
            state[group].update(values) if isinstance(values, dict) else state.__setitem__(group, values)
        self.save(state)

    def load(self) -> dict:
        with open(self.path, encoding="utf-8") as fh:
            return json.load(fh)

    def save(self, state: dict) -> None:
        with open(self.path, "w", encoding="utf-8") as fh:
            json.dump(state, fh)

    def __call__(self, argv: list[str]) -> tuple[int, str, str]:
        state = self.load()
        result = ethtool(state, argv)
        self.save(state)
        return result

    def sets(self) -> list[list[str]]:
        return [call for call in self.load()["calls"] if call[0] in SETTERS]


if __name__ == "__main__":
    runner = FakeEthtool.__new__(FakeEthtool)
    runner.path = os.environ["FAKE_ETHTOOL_STATE"]
    rc, out, err = runner([sys.argv[0], *sys.argv[1:]])
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.exit(rc)
