import os
import stat
from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.modules import kernel_cmdline

# A stand-in for update-grub: sources the defaults as grub-mkconfig does and writes one linux line.
FAKE_UPDATE_GRUB = """#!/bin/bash
set -e
. "$LOWLAT_TEST_DIR/grub"
for f in "$LOWLAT_TEST_DIR"/grub.d/*.cfg; do . "$f"; done
echo "linux /vmlinuz root=/dev/vda1 $GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT" > "$LOWLAT_TEST_DIR/grub.cfg"
echo run >> "$LOWLAT_TEST_DIR/update.log"
"""

ARGS = ["isolcpus=managed_irq,domain,2-17", "nohz_full=2-17", "skew_tick=1", "nosoftlockup"]


@pytest.fixture
def grub(tmp_path, monkeypatch, shape_root):
    (tmp_path / "grub").write_text(
        'GRUB_CMDLINE_LINUX="console=ttyS0 isolcpus=1 quiet"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\n'
    )
    (tmp_path / "grub.d").mkdir()
    (tmp_path / "grub.d/50-cloud.cfg").write_text('GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX net.ifnames=0"\n')
    script = tmp_path / "update-grub"
    script.write_text(FAKE_UPDATE_GRUB)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("LOWLAT_TEST_DIR", str(tmp_path))
    root = shape_root("c5n.9xlarge")
    return {
        "dir": tmp_path,
        "root": root,
        "args": {
            "root": root,
            "backend": "grub",
            "grub_defaults": str(tmp_path / "grub"),
            "grub_dropin": str(tmp_path / "grub.d/99-lowlat.cfg"),
            "grub_cfg": str(tmp_path / "grub.cfg"),
            "update_command": [str(script)],
        },
    }


def updates(grub) -> int:
    log = grub["dir"] / "update.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_writes_dropin_runs_update_and_is_idempotent(run_module, grub):
    args = {**grub["args"], "args": ARGS, "remove": ["quiet"]}
    first = run_module(kernel_cmdline, args)
    assert first["changed"] is True
    assert first["reboot_required"] is True
    # The whole configured line is compared: the fixture kernel also lacks the distribution's own
    # net.ifnames=0 and splash.
    assert first["missing"] == ["net.ifnames=0", *ARGS, "splash"]
    dropin = Path(grub["args"]["grub_dropin"]).read_text()
    assert (
        "GRUB_CMDLINE_LINUX='console=ttyS0 net.ifnames=0 isolcpus=managed_irq,domain,2-17 nohz_full=2-17 "
        "skew_tick=1 nosoftlockup'" in dropin
    )
    assert "GRUB_CMDLINE_LINUX_DEFAULT=splash" in dropin
    assert updates(grub) == 1
    linux = (grub["dir"] / "grub.cfg").read_text()
    assert "isolcpus=1 " not in linux and "quiet" not in linux
    assert "isolcpus=managed_irq,domain,2-17" in linux

    second = run_module(kernel_cmdline, args)
    assert second["changed"] is False
    assert second["reboot_required"] is True, "the running kernel still lacks the arguments"
    assert updates(grub) == 1


def test_reboot_not_required_once_running_kernel_has_the_args(run_module, grub):
    args = {**grub["args"], "args": ARGS, "remove": ["quiet"]}
    run_module(kernel_cmdline, args)
    Path(grub["root"], "proc/cmdline").write_text(
        "BOOT_IMAGE=/vmlinuz console=ttyS0 net.ifnames=0 " + " ".join(ARGS) + " splash\n"
    )
    result = run_module(kernel_cmdline, args)
    assert result["changed"] is False
    assert result["reboot_required"] is False
    assert result["missing"] == [] and result["unexpected"] == []


def test_changed_value_replaces_and_backs_up(run_module, grub):
    run_module(kernel_cmdline, {**grub["args"], "args": ARGS})
    new = [*ARGS[:1], "nohz_full=2-16"]
    result = run_module(kernel_cmdline, {**grub["args"], "args": new})
    assert result["changed"] is True
    dropin = Path(grub["args"]["grub_dropin"]).read_text()
    assert "nohz_full=2-16" in dropin and "nohz_full=2-17" not in dropin
    backups = [p for p in os.listdir(grub["dir"] / "grub.d") if ".lowlat-backup-" in p]
    assert len(backups) == 1
    assert (grub["dir"] / "grub.cfg.lowlat-backup").exists()


