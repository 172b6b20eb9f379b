"""plugins/module_utils/bootloader.py: the GRUB drop-in and grubby backends, on files under tmp_path.

The GRUB backend sources the defaults with the real bash (as grub-mkconfig does); update-grub and
grubby are stand-ins recorded by the runner, so nothing here touches /etc or /boot.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.bootloader import (
    DROPIN_HEADER,
    BootloaderError,
    Grubby,
    GrubDropin,
)
from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import normalize, parse_cmdline

ENSURE = normalize(["isolcpus=managed_irq,domain,2-17", "nohz_full=2-17", "nosoftlockup"])


class FakeGrub:
    """A runner: `bash` really runs; the update command writes grub.cfg from the sourced defaults."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.defaults = tmp_path / "grub"
        self.dropin_dir = tmp_path / "grub.d"
        self.dropin = self.dropin_dir / "99-lowlat.cfg"
        self.cfg = tmp_path / "grub.cfg"
        self.calls: list[list[str]] = []
        self.update_result = (0, "", "")
        self.defaults.write_text(
            'GRUB_CMDLINE_LINUX="console=ttyS0 isolcpus=1"\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\n'
        )
        self.dropin_dir.mkdir()
        (self.dropin_dir / "50-cloud.cfg").write_text(
            'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX net.ifnames=0"\n'
        )

    def __call__(self, argv: list[str]) -> tuple[int, str, str]:
        self.calls.append(argv)
        if argv[0] == "bash":
            done = subprocess.run(argv, capture_output=True, text=True, check=False)
            return done.returncode, done.stdout, done.stderr
        assert argv == ["update-grub"], argv
        if self.update_result[0] == 0:
            out = subprocess.run(
                ["bash", "-c", '. "$1"; for f in "$2"/*.cfg; do . "$f"; done; echo "$GRUB_CMDLINE_LINUX $GRUB_CMDLINE_LINUX_DEFAULT"',
                 "x", str(self.defaults), str(self.dropin_dir)],
                capture_output=True, text=True, check=True,
            ).stdout.strip()  # fmt: skip
            self.cfg.write_text(f"menuentry 'Linux' {{\n  linux /vmlinuz root=/dev/vda1 ro {out}\n}}\n")
        return self.update_result

    @property
    def updates(self) -> int:
        return sum(1 for argv in self.calls if argv[0] == "update-grub")

    def backend(self, **kw) -> GrubDropin:
        return GrubDropin(
            self,
            defaults_file=str(self.defaults),
            dropin=str(self.dropin),
            grub_cfg=str(self.cfg),
            **kw,
        )


@pytest.fixture
def grub(tmp_path):
    return FakeGrub(tmp_path)


# --- GrubDropin ---------------------------------------------------------------------------------


def test_grub_plan_merges_the_defaults_and_writes_nothing(grub):
    planned = grub.backend().plan(ENSURE, normalize(["quiet"]))
    assert planned["content"] == (
        DROPIN_HEADER + "GRUB_CMDLINE_LINUX='console=ttyS0 net.ifnames=0 isolcpus=managed_irq,domain,2-17 "
        "nohz_full=2-17 nosoftlockup'\n"
        "GRUB_CMDLINE_LINUX_DEFAULT=''\n"
    )
    assert planned["before"] is None
    assert planned["changed"] is planned["file_changed"] is planned["bootloader_stale"] is True
    assert (
        planned["cmdline"]
        == "console=ttyS0 net.ifnames=0 isolcpus=managed_irq,domain,2-17 nohz_full=2-17 nosoftlockup"
    )
    assert planned["added"] == ["isolcpus=managed_irq,domain,2-17", "nohz_full=2-17", "nosoftlockup"]
    assert planned["removed"] == ["isolcpus=1", "quiet"]
    assert not grub.dropin.exists()
    assert grub.updates == 0


