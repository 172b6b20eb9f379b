"""unit_set: the actions each unit needs, batched systemctl calls, restarts only on change."""

from __future__ import annotations

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import unit_set

UNIT_DIR = "/etc/systemd/system"


def as_state(triple: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("LoadState", "ActiveState", "UnitFileState"), triple, strict=True))


class FakeSystemd:
    """systemctl over a dict of unit states; records every call."""

    def __init__(self, states: dict[str, tuple[str, str, str]]):
        self.states = {n: as_state(s) for n, s in states.items()}
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str]) -> tuple[int, str, str]:
        assert argv[0] == "systemctl"
        self.calls.append(argv[1:])
        verb, names = argv[1], argv[argv.index("--") + 1 :] if "--" in argv else []
        if verb == "show":
            blocks = []
            for name in names:
                st = self.states.get(
                    name, {"LoadState": "not-found", "ActiveState": "inactive", "UnitFileState": ""}
                )
                blocks.append(f"Id={name}\n" + "".join(f"{k}={v}\n" for k, v in st.items()))
            return 0, "\n".join(blocks), ""
        for name in names:
            st = self.states.setdefault(
                name, {"LoadState": "loaded", "ActiveState": "inactive", "UnitFileState": ""}
            )
            if name == "broken.service" and verb in ("start", "restart"):
                return 1, "", "Job for broken.service failed"
            st.update(
                {
                    "enable": {"UnitFileState": "enabled"},
                    "disable": {"UnitFileState": "disabled"},
                    "mask": {"LoadState": "masked", "UnitFileState": "masked"},
                    "unmask": {"LoadState": "loaded", "UnitFileState": "disabled"},
                    "start": {"ActiveState": "active"},
                    "restart": {"ActiveState": "active"},
                    "stop": {"ActiveState": "inactive"},
                }.get(verb, {})
            )
        return 0, "", ""

    def verbs(self) -> list[str]:
        return [c[0] for c in self.calls if c[0] != "show"]


def units(*items: dict) -> list[unit_set.Unit]:
    return unit_set.parse(list(items))


def test_a_new_unit_is_reloaded_enabled_and_started_in_batches():
    fake = FakeSystemd({})
    result = unit_set.apply(
        fake,
        units(
            {"name": "a.service", "enabled": True, "state": "started"}, {"name": "b.service", "enabled": True}
        ),
        [f"{UNIT_DIR}/a.service", f"{UNIT_DIR}/b.service"],
    )
    assert result.daemon_reload
    assert result.actions == {"a.service": ["enable", "start"], "b.service": ["enable"]}
    assert fake.calls[0] == ["daemon-reload"]
    assert [c for c in fake.calls if c[0] == "enable"] == [["enable", "--", "a.service", "b.service"]]


def test_a_converged_set_runs_only_the_one_read():
    fake = FakeSystemd({"a.service": ("loaded", "active", "enabled")})
    result = unit_set.apply(fake, units({"name": "a.service", "enabled": True, "state": "started"}), [])
    assert not result.changed
    assert fake.verbs() == []
    assert len(fake.calls) == 1


def test_running_unit_restarts_when_its_file_dropin_or_watched_path_changed():
    running = ("loaded", "active", "enabled")
    set_ = units(
        {"name": "a.service", "state": "started"},
        {"name": "b.service", "state": "started"},
        {"name": "c.service", "state": "started", "watch": ["/etc/c.conf"]},
        {"name": "d.service", "state": "started"},
    )
    states = {f"{n}.service": as_state(running) for n in ("a", "b", "c", "d")}
    changed = [f"{UNIT_DIR}/a.service", f"{UNIT_DIR}/b.service.d/override.conf", "/etc/c.conf", "/etc/other"]
    assert unit_set.plan(set_, states, changed, UNIT_DIR) == {
        "a.service": ["restart"],
        "b.service": ["restart"],
        "c.service": ["restart"],
    }


@pytest.mark.parametrize(
    ("path", "touched"),
    [
        (f"{UNIT_DIR}/lowlat-ena@.service", True),
        (f"{UNIT_DIR}/lowlat-ena@.service.d/x.conf", True),
        (f"{UNIT_DIR}/lowlat-ena@eth0.service", True),
        (f"{UNIT_DIR}/lowlat-ena@eth1.service", False),
        (f"{UNIT_DIR}/lowlat-ena.service", False),
    ],
)
def test_an_instance_is_touched_by_its_template(path, touched):
    assert unit_set.touches_unit("lowlat-ena@eth0.service", path, UNIT_DIR) is touched


