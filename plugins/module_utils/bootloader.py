"""Boot-loader backends that persist kernel arguments: a GRUB drop-in (Debian/Ubuntu) or grubby
(RHEL family, Amazon Linux). Each reports the change it would make; nothing runs in check mode."""

from __future__ import annotations

import os
import shlex
import shutil
import time
from collections.abc import Callable

from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import (
    Arg,
    by_key,
    difference,
    drift,
    drop,
    merge,
    parse_cmdline,
    render_args,
    render_cmdline,
    same_args,
)

# run(argv) -> (rc, stdout, stderr), i.e. AnsibleModule.run_command
Runner = Callable[[list[str]], tuple[int, str, str]]

DROPIN_HEADER = "# Managed by lowlat (lowlat.trading.kernel_cmdline). Local edits are overwritten.\n"

# Source the defaults the way grub-mkconfig does, leaving out our own drop-in, and print the result;
# then source our (lexically last) drop-in and print what update-grub would use today.
_SOURCE_GRUB_DEFAULTS = r"""
set -e
defaults=$1; dropin_dir=$2; ours=$3
GRUB_CMDLINE_LINUX=""; GRUB_CMDLINE_LINUX_DEFAULT=""
[ -f "$defaults" ] && . "$defaults"
for f in "$dropin_dir"/*.cfg; do
  [ -e "$f" ] || continue
  [ "$f" = "$ours" ] && continue
  . "$f"
done
printf '%s\n%s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
[ -f "$ours" ] && . "$ours"
printf '%s\n%s\n' "$GRUB_CMDLINE_LINUX" "$GRUB_CMDLINE_LINUX_DEFAULT"
"""


class BootloaderError(RuntimeError):
    pass


def _run(run: Runner, argv: list[str]) -> str:
    rc, out, err = run(argv)
    if rc != 0:
        raise BootloaderError(f"{' '.join(argv)} failed (rc={rc}): {(err or out).strip()}")
    return out


class GrubDropin:
    """Writes GRUB_CMDLINE_LINUX(_DEFAULT) into a lexically-last /etc/default/grub.d drop-in."""

    name = "grub"

    def __init__(
        self,
        run: Runner,
        defaults_file: str = "/etc/default/grub",
        dropin: str = "/etc/default/grub.d/99-lowlat.cfg",
        grub_cfg: str = "/boot/grub/grub.cfg",
        update_command: list[str] | None = None,
        update_bootloader: bool = True,
    ):
        self.run = run
        self.defaults_file = defaults_file
        self.dropin = dropin
        self.grub_cfg = grub_cfg
        self.update_command = update_command or ["update-grub"]
        self.update_bootloader = update_bootloader

    def _base(self) -> tuple[list[Arg], list[Arg], list[Arg]]:
        """GRUB_CMDLINE_LINUX and _DEFAULT without our drop-in, and the whole line with it."""
        out = _run(
            self.run,
            [
                "bash",
                "-c",
                _SOURCE_GRUB_DEFAULTS,
                "lowlat",
                self.defaults_file,
                os.path.dirname(self.dropin),
                self.dropin,
            ],
        )
        lines = [*out.splitlines(), "", "", "", ""][:4]
        linux, default, current_linux, current_default = (parse_cmdline(line) for line in lines)
        return linux, default, current_linux + current_default

    def plan(self, ensure: list[Arg], remove: list[Arg]) -> dict:
        base_linux, base_default, current = self._base()
        linux = merge(base_linux, ensure, remove)
        default = drop(base_default, ensure, remove)
        content = (
            DROPIN_HEADER
            + f"GRUB_CMDLINE_LINUX={shlex.quote(render_cmdline(linux))}\n"
            + f"GRUB_CMDLINE_LINUX_DEFAULT={shlex.quote(render_cmdline(default))}\n"
        )
        before = _read(self.dropin)
        stale = self.update_bootloader and not _cfg_has(self.grub_cfg, linux + default, remove)
        return {
            "content": content,
            "before": before,
            "changed": before != content or stale,
            "file_changed": before != content,
            "bootloader_stale": stale,
            "args": linux + default,
            "cmdline": render_cmdline(linux + default),
            **_added_removed(current, linux + default),
        }

    def apply(self, planned: dict) -> list[str]:
        done = []
        if planned["file_changed"]:
            if planned["before"] is not None:
                backup = f"{self.dropin}.lowlat-backup-{time.strftime('%Y%m%d%H%M%S')}"
                shutil.copy2(self.dropin, backup)
                done.append(f"backed up {self.dropin} to {backup}")
            os.makedirs(os.path.dirname(self.dropin), exist_ok=True)
            _write(self.dropin, planned["content"])
            done.append(f"wrote {self.dropin}")
        if self.update_bootloader and (planned["file_changed"] or planned["bootloader_stale"]):
            if os.path.exists(self.grub_cfg):
                shutil.copy2(self.grub_cfg, f"{self.grub_cfg}.lowlat-backup")
            _run(self.run, self.update_command)
            done.append(f"ran {' '.join(self.update_command)}")
        return done


