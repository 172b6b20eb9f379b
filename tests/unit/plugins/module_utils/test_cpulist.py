"""CPU list and mask syntax, checked against the kernel's own formats."""

from __future__ import annotations

import time

import pytest
from ansible.errors import AnsibleFilterError
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.lowlat.trading.plugins.filter import cpus as cpus_filter
from ansible_collections.lowlat.trading.plugins.module_utils.cpulist import (
    MAX_CPU_ID,
    MAX_CPUS,
    MAX_MASK_CHARS,
    MAX_RANGES,
    CpuListError,
    format_cpulist,
    format_mask,
    parse_cpulist,
    parse_mask,
)
from tools.lowlat_testbed.topology_fixtures import hexmask

FAST = settings(max_examples=150, deadline=None)


# --- parse_cpulist -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", [0]),
        ("0-3", [0, 1, 2, 3]),
        ("0-3,8-11", [0, 1, 2, 3, 8, 9, 10, 11]),
        ("8-11,0-3", [0, 1, 2, 3, 8, 9, 10, 11]),
        ("1,1,1-2", [1, 2]),
        ("5-5", [5]),
        ("2-17,38-53", [*range(2, 18), *range(38, 54)]),
        # strided ranges as isolcpus= takes them: "used/group" CPUs out of each group
        ("0-15:2/4", [0, 1, 4, 5, 8, 9, 12, 13]),
        ("2-9:1/3", [2, 5, 8]),
        ("0-3:4/4", [0, 1, 2, 3]),
        ("0-7:1/1", [0, 1, 2, 3, 4, 5, 6, 7]),
        ("1-2,10-20:1/5", [1, 2, 10, 15, 20]),
    ],
)
def test_parse_cpulist(text, expected):
    assert parse_cpulist(text) == expected


def test_parse_kernel_doc_stride_example():
    # Documentation/admin-guide/kernel-parameters.txt: "100-2000:2/25" -> 100,101,125,126,150,151,...
    cpus = parse_cpulist("100-2000:2/25")
    assert cpus[:6] == [100, 101, 125, 126, 150, 151]
    # The last group starts at 2000 and is cut short by the range end.
    assert cpus[-3:] == [1975, 1976, 2000]
    assert len(cpus) == 2 * 76 + 1


@pytest.mark.parametrize("text", ["", "   ", "\n", None])
def test_parse_empty(text):
    assert parse_cpulist(text) == []


def test_parse_tolerates_surrounding_whitespace_and_newline():
    # What a sysfs file holds, or a YAML value with stray spaces.
    assert parse_cpulist(" 0-3 , 8 \n") == [0, 1, 2, 3, 8]
    assert parse_cpulist("2-5\n") == [2, 3, 4, 5]


def test_parse_passes_ints_and_iterables_through():
    assert parse_cpulist(7) == [7]
    assert parse_cpulist(0) == [0]
    assert parse_cpulist([3, 1, 1, "5-6"]) == [1, 3, 5, 6]
    assert parse_cpulist(range(4, 0, -1)) == [1, 2, 3, 4]
    assert parse_cpulist({9, 2}) == [2, 9]
    assert parse_cpulist(c for c in (4, 2)) == [2, 4]
    assert parse_cpulist([]) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0-3,x", "bad CPU list token 'x' in '0-3,x': expected N, N-M or N-M:used/group"),
        ("0-3,,8", "bad CPU list token '' in '0-3,,8': expected N, N-M or N-M:used/group"),
        ("0-3,", "bad CPU list token '' in '0-3,': expected N, N-M or N-M:used/group"),
        ("-1", "bad CPU list token '-1' in '-1': expected N, N-M or N-M:used/group"),
        ("0x3", "bad CPU list token '0x3' in '0x3': expected N, N-M or N-M:used/group"),
        ("1 -3", "bad CPU list token '1 -3' in '1 -3': expected N, N-M or N-M:used/group"),
        ("0-3:2", "bad CPU list token '0-3:2' in '0-3:2': expected N, N-M or N-M:used/group"),
        ("5:1/2", "bad CPU list token '5:1/2' in '5:1/2': expected N, N-M or N-M:used/group"),
        ("0-3,5-2", "bad CPU list token '5-2' in '0-3,5-2': range end is below its start"),
        ("0-7:3/2", "bad CPU list token '0-7:3/2' in '0-7:3/2': stride needs 1 <= used <= group"),
        ("0-7:0/2", "bad CPU list token '0-7:0/2' in '0-7:0/2': stride needs 1 <= used <= group"),
        ("0-7:1/0", "bad CPU list token '0-7:1/0' in '0-7:1/0': stride needs 1 <= used <= group"),
        (-1, "CPU id -1 is outside 0-8191"),
        (True, "not a CPU list: True"),
        ([1, -2], "CPU id -2 is outside 0-8191"),
        ([1, "2-x"], "bad CPU list token '2-x' in '2-x': expected N, N-M or N-M:used/group"),
    ],
)
def test_parse_errors_name_the_bad_token(value, message):
    with pytest.raises(CpuListError) as err:
        parse_cpulist(value)
    assert str(err.value) == message


