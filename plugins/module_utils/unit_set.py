"""A role's systemd units brought to their state with a handful of systemctl calls.

One `systemctl show` reads every unit; the plan then says, per unit, which of unmask, disable,
enable, stop, mask, start and restart it needs, and the actions run batched (one systemctl call
per action for all the units that need it) after a single daemon-reload when a unit file or
drop-in changed. A unit restarts only when it should run and is running, and its own file, one of
its drop-ins or a file it watches changed (or `restart` asks for it, e.g. on live drift). Check
mode plans the same without running anything; a unit whose file is only about to be written is
planned as a new, disabled, stopped unit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from ansible.module_utils.parsing.convert_bool import boolean

Runner = Callable[[list[str]], tuple[int, str, str]]
PROPERTIES = ("Id", "LoadState", "ActiveState", "UnitFileState")
ACTIONS = ("unmask", "disable", "enable", "stop", "mask", "start", "restart")
STATES = ("started", "stopped")
SYSTEMD_DIRS = ("/etc/systemd/", "/lib/systemd/", "/usr/lib/systemd/", "/run/systemd/")


class UnitSetError(ValueError):
    """A unit item is malformed or systemctl failed; the message says which and why."""


@dataclass(frozen=True)
class Unit:
    name: str
    enabled: bool | None = None
    masked: bool | None = None
    state: str | None = None
    restart: bool = False
    watch: tuple[str, ...] = ()


@dataclass
class UnitSetResult:
    actions: dict[str, list[str]] = field(default_factory=dict)
    daemon_reload: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.actions) or self.daemon_reload


def _flag(value) -> bool | None:
    """None stays None (not managed); a bool or Ansible's boolean strings ("yes", "False") convert."""
    return None if value is None else boolean(value, strict=True)


def parse(items: list[dict]) -> list[Unit]:
    units: list[Unit] = []
    for item in items:
        name = item.get("name")
        if not isinstance(name, str) or not name or "/" in name or "." not in name:
            raise UnitSetError(f"every unit needs a full unit name such as 'chrony.service'; got {name!r}")
        unknown = set(item) - {"name", "enabled", "masked", "state", "restart", "watch"}
        if unknown:
            raise UnitSetError(f"{name}: unknown keys {sorted(unknown)}")
        # A template that chose no state may hand over "" or "None" rather than null.
        state = item.get("state") or None
        state = None if state in ("None", "none") else state
        if state not in (None, *STATES):
            raise UnitSetError(f"{name}: state {state!r} is not one of {', '.join(STATES)} (or none)")
        try:
            flags = {key: _flag(item.get(key)) for key in ("enabled", "masked", "restart")}
        except TypeError as err:
            raise UnitSetError(f"{name}: {err}") from None
        if flags["masked"] and (flags["enabled"] or state == "started"):
            raise UnitSetError(f"{name}: a masked unit cannot be enabled or started")
        watch = item.get("watch") or []
        if any(not isinstance(p, str) or not p.startswith("/") for p in watch):
            raise UnitSetError(f"{name}: 'watch' takes absolute paths; got {watch!r}")
        units.append(
            Unit(
                name=name,
                enabled=flags["enabled"],
                masked=flags["masked"],
                state=state,
                restart=bool(flags["restart"]),
                watch=tuple(watch),
            )
        )
    names = [u.name for u in units]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UnitSetError(f"units named twice: {', '.join(duplicates)}")
    return units


def parse_show(text: str) -> dict[str, dict[str, str]]:
    """`systemctl show --property=Id,...` output for several units: one block per unit."""
    states: dict[str, dict[str, str]] = {}
    for block in text.strip().split("\n\n"):
        props = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        if props.get("Id"):
            states[props["Id"]] = props
    return states


def touches_unit(unit: str, path: str, unit_dir: str) -> bool:
    """Whether path is the unit's file or drop-in (an instance's template counts as its file)."""
    base = unit_dir.rstrip("/")
    names = [unit]
    if "@" in unit:
        prefix, suffix = unit.split("@", 1)
        names.append(f"{prefix}@.{suffix.rsplit('.', 1)[-1]}")
    return any(path == f"{base}/{name}" or path.startswith(f"{base}/{name}.d/") for name in names)


def needs_reload(changed_paths: list[str], daemon_reload: bool | None = None) -> bool:
    """The caller's choice, or by default whether a file under a systemd directory changed."""
    if daemon_reload is not None:
        return daemon_reload
    return any(p.startswith(SYSTEMD_DIRS) for p in changed_paths)


def plan(
    units: list[Unit], states: dict[str, dict[str, str]], changed_paths: list[str], unit_dir: str
) -> dict[str, list[str]]:
    """The actions each unit needs, in the order they run."""
    planned: dict[str, list[str]] = {}
    for unit in units:
        st = states.get(unit.name, {})
        load, active, file_state = (
            st.get("LoadState", ""),
            st.get("ActiveState", ""),
            st.get("UnitFileState", ""),
        )
        running = active in ("active", "activating", "reloading")
        actions: list[str] = []
        if unit.masked is False and load == "masked":
            actions.append("unmask")
            file_state = "disabled"
        if unit.enabled is False and file_state == "enabled":
            actions.append("disable")
        if unit.enabled is True and file_state in ("disabled", ""):
            actions.append("enable")
        if unit.state == "stopped" and running:
            actions.append("stop")
        if unit.masked is True and load != "masked":
            actions.append("mask")
        if unit.state == "started":
            touched = any(touches_unit(unit.name, p, unit_dir) or p in unit.watch for p in changed_paths)
            if not running:
                actions.append("start")
            elif unit.restart or touched:
                actions.append("restart")
        if actions:
            planned[unit.name] = actions
    return planned


def _systemctl(run: Runner, *args: str) -> str:
    rc, out, err = run(["systemctl", *args])
    if rc != 0:
        raise UnitSetError(f"systemctl {' '.join(args)} failed (rc {rc}): {(err or out).strip()}")
    return out


def read_states(run: Runner, names: list[str]) -> dict[str, dict[str, str]]:
    if not names:
        return {}
    out = _systemctl(run, "show", f"--property={','.join(PROPERTIES)}", "--", *names)
    return parse_show(out)


def _predicted(states: dict[str, dict[str, str]], units: list[Unit], changed_paths: list[str], unit_dir: str):
    """Check mode: a unit whose file is about to be written is new to systemd."""
    predicted = dict(states)
    for unit in units:
        if predicted.get(unit.name, {}).get("LoadState") in (None, "not-found") and any(
            touches_unit(unit.name, p, unit_dir) for p in changed_paths
        ):
            predicted[unit.name] = {
                "LoadState": "loaded",
                "ActiveState": "inactive",
                "UnitFileState": "disabled",
            }
    return predicted


def apply(
    run: Runner,
    units: list[Unit],
    changed_paths: list[str],
    unit_dir: str = "/etc/systemd/system",
    check: bool = False,
    daemon_reload: bool | None = None,
) -> UnitSetResult:
    """Reload if unit files changed, then run each action once for every unit that needs it."""
    result = UnitSetResult()
    if needs_reload(changed_paths, daemon_reload):
        result.daemon_reload = True
        if not check:
            _systemctl(run, "daemon-reload")
    states = read_states(run, [u.name for u in units])
    if check:
        states = _predicted(states, units, changed_paths, unit_dir)
    result.actions = plan(units, states, changed_paths, os.path.normpath(unit_dir))
    if check:
        return result
    for action in ACTIONS:
        names = [name for name, acts in result.actions.items() if action in acts]
        if names:
            _systemctl(run, action, "--", *names)
    return result