def test_grub_apply_writes_the_dropin_runs_update_and_is_idempotent(grub):
    backend = grub.backend()
    done = backend.apply(backend.plan(ENSURE, []))
    assert done == [f"wrote {grub.dropin}", "ran update-grub"]
    assert grub.dropin.read_text().startswith(DROPIN_HEADER)
    assert not [p for p in os.listdir(grub.dropin_dir) if "lowlat-backup" in p or "lowlat-tmp" in p]
    assert "nohz_full=2-17" in grub.cfg.read_text()

    again = backend.plan(ENSURE, [])
    assert again["before"] == again["content"]
    assert again["changed"] is again["file_changed"] is again["bootloader_stale"] is False
    assert again["added"] == again["removed"] == []
    assert backend.apply(again) == []
    assert grub.updates == 1


def test_grub_plan_leaves_out_our_own_dropin_from_the_base(grub):
    """A key the last run set and this one no longer manages goes back to the distribution's value."""
    backend = grub.backend()
    backend.apply(backend.plan(normalize(["isolcpus=2-17"]), []))
    planned = backend.plan(normalize(["nohz_full=2-17"]), [])
    assert "isolcpus=1 " in planned["content"] and "isolcpus=2-17" not in planned["content"]
    assert planned["added"] == ["isolcpus=1", "nohz_full=2-17"]
    assert planned["removed"] == ["isolcpus=2-17"]


def test_grub_changed_dropin_is_backed_up_before_rewrite(grub):
    backend = grub.backend()
    backend.apply(backend.plan(ENSURE, []))
    first = grub.dropin.read_text()
    done = backend.apply(backend.plan(normalize(["nohz_full=2-16"]), []))
    backups = [p for p in os.listdir(grub.dropin_dir) if p.startswith("99-lowlat.cfg.lowlat-backup-")]
    assert len(backups) == 1
    assert (grub.dropin_dir / backups[0]).read_text() == first
    assert done == [
        f"backed up {grub.dropin} to {grub.dropin_dir / backups[0]}",
        f"wrote {grub.dropin}",
        "ran update-grub",
    ]
    assert (grub.dir / "grub.cfg.lowlat-backup").exists()
    assert "nohz_full=2-16" in grub.dropin.read_text()


def test_grub_stale_cfg_reruns_update_without_rewriting(grub):
    backend = grub.backend()
    backend.apply(backend.plan(ENSURE, []))
    grub.cfg.write_text("linux /vmlinuz root=/dev/vda1 console=ttyS0 nohz_full=2-1\n")
    planned = backend.plan(ENSURE, [])
    assert planned["changed"] is True
    assert planned["file_changed"] is False and planned["bootloader_stale"] is True
    assert backend.apply(planned) == ["ran update-grub"]
    assert grub.updates == 2


def test_grub_cfg_with_a_removed_argument_is_stale(grub):
    backend = grub.backend()
    backend.apply(backend.plan(ENSURE, normalize(["quiet"])))
    cfg = grub.cfg.read_text()
    grub.cfg.write_text(cfg.replace("nosoftlockup", "nosoftlockup quiet"))
    assert backend.plan(ENSURE, normalize(["quiet"]))["bootloader_stale"] is True


def test_grub_cfg_compares_whole_arguments(grub):
    backend = grub.backend()
    ensure = normalize(["nohz=on"])
    backend.apply(backend.plan(ensure, []))
    grub.cfg.write_text(grub.cfg.read_text().replace("nohz=on", "nohz=one"))
    assert backend.plan(ensure, [])["bootloader_stale"] is True


def test_grub_without_update_bootloader_only_writes_the_file(grub):
    backend = grub.backend(update_bootloader=False)
    planned = backend.plan(ENSURE, [])
    assert planned["bootloader_stale"] is False
    assert backend.apply(planned) == [f"wrote {grub.dropin}"]
    assert grub.updates == 0 and not grub.cfg.exists()
    assert backend.plan(ENSURE, [])["changed"] is False