def test_restart_flag_restarts_a_running_unit_and_starts_a_stopped_one():
    fake = FakeSystemd(
        {"a.service": ("loaded", "active", "enabled"), "b.service": ("loaded", "failed", "enabled")}
    )
    result = unit_set.apply(
        fake,
        units(
            {"name": "a.service", "state": "started", "restart": True},
            {"name": "b.service", "state": "started"},
        ),
        [],
    )
    assert result.actions == {"a.service": ["restart"], "b.service": ["start"]}
    assert not result.daemon_reload


def test_mask_and_stop_a_running_unit_then_nothing():
    fake = FakeSystemd({"ksm.service": ("loaded", "active", "enabled")})
    spec = units({"name": "ksm.service", "masked": True, "state": "stopped"})
    assert unit_set.apply(fake, spec, []).actions == {"ksm.service": ["stop", "mask"]}
    assert fake.verbs() == ["stop", "mask"]
    assert not unit_set.apply(fake, spec, []).changed


def test_unmask_then_enable_and_disable():
    fake = FakeSystemd(
        {"a.service": ("masked", "inactive", "masked"), "b.service": ("loaded", "inactive", "enabled")}
    )
    result = unit_set.apply(
        fake,
        units(
            {"name": "a.service", "masked": False, "enabled": True}, {"name": "b.service", "enabled": False}
        ),
        [],
    )
    assert result.actions == {"a.service": ["unmask", "enable"], "b.service": ["disable"]}


def test_disable_then_mask_an_enabled_unit_once():
    fake = FakeSystemd({"irqbalance.service": ("loaded", "inactive", "enabled")})
    spec = units({"name": "irqbalance.service", "enabled": False, "masked": True})
    assert unit_set.apply(fake, spec, []).actions == {"irqbalance.service": ["disable", "mask"]}
    assert not unit_set.apply(fake, spec, []).changed


def test_masking_a_unit_that_is_not_installed():
    fake = FakeSystemd({})
    spec = units({"name": "numad.service", "enabled": False, "masked": True, "state": "stopped"})
    assert unit_set.apply(fake, spec, []).actions == {"numad.service": ["mask"]}


def test_static_units_are_not_enabled():
    fake = FakeSystemd({"a.service": ("loaded", "inactive", "static")})
    assert not unit_set.apply(fake, units({"name": "a.service", "enabled": True}), []).changed


def test_check_mode_plans_a_new_unit_and_runs_nothing_but_the_read():
    fake = FakeSystemd({})
    result = unit_set.apply(
        fake,
        units({"name": "a.service", "enabled": True, "state": "started"}),
        [f"{UNIT_DIR}/a.service"],
        check=True,
    )
    assert result.daemon_reload
    assert result.actions == {"a.service": ["enable", "start"]}
    assert fake.verbs() == []


def test_a_failing_action_says_which_command_and_why():
    fake = FakeSystemd({"broken.service": ("loaded", "inactive", "enabled")})
    with pytest.raises(
        unit_set.UnitSetError, match=r"systemctl start -- broken.service failed \(rc 1\): Job for"
    ):
        unit_set.apply(fake, units({"name": "broken.service", "state": "started"}), [])


def test_explicit_daemon_reload_overrides_the_guess():
    fake = FakeSystemd({})
    assert not unit_set.apply(fake, [], [f"{UNIT_DIR}/a.service"], daemon_reload=False).daemon_reload
    assert fake.verbs() == []


def test_parse_show_maps_blocks_by_id():
    text = "Id=a.service\nLoadState=loaded\n\nId=b.timer\nLoadState=masked\nUnitFileState=masked\n"
    assert unit_set.parse_show(text)["b.timer"]["LoadState"] == "masked"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"name": "chrony"}, "full unit name"),
        ({"name": "../x.service"}, "full unit name"),
        ({"name": "a.service", "state": "running"}, "not one of started, stopped"),
        ({"name": "a.service", "masked": True, "enabled": True}, "cannot be enabled or started"),
        ({"name": "a.service", "watch": ["etc/x"]}, "absolute paths"),
        ({"name": "a.service", "restart_on": []}, "unknown keys ['restart_on']"),
        ({"name": "a.service", "enabled": "perhaps"}, "perhaps"),
    ],
)
def test_malformed_units_are_refused(item, message):
    with pytest.raises(unit_set.UnitSetError) as err:
        unit_set.parse([item])
    assert message in str(err.value)


def test_templated_strings_convert_as_ansible_does():
    (unit,) = unit_set.parse([{"name": "a.service", "enabled": "yes", "restart": "False", "state": "None"}])
    assert unit.enabled is True and unit.restart is False and unit.state is None


def test_a_unit_named_twice_is_refused():
    with pytest.raises(unit_set.UnitSetError, match=r"units named twice: a\.service"):
        unit_set.parse([{"name": "a.service"}, {"name": "a.service", "state": "started"}])
