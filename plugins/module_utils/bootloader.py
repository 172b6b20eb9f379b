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
    merge,
    parse_cmdline,
    render_cmdline,
)

# run(argv) -> (rc, stdout, stderr), i.e. AnsibleModule.run_command
Runner = Callable[[list[str]], tuple[int, str, str]]

DROPIN_HEADER = "# Managed by lowlat (lowlat.trading.kernel_cmdline). Local edits are overwritten.\n"

# Source the defaults the way grub-mkconfig does, leaving out our own drop-in, and print the result.
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

    def _base(self) -> tuple[list[Arg], list[Arg]]:
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
        lines = [*out.splitlines(), "", ""][:2]
        return parse_cmdline(lines[0]), parse_cmdline(lines[1])

    def plan(self, ensure: list[Arg], remove: list[str]) -> dict:
        base_linux, base_default = self._base()
        linux = merge(base_linux, ensure, remove)
        managed = {k for k, _ in ensure} | set(remove)
        default = [a for a in base_default if a[0] not in managed]
        content = (
            DROPIN_HEADER
            + f"GRUB_CMDLINE_LINUX={shlex.quote(render_cmdline(linux))}\n"
            + f"GRUB_CMDLINE_LINUX_DEFAULT={shlex.quote(render_cmdline(default))}\n"
        )
        before = _read(self.dropin)
        stale = self.update_bootloader and not _cfg_has(self.grub_cfg, render_cmdline(linux))
        return {
            "content": content,
            "before": before,
            "changed": before != content or stale,
            "file_changed": before != content,
            "bootloader_stale": stale,
            "cmdline": render_cmdline(linux + default),
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

    def plan(self, ensure: list[Arg], remove: list[str]) -> dict:
        current = self._current()
        wanted = merge(current, ensure, remove)
        before = render_cmdline(current)
        after = render_cmdline(wanted)
        return {
            "before": before,
            "content": after,
            "changed": set(current) != set(wanted),
            "cmdline": after,
            "ensure": ensure,
            "remove": [k for k in remove if any(a[0] == k for a in current)],
        }

    def apply(self, planned: dict) -> list[str]:
        os.makedirs(self.backup_dir, exist_ok=True)
        backup = os.path.join(self.backup_dir, f"grubby-info-{time.strftime('%Y%m%d%H%M%S')}.txt")
        _write(backup, _run(self.run, ["grubby", "--info=ALL"]))
        argv = ["grubby", "--update-kernel=ALL"]
        if planned["ensure"]:
            argv.append("--args=" + render_cmdline(planned["ensure"]))
        if planned["remove"]:
            argv.append("--remove-args=" + " ".join(planned["remove"]))
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


def _cfg_has(grub_cfg: str, cmdline: str) -> bool:
    """True when some `linux` line of the generated grub.cfg carries exactly these arguments."""
    text = _read(grub_cfg)
    if text is None:
        return False
    return any(line.strip().startswith("linux") and cmdline in line for line in text.splitlines())