def test_cpulist_error_is_a_value_error():
    assert issubclass(CpuListError, ValueError)


# --- format_cpulist ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpus", "expected"),
    [
        ([], ""),
        ([5], "5"),
        ([1, 2], "1-2"),
        ([0, 1, 2, 3, 8, 10, 11], "0-3,8,10-11"),
        ([11, 10, 3, 2, 1, 0, 8, 8], "0-3,8,10-11"),
        ([0, 18, 36, 54], "0,18,36,54"),
        (range(72), "0-71"),
        ({*range(2, 18), *range(38, 54)}, "2-17,38-53"),
    ],
)
def test_format_cpulist(cpus, expected):
    assert format_cpulist(cpus) == expected


@FAST
@given(st.lists(st.integers(min_value=0, max_value=300), max_size=80))
def test_cpulist_round_trip(cpus):
    text = format_cpulist(cpus)
    assert parse_cpulist(text) == sorted(set(cpus))
    # Canonical: formatting the parsed list again gives the same text.
    assert format_cpulist(parse_cpulist(text)) == text


@FAST
@given(st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=80))
def test_format_cpulist_has_no_adjacent_ranges(cpus):
    # Every token is maximal: the next token never starts right after the previous one ends.
    tokens = format_cpulist(cpus).split(",")
    ends = [int(t.split("-")[-1]) for t in tokens]
    starts = [int(t.split("-")[0]) for t in tokens]
    assert all(starts[i + 1] > ends[i] + 1 for i in range(len(tokens) - 1))


# --- masks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpus", "nr_cpus", "expected"),
    [
        # 4 bits (a c5n.xlarge): one group, one digit
        (range(4), 4, "f"),
        ([1], 4, "2"),
        ([0, 2], 4, "5"),
        ([], 4, "0"),
        # 32 bits exactly: one full group
        (range(32), 32, "ffffffff"),
        ([0], 32, "00000001"),
        # 33 bits: the top group is one bit wide
        (range(33), 33, "1,ffffffff"),
        # 36 bits (c5n.9xlarge)
        (range(36), 36, "f,ffffffff"),
        ([0], 36, "0,00000001"),
        ([35], 36, "8,00000000"),
        ([0, 18], 36, "0,00040001"),
        ([*range(2, 18), *range(20, 36)], 36, "f,fff3fffc"),
        # 72 bits (c5n.18xlarge): top group is 8 bits -> two digits, zero padded
        (range(72), 72, "ff,ffffffff,ffffffff"),
        ([0], 72, "00,00000000,00000001"),
        ([71], 72, "80,00000000,00000000"),
        ([0, 18, 36, 54], 72, "00,00400010,00040001"),
        ([*range(2, 18), *range(38, 54)], 72, "00,003fffc0,0003fffc"),
        # 100 bits: top group is 4 bits -> one digit
        (range(100), 100, "f,ffffffff,ffffffff,ffffffff"),
        ([99], 100, "8,00000000,00000000,00000000"),
        ([64], 100, "0,00000001,00000000,00000000"),
        ([], 100, "0,00000000,00000000,00000000"),
    ],
)
def test_format_mask_matches_kernel(cpus, nr_cpus, expected):
    assert format_mask(cpus, nr_cpus) == expected


def test_format_mask_without_width_uses_highest_cpu():
    assert format_mask([0, 1]) == "3"
    assert format_mask([]) == "0"
    assert format_mask([40]) == "100,00000000"  # 41 bits: top group 9 bits wide -> 3 digits