def test_check_mode_and_diff_write_nothing(run_module, grub):
    result = run_module(kernel_cmdline, {**grub["args"], "args": ARGS}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["actions"] == []
    assert not Path(grub["args"]["grub_dropin"]).exists()
    assert updates(grub) == 0
    assert result["diff"]["before"] == ""
    assert "nohz_full=2-17" in result["diff"]["after"]


def test_stale_grub_cfg_is_regenerated(run_module, grub):
    args = {**grub["args"], "args": ARGS}
    run_module(kernel_cmdline, args)
    (grub["dir"] / "grub.cfg").write_text("linux /vmlinuz root=/dev/vda1 console=ttyS0\n")
    result = run_module(kernel_cmdline, args)
    assert result["changed"] is True
    assert updates(grub) == 2


def test_container_mode_writes_dropin_only(run_module, grub):
    result = run_module(kernel_cmdline, {**grub["args"], "args": ARGS, "update_bootloader": False})
    assert result["changed"] is True
    assert updates(grub) == 0
    assert (
        run_module(kernel_cmdline, {**grub["args"], "args": ARGS, "update_bootloader": False})["changed"]
        is False
    )


def test_same_key_in_args_and_remove_is_rejected(run_module, grub):
    result = run_module(kernel_cmdline, {**grub["args"], "args": ["quiet"], "remove": ["quiet"]})
    assert result.failed
    assert result["msg"] == "keys quiet are both in args and remove; keep each in one list"
    assert not Path(grub["args"]["grub_dropin"]).exists()


FAKE_GRUBBY = """#!/bin/bash
state="$LOWLAT_TEST_DIR/grubby.args"
case "$1" in
  --info=DEFAULT) echo 'index=0'; echo "args=\\"$(cat "$state")\\""; echo 'root=/dev/vda1' ;;
  --info=ALL) echo "args=\\"$(cat "$state")\\"" ;;
  --update-kernel=ALL)
    shift; echo "$*" >> "$LOWLAT_TEST_DIR/grubby.log"
    args=$(cat "$state")
    for opt in "$@"; do
      case "$opt" in
        --remove-args=*) for k in ${opt#--remove-args=}; do args=$(echo " $args " | sed -E "s/ $k(=[^ ]*)? / /g"); done ;;
        --args=*) for kv in ${opt#--args=}; do k=${kv%%=*}; args=$(echo " $args " | sed -E "s/ $k(=[^ ]*)? / /g")" $kv"; done ;;
      esac
    done
    echo $args > "$state" ;;
esac
"""


def test_grubby_backend(run_module, tmp_path, monkeypatch, shape_root):
    bindir = tmp_path / "bin"
    bindir.mkdir()
    grubby = bindir / "grubby"
    grubby.write_text(FAKE_GRUBBY)
    grubby.chmod(0o755)
    (tmp_path / "grubby.args").write_text("ro root=/dev/vda1 quiet isolcpus=1\n")
    monkeypatch.setenv("LOWLAT_TEST_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    args = {
        "root": shape_root("c5n.9xlarge"),
        "args": ["isolcpus=2-17", "skew_tick=1"],
        "remove": ["quiet"],
        "backup_dir": str(tmp_path / "backup"),
    }
    first = run_module(kernel_cmdline, args)
    assert first["backend"] == "grubby"
    assert first["changed"] is True
    assert (tmp_path / "grubby.args").read_text().split() == [
        "ro",
        "root=/dev/vda1",
        "isolcpus=2-17",
        "skew_tick=1",
    ]
    assert any(a.startswith("saved grubby --info=ALL") for a in first["actions"])
    assert len(os.listdir(tmp_path / "backup")) == 1
    second = run_module(kernel_cmdline, args)
    assert second["changed"] is False
    assert len((tmp_path / "grubby.log").read_text().splitlines()) == 1


# ---------------------------------------------------------------- repeated keys, unsafe and removed args

EC2_CONSOLE = "console=tty0 console=ttyS0,115200n8"


def ec2_defaults(grub):
    """GRUB defaults as EC2 images ship them: two console= (the last one is the primary console)."""
    (grub["dir"] / "grub").write_text(
        f'GRUB_CMDLINE_LINUX="{EC2_CONSOLE} quiet"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet splash"\n'
    )


def boot(grub, cmdline: str) -> None:
    """The running kernel's command line (what the boot loader passed plus its own BOOT_IMAGE/root)."""
    Path(grub["root"], "proc/cmdline").write_text(f"BOOT_IMAGE=/vmlinuz root=UUID=0000 ro {cmdline}\n")


def test_repeated_console_in_args_settles_after_one_reboot(run_module, grub):
    ec2_defaults(grub)
    args = {**grub["args"], "args": [*EC2_CONSOLE.split(), *ARGS], "remove": ["quiet"]}
    first = run_module(kernel_cmdline, args)
    assert first["changed"] is True
    dropin = Path(grub["args"]["grub_dropin"]).read_text()
    assert f"GRUB_CMDLINE_LINUX='net.ifnames=0 {EC2_CONSOLE} isolcpus=" in dropin
    boot(grub, f"net.ifnames=0 {EC2_CONSOLE} {' '.join(ARGS)} splash")
    second = run_module(kernel_cmdline, args)
    assert second["changed"] is False
    assert second["reboot_required"] is False, (second["missing"], second["unexpected"])


def test_repeated_console_from_the_distribution_is_compared_whole(run_module, grub):
    ec2_defaults(grub)
    args = {**grub["args"], "args": ARGS, "remove": ["quiet"]}
    run_module(kernel_cmdline, args)
    boot(grub, f"{EC2_CONSOLE} net.ifnames=0 {' '.join(ARGS)} splash")
    assert run_module(kernel_cmdline, args)["reboot_required"] is False
    # The primary console is the last one: another order is another boot.
    boot(grub, f"console=ttyS0,115200n8 console=tty0 net.ifnames=0 {' '.join(ARGS)} splash")
    swapped = run_module(kernel_cmdline, args)
    assert swapped["reboot_required"] is True
    assert swapped["missing"] == EC2_CONSOLE.split()


def test_one_console_wanted_while_the_kernel_runs_two_needs_a_reboot(run_module, grub):
    ec2_defaults(grub)
    args = {**grub["args"], "args": [*ARGS, "console=ttyS0,115200n8"], "remove": ["quiet"]}
    run_module(kernel_cmdline, args)
    boot(grub, f"net.ifnames=0 {EC2_CONSOLE} {' '.join(ARGS)} splash")
    result = run_module(kernel_cmdline, args)
    assert result["reboot_required"] is True
    assert result["unexpected"] == ["console=tty0"]


UNSAFE = [
    "foo=1\nGRUB_TIMEOUT=0",
    'acpi_osi="Linux',
    'acpi_osi="!Windows 2015"',
    "dyndbg=file foo.c +p",
    "quiet splash",
    "x='y'",
    "x=$(reboot)",
    "x=`id`",
    "quiet;reboot",
    "a&b",
    "a|b",
    "a<b",
    "a>b",
    "a\\b",
    "",
    "=1",
]


@pytest.mark.parametrize("option", ["args", "remove"])
@pytest.mark.parametrize("bad", UNSAFE)
def test_unsafe_argument_is_refused_before_anything_is_written(run_module, grub, option, bad):
    args = {**grub["args"], "args": ["skew_tick=1"], "remove": []}
    args[option] = [*args[option], bad]
    result = run_module(kernel_cmdline, args)
    assert result.failed
    assert f"{option} {bad!r}" in result["msg"]
    assert "nothing was changed" in result["msg"]
    assert not Path(grub["args"]["grub_dropin"]).exists()
    assert not (grub["dir"] / "grub.cfg").exists()
    assert updates(grub) == 0


def test_remove_accepts_key_and_key_value(run_module, grub):
    ec2_defaults(grub)
    args = {**grub["args"], "args": ["skew_tick=1"], "remove": ["console=tty0", "net.ifnames=1", "quiet"]}
    result = run_module(kernel_cmdline, args, check_mode=True, diff=True)
    assert result["changed"] is True and result["actions"] == []
    assert not Path(grub["args"]["grub_dropin"]).exists()
    assert "GRUB_CMDLINE_LINUX='console=ttyS0,115200n8 net.ifnames=0 skew_tick=1'" in result["diff"]["after"]
    assert result["removed"] == ["console=tty0", "quiet", "quiet"]
    assert result["added"] == ["skew_tick=1"]

    applied = run_module(kernel_cmdline, args)
    assert applied["removed"] == result["removed"] and applied["added"] == result["added"]
    dropin = Path(grub["args"]["grub_dropin"]).read_text()
    assert "GRUB_CMDLINE_LINUX='console=ttyS0,115200n8 net.ifnames=0 skew_tick=1'" in dropin
    assert "GRUB_CMDLINE_LINUX_DEFAULT=splash" in dropin
    boot(grub, f"{EC2_CONSOLE} quiet net.ifnames=0 quiet splash")
    again = run_module(kernel_cmdline, args)
    assert again["changed"] is False and again["removed"] == [] and again["added"] == []
    assert again["reboot_required"] is True
    assert again["unexpected"] == ["console=tty0", "quiet", "quiet"]
    assert again["missing"] == ["skew_tick=1"]


def test_remove_key_value_clashing_with_args_is_rejected(run_module, grub):
    result = run_module(
        kernel_cmdline, {**grub["args"], "args": ["console=ttyS0"], "remove": ["console=tty0"]}
    )
    assert result.failed
    assert "console" in result["msg"]


@pytest.mark.parametrize(
    ("wanted", "stale"),
    [("nohz=on", "nohz=one"), ("isolcpus", "isolcpus_foo"), ("skew_tick=1", "skew_tick=10")],
)
def test_stale_check_matches_whole_arguments(run_module, grub, wanted, stale):
    # The wanted argument ends GRUB_CMDLINE_LINUX, so the stale line still holds it as a substring.
    args = {**grub["args"], "args": ["nohz_full=2-17", wanted]}
    run_module(kernel_cmdline, args)
    cfg = grub["dir"] / "grub.cfg"
    assert f" {wanted} " in cfg.read_text()
    cfg.write_text(cfg.read_text().replace(f" {wanted} ", f" {stale} "))
    result = run_module(kernel_cmdline, args)
    assert result["changed"] is True
    assert updates(grub) == 2
    assert f" {wanted} " in cfg.read_text()


@pytest.fixture
def grubby(tmp_path, monkeypatch, shape_root):
    """The fake grubby on PATH, its entries holding EC2's repeated console=."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "grubby").write_text(FAKE_GRUBBY)
    (bindir / "grubby").chmod(0o755)
    state = tmp_path / "grubby.args"
    state.write_text(f"ro root=/dev/vda1 {EC2_CONSOLE} nvme_core.io_timeout=4294967295 quiet\n")
    monkeypatch.setenv("LOWLAT_TEST_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    root = shape_root("c5n.9xlarge")
    return {"state": state, "root": root, "args": {"root": root, "backup_dir": str(tmp_path / "backup")}}


def test_grubby_removes_key_value_and_settles_with_repeated_console(run_module, grubby):
    args = {
        **grubby["args"],
        "args": ["isolcpus=2-17"],
        "remove": ["nvme_core.io_timeout=4294967295", "quiet"],
    }
    first = run_module(kernel_cmdline, args)
    assert first["changed"] is True
    assert grubby["state"].read_text().split() == [
        "ro",
        "root=/dev/vda1",
        *EC2_CONSOLE.split(),
        "isolcpus=2-17",
    ]
    assert first["removed"] == ["nvme_core.io_timeout=4294967295", "quiet"]
    Path(grubby["root"], "proc/cmdline").write_text(
        f"BOOT_IMAGE=(hd0,gpt1)/vmlinuz ro root=/dev/vda1 {EC2_CONSOLE} isolcpus=2-17\n"
    )
    second = run_module(kernel_cmdline, args)
    assert second["changed"] is False
    assert second["reboot_required"] is False, (second["missing"], second["unexpected"])


def test_grubby_refuses_to_edit_a_repeated_key(run_module, grubby):
    before = grubby["state"].read_text()
    result = run_module(kernel_cmdline, {**grubby["args"], "remove": ["console=tty0"]})
    assert result.failed
    assert "console" in result["msg"] and "grubby" in result["msg"]
    assert grubby["state"].read_text() == before
