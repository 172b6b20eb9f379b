"""Root-prefixed access to the host's /proc and /sys.

Every plugin reads and writes kernel state through a HostFS. On a host its root is "/";
in tests it is a generated fixture tree, so no test touches the machine's own kernel.
"""

from __future__ import annotations

import errno
import fnmatch
import os


class HostFSError(OSError):
    """A read or write of a kernel file failed; carries the host path and errno."""

    def __init__(self, path: str, err: OSError):
        super().__init__(err.errno, f"{path}: {os.strerror(err.errno or errno.EIO)}")
        self.path = path


class HostFS:
    def __init__(self, root: str = "/"):
        self.root = os.path.abspath(root)

    @property
    def is_fixture(self) -> bool:
        return self.root != "/"

    def path(self, host_path: str) -> str:
        """Map an absolute host path ("/proc/cmdline") to the real path under root."""
        if not host_path.startswith("/"):
            raise ValueError(f"host path must be absolute: {host_path!r}")
        if self.root == "/":
            return host_path
        return self.root + host_path

    def host_path(self, real_path: str) -> str:
        """Inverse of path(): strip the root prefix again."""
        if self.root == "/":
            return real_path
        rel = os.path.relpath(real_path, self.root)
        return "/" if rel == "." else "/" + rel

    def exists(self, host_path: str) -> bool:
        return os.path.exists(self.path(host_path))

    def isdir(self, host_path: str) -> bool:
        return os.path.isdir(self.path(host_path))

    def read(self, host_path: str, default: str | None = None) -> str | None:
        """Text of a file, stripped; `default` when it does not exist."""
        try:
            with open(self.path(host_path), encoding="utf-8", errors="replace") as fh:
                return fh.read().strip()
        except (FileNotFoundError, NotADirectoryError):
            return default
        except OSError as err:
            if default is not None or err.errno in (errno.EACCES, errno.EPERM, errno.EINVAL, errno.EIO):
                return default
            raise HostFSError(host_path, err) from err

    def read_int(self, host_path: str, default: int | None = None) -> int | None:
        text = self.read(host_path, default="")
        if text is None or text == "":
            return default
        try:
            return int(text.split()[0])
        except ValueError:
            return default

    def listdir(self, host_path: str) -> list[str]:
        try:
            return sorted(os.listdir(self.path(host_path)))
        except (FileNotFoundError, NotADirectoryError):
            return []

    def glob(self, host_dir: str, pattern: str) -> list[str]:
        """Names in host_dir matching a shell pattern, sorted."""
        return [name for name in self.listdir(host_dir) if fnmatch.fnmatchcase(name, pattern)]

    def realpath(self, host_path: str) -> str:
        """Resolve symlinks (sysfs is full of them) and return a host path."""
        return self.host_path(os.path.realpath(self.path(host_path)))

    def link_name(self, host_path: str) -> str | None:
        """Basename of a symlink's target, e.g. the driver behind .../device/driver."""
        try:
            return os.path.basename(os.readlink(self.path(host_path)))
        except OSError:
            return None

    def write(self, host_path: str, value: str) -> None:
        """Write one value the way `echo value > file` does; raise HostFSError on refusal."""
        try:
            with open(self.path(host_path), "w", encoding="utf-8") as fh:
                fh.write(value if value.endswith("\n") else value + "\n")
        except OSError as err:
            raise HostFSError(host_path, err) from err