def test_grub_missing_defaults_file_is_an_empty_base(grub):
    grub.defaults.unlink()
    (grub.dropin_dir / "50-cloud.cfg").unlink()
    planned = grub.backend().plan(normalize(["nosoftlockup"]), [])
    assert planned["content"].endswith("GRUB_CMDLINE_LINUX=nosoftlockup\nGRUB_CMDLINE_LINUX_DEFAULT=''\n")
    assert planned["removed"] == []


def test_grub_quotes_values_with_spaces_for_the_shell(grub):
    ensure = [("dyndbg", "file x.c +p")]
    backend = grub.backend()
    backend.apply(backend.plan(ensure, []))
    assert 'dyndbg="file x.c +p"' in grub.dropin.read_text()
    assert backend.plan(ensure, [])["file_changed"] is False


def test_grub_update_failure_names_the_command_and_its_error(grub):
    grub.update_result = (1, "", "grub-mkconfig: error: out of space\n")
    backend = grub.backend()
    with pytest.raises(
        BootloaderError, match=r"^update-grub failed \(rc=1\): grub-mkconfig: error: out of space$"
    ):
        backend.apply(backend.plan(ENSURE, []))


def test_grub_update_failure_falls_back_to_stdout(grub):
    grub.update_result = (2, "something on stdout\n", "")
    backend = grub.backend()
    with pytest.raises(BootloaderError, match=r"^update-grub failed \(rc=2\): something on stdout$"):
        backend.apply(backend.plan(ENSURE, []))


def test_grub_defaults_that_do_not_source_are_an_error(grub):
    grub.defaults.write_text('GRUB_CMDLINE_LINUX="unterminated\n')
    with pytest.raises(
        BootloaderError, match=r"(?s)^bash -c .* failed \(rc=2\): .*grub: line 1: unexpected EOF"
    ):
        grub.backend().plan(ENSURE, [])


# --- Grubby -------------------------------------------------------------------------------------


class FakeGrubby:
    """grubby over one in-memory args line; --update-kernel=ALL edits it the way grubby does."""

    def __init__(self, args: str):
        self.args = parse_cmdline(args)
        self.calls: list[list[str]] = []
        self.fail: dict[str, tuple[int, str, str]] = {}

    def __call__(self, argv: list[str]) -> tuple[int, str, str]:
        self.calls.append(argv)
        assert argv[0] == "grubby", argv
        if argv[1] in self.fail:
            return self.fail[argv[1]]
        line = " ".join(k if v is None else f"{k}={v}" for k, v in self.args)
        if argv[1] == "--info=DEFAULT":
            return 0, f'index=0\nkernel="/boot/vmlinuz"\nargs="{line}"\nroot="UUID=1"\n', ""
        if argv[1] == "--info=ALL":
            return 0, f'index=0\nargs="{line}"\nindex=1\nargs="{line}"\n', ""
        assert argv[1] == "--update-kernel=ALL", argv
        for opt in argv[2:]:
            name, _, value = opt.partition("=")
            edit = parse_cmdline(value)
            keys = {k for k, _ in edit}
            if name == "--remove-args":
                self.args = [a for a in self.args if a[0] not in keys]
            else:
                self.args = [a for a in self.args if a[0] not in keys] + edit
        return 0, "", ""


def test_grubby_plan_lists_only_the_keys_that_change():
    fake = FakeGrubby("ro root=UUID=1 console=ttyS0 quiet nohz_full=1-3")
    planned = Grubby(fake).plan(ENSURE, normalize(["quiet"]))
    assert planned["before"] == "ro root=UUID=1 console=ttyS0 quiet nohz_full=1-3"
    assert (
        planned["content"]
        == planned["cmdline"]
        == ("ro root=UUID=1 console=ttyS0 isolcpus=managed_irq,domain,2-17 nohz_full=2-17 nosoftlockup")
    )
    assert planned["changed"] is True
    assert planned["ensure"] == ENSURE
    assert planned["remove"] == [("quiet", None)]
    assert planned["added"] == ["isolcpus=managed_irq,domain,2-17", "nohz_full=2-17", "nosoftlockup"]
    assert planned["removed"] == ["quiet", "nohz_full=1-3"]
    assert fake.calls == [["grubby", "--info=DEFAULT"]]