class Grubby:
    """Edits every installed kernel's boot entry with grubby (BLS entries on RHEL 8+/AL2023)."""

    name = "grubby"

    def __init__(self, run: Runner, backup_dir: str = "/var/lib/lowlat"):
        self.run = run
        self.backup_dir = backup_dir

    def _current(self) -> list[Arg]:
        out = _run(self.run, ["grubby", "--info=DEFAULT"])
        for line in out.splitlines():
            if line.startswith("args="):
                return parse_cmdline(line[len("args=") :].strip().strip('"'))
        raise BootloaderError("grubby --info=DEFAULT printed no args= line")

    def plan(self, ensure: list[Arg], remove: list[Arg]) -> dict:
        current = self._current()
        wanted = merge(current, ensure, remove)
        have, want = by_key(current), by_key(wanted)
        keys = [k for k in {**have, **want} if have.get(k, []) != want.get(k, [])]
        # grubby edits one argument per key (--args replaces a key's value): a repeated key such as
        # EC2's two console= cannot be changed through it without losing or duplicating values.
        repeated = [k for k in keys if len(have.get(k, [])) > 1 or len(want.get(k, [])) > 1]
        if repeated:
            raise BootloaderError(
                f"grubby cannot change the repeated key(s) {', '.join(repeated)} "
                f"(now: {render_cmdline([a for a in current if a[0] in repeated])}; "
                f"wanted: {render_cmdline([a for a in wanted if a[0] in repeated])}): "
                "edit that key by hand or use backend=grub"
            )
        return {
            "before": render_cmdline(current),
            "content": render_cmdline(wanted),
            "changed": not same_args(current, wanted),
            "args": wanted,
            "cmdline": render_cmdline(wanted),
            "ensure": [a for a in ensure if a[0] in keys],
            "remove": [a for a in current if a[0] in keys and a[0] not in want],
            **_added_removed(current, wanted),
        }

    def apply(self, planned: dict) -> list[str]:
        os.makedirs(self.backup_dir, exist_ok=True)
        backup = os.path.join(self.backup_dir, f"grubby-info-{time.strftime('%Y%m%d%H%M%S')}.txt")
        _write(backup, _run(self.run, ["grubby", "--info=ALL"]))
        argv = ["grubby", "--update-kernel=ALL"]
        if planned["ensure"]:
            argv.append("--args=" + render_cmdline(planned["ensure"]))
        if planned["remove"]:
            argv.append("--remove-args=" + render_cmdline(planned["remove"]))
        _run(self.run, argv)
        return [f"saved grubby --info=ALL to {backup}", "ran " + " ".join(argv)]


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def _write(path: str, content: str) -> None:
    tmp = f"{path}.lowlat-tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(content)
    os.replace(tmp, path)


def _added_removed(before: list[Arg], after: list[Arg]) -> dict[str, list[str]]:
    return {
        "added": render_args(difference(after, before)),
        "removed": render_args(difference(before, after)),
    }


def _cfg_has(grub_cfg: str, wanted: list[Arg], remove: list[Arg]) -> bool:
    """True when some `linux` line of the generated grub.cfg has the wanted arguments, whole
    arguments compared (nohz=on is not nohz=one), and none that `remove` names."""
    text = _read(grub_cfg)
    if text is None:
        return False
    lines = (line for line in text.splitlines() if line.strip().startswith("linux"))
    return any(not any(drift(parse_cmdline(line), wanted, remove).values()) for line in lines)