def test_format_mask_widens_when_a_cpu_is_past_nr_cpus():
    assert format_mask([8], 4) == "100"
    assert parse_mask(format_mask([40], 4)) == [40]


def test_format_mask_rejects_negative_ids():
    with pytest.raises(CpuListError) as err:
        format_mask([3, -1], 8)
    assert str(err.value) == "negative CPU id in [-1, 3]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ff,00000f0f", [0, 1, 2, 3, 8, 9, 10, 11, *range(32, 40)]),
        ("0", []),
        ("00000000,00000001", [0]),
        ("1,1", [0, 32]),  # every comma group is 32 bits wide, however many digits it shows
        ("F", [0, 1, 2, 3]),
        ("  f\n", [0, 1, 2, 3]),
        ("80,00000000,00000000", [71]),
        ("8,00000000,00000000,00000000", [99]),
    ],
)
def test_parse_mask(text, expected):
    assert parse_mask(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty CPU mask"),
        (" \n", "empty CPU mask"),
        ("ff,0000000g", "bad CPU mask group '0000000g' in 'ff,0000000g': expected 1-8 hex digits per group"),
        ("123456789", "bad CPU mask group '123456789' in '123456789': expected 1-8 hex digits per group"),
        ("ff,,1", "bad CPU mask group '' in 'ff,,1': expected 1-8 hex digits per group"),
        ("0xff", "bad CPU mask group '0xff' in '0xff': expected 1-8 hex digits per group"),
        ("ff, 1", "bad CPU mask group ' 1' in 'ff, 1': expected 1-8 hex digits per group"),
    ],
)
def test_parse_mask_errors_name_the_bad_group(text, message):
    with pytest.raises(CpuListError) as err:
        parse_mask(text)
    assert str(err.value) == message


@st.composite
def masks(draw):
    nr_cpus = draw(st.integers(min_value=1, max_value=160))
    cpus = draw(st.lists(st.integers(min_value=0, max_value=nr_cpus - 1), max_size=60))
    return cpus, nr_cpus


@FAST
@given(masks())
def test_mask_round_trip(case):
    cpus, nr_cpus = case
    text = format_mask(cpus, nr_cpus)
    assert parse_mask(text) == sorted(set(cpus))
    groups = text.split(",")
    assert len(groups) == (nr_cpus + 31) // 32
    assert all(len(g) == 8 for g in groups[1:])
    top_bits = nr_cpus - 32 * (len(groups) - 1)
    assert len(groups[0]) == (top_bits + 3) // 4


@FAST
@given(masks())
def test_format_mask_agrees_with_the_fixture_generator(case):
    # The fixture generator writes masks with its own independent implementation.
    cpus, nr_cpus = case
    assert format_mask(cpus, nr_cpus) == hexmask(set(cpus), nr_cpus)


# --- size caps (NR_CPUS tops out at 8192) ------------------------------------------------------

# Rejections must come before anything proportional to the input is built; the bound is loose on
# purpose (the unbounded parser took minutes and gigabytes on these inputs).
QUICK_SECONDS = 2.0


def _rejected(call, *args, match):
    start = time.perf_counter()
    with pytest.raises(CpuListError, match=match):
        call(*args)
    assert time.perf_counter() - start < QUICK_SECONDS


def test_caps_follow_nr_cpus():
    assert MAX_CPUS == 8192
    assert MAX_CPU_ID == MAX_CPUS - 1
    assert len(format_mask(range(MAX_CPUS), MAX_CPUS)) == MAX_MASK_CHARS


def test_oversized_mask_is_rejected_quickly():
    mask = ",".join(["ffffffff"] * 100_000)  # 900 KB
    _rejected(
        parse_mask, mask, match=r"CPU mask of 899999 characters is longer than the 2303 that 8192 CPUs need"
    )


def test_mask_with_too_many_groups_is_rejected():
    _rejected(
        parse_mask, ",".join(["0"] * 257), match=r"257 groups in CPU mask .*: 8192 CPUs need at most 256"
    )


def test_oversized_cpulist_is_rejected_quickly():
    text = ",".join(["0-8191"] * 100_000)
    _rejected(
        parse_cpulist, text, match=r"CPU list of 699999 characters is longer than the \d+ that 8192 CPUs need"
    )


