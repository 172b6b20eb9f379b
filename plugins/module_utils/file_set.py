"""A role's directories and files applied in one pass: each item idempotent, each change named.

A role hands over every file it owns (content rendered on the controller, mode, owner, group) and
every directory; what differs is written atomically, what matches is left alone, and the result
names each path's changes ("created", "content", "mode", "owner", "group", "removed") with a diff
per changed file. Check mode computes the same answer and writes nothing. Paths are host paths
under `root`, so tests apply sets to a temporary tree.
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import tempfile
from dataclasses import dataclass, field


class FileSetError(ValueError):
    """An item of the set is malformed, or the host refused a write; the message says which."""


@dataclass(frozen=True)
class Entry:
    path: str
    mode: int
    owner: str
    group: str
    content: str | None = None  # None: a directory


@dataclass
class FileSetResult:
    changes: dict[str, list[str]] = field(default_factory=dict)
    diffs: list[dict[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _mode(value, path: str) -> int:
    text = str(value)
    try:
        mode = int(text, 8)
    except ValueError:
        raise FileSetError(f"{path}: mode {value!r} is not an octal string such as '0644'") from None
    if not 0 <= mode <= 0o7777:
        raise FileSetError(f"{path}: mode {value!r} is outside 0000-7777")
    return mode


def _entry(item: dict, default_mode: str, is_dir: bool) -> Entry:
    path = item.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise FileSetError(f"every item needs an absolute 'path'; got {path!r}")
    if os.path.normpath(path) != path:
        raise FileSetError(f"{path}: give the path in normal form ({os.path.normpath(path)})")
    content = None
    if not is_dir:
        content = item.get("content")
        if not isinstance(content, str):
            raise FileSetError(f"{path}: 'content' must be text; got {type(content).__name__}")
    unknown = set(item) - {"path", "mode", "owner", "group"} - (set() if is_dir else {"content"})
    if unknown:
        raise FileSetError(f"{path}: unknown keys {sorted(unknown)}")
    return Entry(
        path=path,
        mode=_mode(item.get("mode", default_mode), path),
        owner=str(item.get("owner", "root")),
        group=str(item.get("group", "root")),
        content=content,
    )


def parse(directories: list[dict], files: list[dict], absent: list[str]) -> list[Entry | str]:
    """The set in apply order (directories, files, then paths to remove); refuses duplicates."""
    entries: list[Entry | str] = [_entry(d, "0755", True) for d in directories]
    entries += [_entry(f, "0644", False) for f in files]
    for path in absent:
        if not isinstance(path, str) or not path.startswith("/"):
            raise FileSetError(f"every path to remove must be absolute; got {path!r}")
        entries.append(path)
    seen: set[str] = set()
    for entry in entries:
        path = entry if isinstance(entry, str) else entry.path
        if path in seen:
            raise FileSetError(f"{path} is named twice in the set")
        seen.add(path)
    return entries


def _id(lookup, name: str, kind: str, path: str, check: bool) -> int:
    try:
        return lookup(name)[2]
    except KeyError:
        if not check:
            raise FileSetError(f"{path}: no {kind} {name!r} on this host") from None
        return -1


def _ids(entry: Entry, check: bool) -> tuple[int, int]:
    """uid and gid of the entry's names; in check mode a name not there yet (a package about to
    create it) is -1, which differs from any file's owner and so reports the change."""
    return (
        _id(pwd.getpwnam, entry.owner, "user", entry.path, check),
        _id(grp.getgrnam, entry.group, "group", entry.path, check),
    )


def _read(real: str) -> str | None:
    try:
        with open(real, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return "\0binary"


def _write(real: str, entry: Entry, uid: int, gid: int) -> None:
    directory = os.path.dirname(real)
    fd, tmp = tempfile.mkstemp(prefix=".lowlat-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(entry.content or "")
        os.chmod(tmp, entry.mode)
        os.chown(tmp, uid, gid)
        os.replace(tmp, real)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _attributes(real: str, entry: Entry, uid: int, gid: int, check: bool) -> list[str]:
    st = os.lstat(real)
    changes = []
    if stat.S_IMODE(st.st_mode) != entry.mode:
        changes.append("mode")
    if st.st_uid != uid:
        changes.append("owner")
    if st.st_gid != gid:
        changes.append("group")
    if changes and not check:
        os.chmod(real, entry.mode)
        os.chown(real, uid, gid)
    return changes


def _apply_dir(real: str, entry: Entry, check: bool) -> list[str]:
    uid, gid = _ids(entry, check)
    if os.path.isdir(real):
        return _attributes(real, entry, uid, gid, check)
    if os.path.lexists(real):
        raise FileSetError(f"{entry.path} exists and is not a directory; remove it or choose another path")
    if not check:
        os.makedirs(real, mode=0o755, exist_ok=True)
        os.chmod(real, entry.mode)
        os.chown(real, uid, gid)
    return ["created"]


def _apply_file(real: str, entry: Entry, check: bool, diffs: list[dict[str, str]]) -> list[str]:
    uid, gid = _ids(entry, check)
    if os.path.isdir(real):
        raise FileSetError(f"{entry.path} is a directory; the set has it as a file")
    before = _read(real)
    if before is None:
        if not check:
            if not os.path.isdir(os.path.dirname(real)):
                raise FileSetError(f"{entry.path}: directory {os.path.dirname(entry.path)} does not exist")
            _write(real, entry, uid, gid)
        diffs.append(
            {"before_header": entry.path, "after_header": entry.path, "before": "", "after": entry.content}
        )
        return ["created"]
    if before != entry.content:
        if not check:
            _write(real, entry, uid, gid)
        diffs.append(
            {
                "before_header": entry.path,
                "after_header": entry.path,
                "before": before,
                "after": entry.content,
            }
        )
        return ["content"]
    return _attributes(real, entry, uid, gid, check)


def _apply_absent(real: str, path: str, check: bool) -> list[str]:
    if os.path.isdir(real) and not os.path.islink(real):
        raise FileSetError(f"{path} is a directory; the set removes files only")
    if not os.path.lexists(real):
        return []
    if not check:
        os.unlink(real)
    return ["removed"]


def apply(entries: list[Entry | str], root: str = "/", check: bool = False) -> FileSetResult:
    """Bring every entry to its state under root; in check mode only report what would change."""
    result = FileSetResult()
    prefix = os.path.abspath(root).rstrip("/")
    for entry in entries:
        path = entry if isinstance(entry, str) else entry.path
        real = prefix + path
        try:
            if isinstance(entry, str):
                changes = _apply_absent(real, path, check)
            elif entry.content is None:
                changes = _apply_dir(real, entry, check)
            else:
                changes = _apply_file(real, entry, check, result.diffs)
        except OSError as err:
            raise FileSetError(f"{path}: {err.strerror or err}") from err
        if changes:
            result.changes[path] = changes
    return result
