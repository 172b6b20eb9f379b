"""file_set: directories, files and removals applied to a temporary root, idempotent, check mode exact."""

from __future__ import annotations

import grp
import os
import pwd
import stat
from pathlib import Path

import pytest

from ansible_collections.lowlat.trading.plugins.module_utils import file_set

USER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


def mine(item: dict) -> dict:
    return {"owner": USER, "group": GROUP, **item}


def the_set(content: str = "a = 1\n", mode: str = "0644") -> list:
    return file_set.parse(
        [mine({"path": "/etc/lowlat"}), mine({"path": "/etc/lowlat/conf.d", "mode": "0750"})],
        [mine({"path": "/etc/lowlat/app.conf", "content": content, "mode": mode})],
        [],
    )


@pytest.fixture
def root(tmp_path):
    (tmp_path / "etc").mkdir()
    return str(tmp_path)


def test_first_apply_creates_everything_with_modes(root):
    result = file_set.apply(the_set(), root=root)
    assert result.changes == {
        "/etc/lowlat": ["created"],
        "/etc/lowlat/conf.d": ["created"],
        "/etc/lowlat/app.conf": ["created"],
    }
    conf = os.path.join(root, "etc/lowlat/app.conf")
    assert Path(conf).read_text() == "a = 1\n"
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(os.path.join(root, "etc/lowlat/conf.d")).st_mode) == 0o750
    assert result.diffs == [
        {
            "before_header": "/etc/lowlat/app.conf",
            "after_header": "/etc/lowlat/app.conf",
            "before": "",
            "after": "a = 1\n",
        }
    ]


def test_second_apply_changes_nothing(root):
    file_set.apply(the_set(), root=root)
    again = file_set.apply(the_set(), root=root)
    assert not again.changed
    assert again.diffs == []


def test_content_and_mode_changes_are_named_separately(root):
    file_set.apply(the_set(), root=root)
    content = file_set.apply(the_set(content="a = 2\n"), root=root)
    assert content.changes == {"/etc/lowlat/app.conf": ["content"]}
    assert content.diffs[0]["before"] == "a = 1\n" and content.diffs[0]["after"] == "a = 2\n"
    mode = file_set.apply(the_set(content="a = 2\n", mode="0600"), root=root)
    assert mode.changes == {"/etc/lowlat/app.conf": ["mode"]}
    assert stat.S_IMODE(os.stat(os.path.join(root, "etc/lowlat/app.conf")).st_mode) == 0o600


def test_a_rewrite_is_atomic_and_leaves_no_temporary_file(root):
    file_set.apply(the_set(), root=root)
    file_set.apply(the_set(content="b\n"), root=root)
    assert sorted(os.listdir(os.path.join(root, "etc/lowlat"))) == ["app.conf", "conf.d"]


def test_check_mode_reports_the_same_changes_and_writes_nothing(root):
    checked = file_set.apply(the_set(), root=root, check=True)
    assert checked.changes == file_set.apply(the_set(), root=root, check=False).changes
    file_set.apply(the_set(content="new\n", mode="0600"), root=root, check=True)
    conf = os.path.join(root, "etc/lowlat/app.conf")
    assert Path(conf).read_text() == "a = 1\n"
    assert stat.S_IMODE(os.stat(conf).st_mode) == 0o644


def test_check_mode_on_an_empty_host_does_not_need_the_directories(tmp_path):
    result = file_set.apply(the_set(), root=str(tmp_path), check=True)
    assert result.changes["/etc/lowlat/app.conf"] == ["created"]
    assert not (tmp_path / "etc").exists()


def test_absent_removes_files_once(root):
    file_set.apply(the_set(), root=root)
    gone = file_set.parse([], [], ["/etc/lowlat/app.conf", "/etc/lowlat/never-there"])
    assert file_set.apply(gone, root=root).changes == {"/etc/lowlat/app.conf": ["removed"]}
    assert not file_set.apply(gone, root=root).changed


@pytest.mark.parametrize(
    ("directories", "files", "absent", "message"),
    [
        ([], [{"path": "etc/x", "content": ""}], [], "absolute 'path'"),
        ([], [{"path": "/etc/../x", "content": ""}], [], "normal form (/x)"),
        ([], [{"path": "/etc/x"}], [], "'content' must be text"),
        ([], [{"path": "/etc/x", "content": "", "mode": "rw-r--r--"}], [], "not an octal string"),
        ([], [{"path": "/etc/x", "content": "", "mode": "17777"}], [], "outside 0000-7777"),
        ([], [{"path": "/etc/x", "content": "", "src": "x.j2"}], [], "unknown keys ['src']"),
        ([{"path": "/etc/x"}], [{"path": "/etc/x", "content": ""}], [], "/etc/x is named twice"),
        ([], [], ["relative"], "must be absolute"),
    ],
)
def test_malformed_sets_are_refused_with_the_path(directories, files, absent, message):
    with pytest.raises(file_set.FileSetError, match=None) as err:
        file_set.parse(directories, files, absent)
    assert message in str(err.value)


def test_unknown_owner_is_refused_before_anything_is_written(root):
    entries = file_set.parse([], [{"path": "/etc/x", "content": "", "owner": "no-such-user-lowlat"}], [])
    with pytest.raises(file_set.FileSetError, match="no user 'no-such-user-lowlat'"):
        file_set.apply(entries, root=root)
    assert not os.path.exists(os.path.join(root, "etc/x"))


def test_check_mode_reports_an_owner_a_package_has_not_created_yet(root):
    file_set.apply(file_set.parse([], [mine({"path": "/etc/x", "content": ""})], []), root=root)
    entries = file_set.parse(
        [], [{"path": "/etc/x", "content": "", "group": "no-such-group-lowlat", "owner": USER}], []
    )
    assert file_set.apply(entries, root=root, check=True).changes == {"/etc/x": ["group"]}


def test_a_file_in_a_missing_directory_says_which_directory(root):
    entries = file_set.parse([], [mine({"path": "/etc/missing/x", "content": ""})], [])
    with pytest.raises(file_set.FileSetError, match="directory /etc/missing does not exist"):
        file_set.apply(entries, root=root)


def test_a_directory_where_a_file_should_be_is_refused(root):
    os.makedirs(os.path.join(root, "etc/x"))
    entries = file_set.parse([], [mine({"path": "/etc/x", "content": ""})], [])
    with pytest.raises(file_set.FileSetError, match="is a directory"):
        file_set.apply(entries, root=root)
