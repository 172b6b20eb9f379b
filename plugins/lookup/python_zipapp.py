"""Lookup plugin lowlat.trading.python_zipapp: one executable file out of a CLI and the module_utils
it imports, so a role installs the CLI with one copy task and the CLI runs the very code the
collection's modules run."""

from __future__ import annotations

DOCUMENTATION = r"""
name: python_zipapp
author: lowlat maintainers (!UNKNOWN)
short_description: Build a self-contained Python zipapp of a CLI and the collection's module_utils
description:
  - Builds, on the controller, an executable Python zip application (PEP 441) whose C(__main__.py)
    is the given script and which carries the named files of this collection's C(plugins/module_utils)
    under C(ansible_collections/lowlat/trading/plugins/module_utils), so the script imports them by
    their collection path without anything else installed on the host.
  - The archive is byte-for-byte reproducible (sorted entries, fixed timestamps and modes, stored
    uncompressed), so the same inputs give the same file and a C(copy) of it is idempotent.
  - Returns the path of the archive in a controller temporary directory, named after its content
    hash; nothing is written on the managed hosts.
options:
  _terms:
    description: Path of the script that becomes C(__main__.py) (on the controller).
    required: true
    type: list
    elements: path
  module_utils:
    description: Module names (without C(.py)) of the collection's C(plugins/module_utils) to bundle.
    type: list
    elements: str
    default: []
  interpreter:
    description: Interpreter written in the archive's C(#!) line.
    type: str
    default: /usr/bin/python3
"""

EXAMPLES = r"""
- name: Install lowlat-irq-pin with the module_utils it shares with the irq_affinity module
  ansible.builtin.copy:
    src: "{{ lookup('lowlat.trading.python_zipapp', role_path ~ '/files/lowlat-irq-pin',
                    module_utils=['cpulist', 'hostfs', 'interrupts', 'irq_pinning', 'topology']) }}"
    dest: /usr/local/libexec/lowlat/lowlat-irq-pin
    mode: "0755"
"""

RETURN = r"""
_raw:
  description: Controller path of the built archive, one per term.
  type: list
  elements: path
"""

import hashlib
import io
import os
import re
import tempfile
import zipfile

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

MODULE_UTILS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "module_utils")
PACKAGE_DIRS = (
    "ansible_collections",
    "ansible_collections/lowlat",
    "ansible_collections/lowlat/trading",
    "ansible_collections/lowlat/trading/plugins",
    "ansible_collections/lowlat/trading/plugins/module_utils",
)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise AnsibleLookupError(f"python_zipapp: cannot read {path}: {err.strerror}") from err


def build_zipapp(script: str, module_utils: list[str], interpreter: str = "/usr/bin/python3") -> bytes:
    """The archive's bytes: shebang line, then a zip with __main__.py and the module_utils."""
    entries = {"__main__.py": _read(script)}
    for package in PACKAGE_DIRS:
        entries[f"{package}/__init__.py"] = b""
    for name in module_utils:
        if not _NAME.match(name):
            raise AnsibleLookupError(f"python_zipapp: {name!r} is not a module name (no path, no .py)")
        entries[f"{PACKAGE_DIRS[-1]}/{name}.py"] = _read(os.path.join(MODULE_UTILS_DIR, f"{name}.py"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the controller runs
            archive.writestr(info, entries[name])
    return f"#!{interpreter}\n".encode() + buffer.getvalue()


def write_once(data: bytes, directory: str, stem: str) -> str:
    """Write data to directory/stem-<hash>.pyz unless it is there; forks race safely (rename)."""
    path = os.path.join(directory, f"{stem}-{hashlib.sha256(data).hexdigest()[:16]}.pyz")
    if not os.path.exists(path):
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o755)
        os.replace(tmp, path)
    return path


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        module_utils = self.get_option("module_utils")
        interpreter = self.get_option("interpreter")
        # Ansible's per-run controller temporary directory: removed when the run ends.
        directory = os.path.join(C.DEFAULT_LOCAL_TMP, "lowlat-zipapp")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        return [
            write_once(build_zipapp(term, module_utils, interpreter), directory, os.path.basename(term))
            for term in terms
        ]