def test_cpulist_with_more_ranges_than_cpus_is_rejected():
    _rejected(parse_cpulist, ",".join(["0"] * 8193), match=r"8193 entries in CPU list .*: at most 8192")


def test_iterable_with_more_entries_than_cpus_is_rejected_without_reading_it_all():
    _rejected(parse_cpulist, range(10**9), match=r"more than 8192 entries in CPU list")
    _rejected(parse_cpulist, ["0-3", "0,1"] * 2731, match=r"8193 entries in CPU list")


def test_huge_cpu_number_is_a_cpulist_error():
    # Not Python's own "Exceeds the limit (4300 digits)" ValueError.
    _rejected(parse_cpulist, "1" * 5000, match=r"longer than any CPU list token for CPU ids up to 8191")
    _rejected(parse_cpulist, "0-3:1/" + "9" * 30, match=r"longer than any CPU list token")


def test_format_mask_rejects_widths_and_ids_past_the_cap_before_allocating():
    _rejected(format_mask, [0], 10**9, match=r"nr_cpus 1000000000 is outside 0-8192")
    _rejected(format_mask, [10**9], None, match=r"CPU id 1000000000 is outside 0-8191")


def test_cpumask_filter_fails_clearly_on_a_huge_width():
    start = time.perf_counter()
    with pytest.raises(AnsibleFilterError, match=r"cpumask: nr_cpus 1000000000 is outside 0-8192"):
        cpus_filter.cpumask("0-3", 10**9)
    assert time.perf_counter() - start < QUICK_SECONDS
    with pytest.raises(AnsibleFilterError, match=r"cpumask: nr_cpus '4x' is not a whole number"):
        cpus_filter.cpumask("0-3", "4x")


def test_mask_cpulist_filter_fails_clearly_on_an_oversized_mask():
    with pytest.raises(AnsibleFilterError, match=r"mask_cpulist: CPU mask of \d+ characters is longer"):
        cpus_filter.mask_cpulist("f" * 10_000)


def test_legal_maximal_inputs_parse():
    every = list(range(MAX_CPUS))
    full_mask = format_mask(every, MAX_CPUS)
    assert full_mask == ",".join(["ffffffff"] * 256)
    assert parse_mask(full_mask) == every
    assert parse_mask(full_mask + "\n") == every
    assert parse_mask(format_mask([8191], 8192)) == [8191]
    assert format_mask([8191], 8192) == "80000000" + ",00000000" * 255
    assert parse_cpulist("0-8191") == every
    assert parse_cpulist(",".join(map(str, every))) == every  # every CPU spelled out
    assert parse_cpulist(every) == every
    assert parse_cpulist("8191-8191:8192/8192") == [8191]
    assert parse_cpulist("0-8191:1/4096") == [0, 4096]
    assert format_cpulist(parse_cpulist(format_cpulist(range(0, MAX_CPUS, 2)))) == format_cpulist(
        range(0, 8192, 2)
    )


def test_maximal_legal_cpulist_parses_in_linear_time():
    # As many ranges as there are CPUs, each spanning all of them: 8192 x 8192 CPU ids to visit
    # one by one, but a handful of bitmap operations per range.
    start = time.perf_counter()
    assert parse_cpulist(",".join(["0-8191:1/2"] * MAX_RANGES)) == list(range(0, MAX_CPUS, 2))
    assert parse_cpulist(",".join(["0-8191"] * MAX_RANGES)) == list(range(MAX_CPUS))
    assert parse_cpulist(["0-8191"] * MAX_RANGES) == list(range(MAX_CPUS))
    assert time.perf_counter() - start < QUICK_SECONDS


@FAST
@given(
    st.integers(min_value=0, max_value=MAX_CPU_ID),
    st.integers(min_value=0, max_value=MAX_CPU_ID),
    st.integers(min_value=1, max_value=MAX_CPUS + 50),
    st.integers(min_value=1, max_value=MAX_CPUS + 50),
)
def test_strided_range_matches_the_kernel_definition(a, b, used, group):
    first, last = min(a, b), max(a, b)
    used, group = min(used, group), max(used, group)
    expected = [c for c in range(first, last + 1) if (c - first) % group < used]
    assert parse_cpulist(f"{first}-{last}:{used}/{group}") == expected
