"""Small helpers for building or editing fixture trees inside a test's tmp dir."""

from __future__ import annotations

import os


def write_file(root: str, host_path: str, text: str) -> None:
    """Write `text` to `host_path` inside the fixture tree at `root`, creating directories."""
    real = os.path.join(root, host_path.lstrip("/"))
    os.makedirs(os.path.dirname(real), exist_ok=True)
    with open(real, "w", encoding="utf-8") as fh:
        fh.write(text)


def symlink(root: str, host_path: str, target: str) -> None:
    """Create a symlink at `host_path` inside the tree; `target` is stored verbatim (keep it relative)."""
    real = os.path.join(root, host_path.lstrip("/"))
    os.makedirs(os.path.dirname(real), exist_ok=True)
    os.symlink(target, real)
