"""Bytecode cache for modules imported from zip files (test VM only).

Ansible runs every module from a zip (AnsiballZ); zipimport compiles the module_utils
source again on each run, which under QEMU TCG is most of a task's cost. This keeps the
compiled code in /var/cache/lowlat-zipimport, keyed by the source's hash.
"""

import hashlib
import marshal
import os
import sys
import types
import zipimport

_CACHE_DIR = "/var/cache/lowlat-zipimport"
_original_compile = zipimport._compile_source


def _renamed(code, filename):
    consts = tuple(_renamed(c, filename) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _cached_compile(pathname, source):
    digest = hashlib.sha256(source).hexdigest()
    path = os.path.join(_CACHE_DIR, f"{sys.implementation.cache_tag}-{digest}")
    try:
        with open(path, "rb") as handle:
            return _renamed(marshal.load(handle), pathname)
    except (OSError, EOFError, ValueError, TypeError):
        pass
    code = _original_compile(pathname, source)
    try:
        os.makedirs(_CACHE_DIR, mode=0o755, exist_ok=True)
        tmp = f"{path}.{os.getpid()}"
        with open(tmp, "wb") as handle:
            marshal.dump(code, handle)
        os.replace(tmp, path)
    except OSError:
        pass
    return code


zipimport._compile_source = _cached_compile
