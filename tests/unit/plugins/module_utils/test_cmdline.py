"""Kernel command lines as (key, value) arguments: safety check, merge, removal and comparison."""

from __future__ import annotations

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils.cmdline import (
    check_arg,
    difference,
    drift,
    merge,
    normalize,
    parse_cmdline,
    same_args,
)

EC2 = parse_cmdline("console=tty0 console=ttyS0,115200n8")


@pytest.mark.parametrize(
    "text",
    [
        "isolcpus=managed_irq,domain,2-17",
        "rcupdate.rcu_normal_after_boot=1",
        "nosoftlockup",
        "console=ttyS0,115200n8",
        "root=PARTUUID=0a1b-01",
        "hugepagesz=1G",
        "acpi_osi=!Windows",
        "key=",
    ],
)
def test_check_arg_accepts_plain_arguments(text):
    assert check_arg(text) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("=1", "no key"),
        ("a\nb", "'\\n'"),
        ("a\tb", "'\\t'"),
        ("quiet splash", "' '"),
        ('acpi_osi="Linux', "'\"'"),
        ('k="a b"', "'\"'"),
        ("k='v'", '"\'"'),
        ("k=$x", "'$'"),
        ("k=`id`", "'`'"),
        ("a;b", "';'"),
        ("a&b", "'&'"),
        ("a|b", "'|'"),
        ("a<b", "'<'"),
        ("a>b", "'>'"),
        ("a\\b", "'\\\\'"),
        ("#x", "'#'"),
        ("a\x00b", "'\\x00'"),
    ],
)
def test_check_arg_refuses_what_grub_or_a_shell_would_interpret(text, why):
    reason = check_arg(text)
    assert reason is not None and why in reason


def test_same_args_ignores_the_order_of_distinct_keys_only():
    assert same_args(parse_cmdline("a=1 b c=2"), parse_cmdline("c=2 a=1 b"))
    assert same_args(
        parse_cmdline("x console=tty0 console=ttyS0"), parse_cmdline("console=tty0 x console=ttyS0")
    )
    assert not same_args(
        parse_cmdline("console=tty0 console=ttyS0"), parse_cmdline("console=ttyS0 console=tty0")
    )
    assert not same_args(parse_cmdline("console=ttyS0"), parse_cmdline("console=tty0 console=ttyS0"))
    assert not same_args(parse_cmdline("quiet"), parse_cmdline("quiet quiet"))


def test_merge_keeps_repeated_ensure_values_in_order():
    base = parse_cmdline("ro console=ttyS0 quiet")
    assert merge(base, EC2, []) == parse_cmdline("ro quiet console=tty0 console=ttyS0,115200n8")


def test_merge_removes_a_key_entirely_or_exactly_one_argument():
    base = parse_cmdline("console=tty0 console=ttyS0,115200n8 quiet nohz=on nohz_full=2")
    assert merge(base, [], normalize(["console"])) == parse_cmdline("quiet nohz=on nohz_full=2")
    assert merge(base, [], normalize(["console=tty0"])) == parse_cmdline(
        "console=ttyS0,115200n8 quiet nohz=on nohz_full=2"
    )
    assert merge(base, [], normalize(["nohz=off", "quie", "nohz"])) == parse_cmdline(
        "console=tty0 console=ttyS0,115200n8 quiet nohz_full=2"
    )


def test_difference_is_a_multiset_difference_in_order():
    a = parse_cmdline("quiet console=tty0 quiet splash")
    assert difference(a, parse_cmdline("quiet splash")) == parse_cmdline("console=tty0 quiet")


def test_drift_ignores_what_only_the_boot_loader_adds():
    running = parse_cmdline(
        "BOOT_IMAGE=/vmlinuz root=UUID=0 ro initrd=\\initrd.img console=tty0 console=ttyS0,115200n8 a=1"
    )
    wanted = parse_cmdline("a=1 console=tty0 console=ttyS0,115200n8 $tuned_params")
    assert drift(running, wanted, []) == {"missing": [], "unexpected": []}


def test_drift_compares_every_value_of_a_repeated_key_in_order():
    running = parse_cmdline("console=ttyS0,115200n8 console=tty0")
    assert drift(running, EC2, []) == {
        "missing": ["console=tty0", "console=ttyS0,115200n8"],
        "unexpected": [],
    }
    assert drift(EC2, EC2[1:], []) == {"missing": [], "unexpected": ["console=tty0"]}
    assert drift(EC2[1:], EC2, []) == {"missing": ["console=tty0"], "unexpected": []}


def test_drift_matches_whole_arguments():
    running = parse_cmdline("nohz=one isolcpus_foo skew_tick=10 quiet_x")
    wanted = parse_cmdline("nohz=on isolcpus skew_tick=1")
    assert drift(running, wanted, normalize(["quiet"])) == {
        "missing": ["nohz=on", "isolcpus", "skew_tick=1"],
        "unexpected": ["nohz=one", "skew_tick=10"],
    }


def test_drift_reports_removed_arguments_still_running():
    running = parse_cmdline("console=tty0 console=ttyS0,115200n8 quiet splash")
    assert drift(running, EC2[1:], normalize(["console=tty0", "quiet", "splash=1"])) == {
        "missing": [],
        "unexpected": ["console=tty0", "quiet"],
    }