def test_grubby_apply_saves_info_edits_all_kernels_and_is_idempotent(tmp_path):
    fake = FakeGrubby("ro console=ttyS0 quiet")
    backend = Grubby(fake, backup_dir=str(tmp_path / "lib"))
    done = backend.apply(backend.plan(ENSURE, normalize(["quiet"])))
    (backup,) = os.listdir(tmp_path / "lib")
    assert backup.startswith("grubby-info-") and backup.endswith(".txt")
    assert 'args="ro console=ttyS0 quiet"' in (tmp_path / "lib" / backup).read_text()
    argv = [
        "grubby",
        "--update-kernel=ALL",
        "--args=isolcpus=managed_irq,domain,2-17 nohz_full=2-17 nosoftlockup",
        "--remove-args=quiet",
    ]
    assert done == [f"saved grubby --info=ALL to {tmp_path / 'lib' / backup}", "ran " + " ".join(argv)]
    assert fake.calls[-1] == argv

    again = backend.plan(ENSURE, normalize(["quiet"]))
    assert again["changed"] is False
    assert again["ensure"] == again["remove"] == []
    assert again["added"] == again["removed"] == []


def test_grubby_remove_only_passes_no_args_option(tmp_path):
    fake = FakeGrubby("ro quiet splash")
    backend = Grubby(fake, backup_dir=str(tmp_path))
    backend.apply(backend.plan([], normalize(["splash"])))
    assert fake.calls[-1] == ["grubby", "--update-kernel=ALL", "--remove-args=splash"]
    assert backend.plan([], normalize(["splash"]))["changed"] is False


def test_grubby_refuses_to_change_a_repeated_key():
    fake = FakeGrubby("ro console=tty0 console=ttyS0,115200n8")
    with pytest.raises(BootloaderError) as err:
        Grubby(fake).plan(normalize(["console=ttyS0"]), [])
    assert str(err.value) == (
        "grubby cannot change the repeated key(s) console "
        "(now: console=tty0 console=ttyS0,115200n8; wanted: console=ttyS0): "
        "edit that key by hand or use backend=grub"
    )


def test_grubby_leaves_an_untouched_repeated_key_alone():
    fake = FakeGrubby("ro console=tty0 console=ttyS0,115200n8")
    planned = Grubby(fake).plan(normalize(["nosoftlockup"]), [])
    assert planned["ensure"] == [("nosoftlockup", None)]
    assert planned["cmdline"] == "ro console=tty0 console=ttyS0,115200n8 nosoftlockup"


def test_grubby_without_args_line_is_an_error():
    def run(argv):
        return 0, 'index=0\nkernel="/boot/vmlinuz"\n', ""

    with pytest.raises(BootloaderError, match=r"^grubby --info=DEFAULT printed no args= line$"):
        Grubby(run).plan(ENSURE, [])


def test_grubby_failures_name_the_command(tmp_path):
    fake = FakeGrubby("ro")
    fake.fail["--info=DEFAULT"] = (1, "", "grubby: no default kernel\n")
    with pytest.raises(
        BootloaderError, match=r"^grubby --info=DEFAULT failed \(rc=1\): grubby: no default kernel$"
    ):
        Grubby(fake).plan(ENSURE, [])

    fake = FakeGrubby("ro")
    backend = Grubby(fake, backup_dir=str(tmp_path))
    planned = backend.plan(ENSURE, [])
    fake.fail["--update-kernel=ALL"] = (3, "", "read-only file system")
    with pytest.raises(
        BootloaderError, match=r"^grubby --update-kernel=ALL --args=.* failed \(rc=3\): read-only"
    ):
        backend.apply(planned)
