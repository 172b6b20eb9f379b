#!/usr/bin/env python3
"""Build every Lambda function under lambda/ into terraform/build/lambda/<function>.zip.

    tools/build_lambdas.py            build (or rebuild) every package; print path and sha256
    tools/build_lambdas.py --check    exit 1 when a package is missing or differs from the source

One folder per function (lambda/<function>/); its files go to the root of the zip, so a handler
module lambda/order_status/handler.py is `handler.handler` in Lambda. Nothing is downloaded: a
function uses the standard library and the boto3 of the Lambda runtime.

The zip is deterministic, so its hash (Terraform's source_code_hash) changes only when the code
does: entries sorted by path, every timestamp 1980-01-01 00:00:00 (the zip format's earliest),
every file mode 0644, no __pycache__, *.pyc or other build droppings. Entries are stored, not
deflated: the bytes then depend on nothing but the files (deflate output can differ between zlib
builds, which would make another machine's package look changed), and a handler of a few KiB
gains nothing from compression.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_DIR = REPO / "lambda"
BUILD_DIR = REPO / "terraform" / "build" / "lambda"

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
# Never packaged: interpreter caches, editor and OS droppings, test files of a function.
SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "tests"}
SKIP_SUFFIXES = {".pyc", ".pyo", ".swp"}
SKIP_NAMES = {".DS_Store"}


def functions(source_dir: Path = SOURCE_DIR) -> list[Path]:
    """The function folders: every directory directly under lambda/, sorted by name."""
    if not source_dir.is_dir():
        return []
    return sorted(
        p
        for p in source_dir.iterdir()
        if p.is_dir() and p.name not in SKIP_DIRS and not p.name.startswith(".")
    )


def package_files(function_dir: Path) -> Iterator[tuple[str, Path]]:
    """(path inside the zip, file) for each file that goes into the package, sorted by zip path."""
    found = []
    for path in function_dir.rglob("*"):
        relative = path.relative_to(function_dir)
        if any(part in SKIP_DIRS for part in relative.parts[:-1]) or not path.is_file():
            continue
        if path.suffix in SKIP_SUFFIXES or path.name in SKIP_NAMES:
            continue
        found.append((relative.as_posix(), path))
    yield from sorted(found)


def zip_bytes(function_dir: Path) -> bytes:
    """The package of one function, byte for byte the same for the same files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in package_files(function_dir):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE_TIME)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # Unix, so the mode above is what unzip and Lambda read
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, path.read_bytes())
    data = buffer.getvalue()
    if not data or len(data) <= 22:  # 22 bytes: the end record of an empty zip
        raise SystemExit(f"build_lambdas: {function_dir} holds no files to package")
    return data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(source_dir: Path = SOURCE_DIR, build_dir: Path = BUILD_DIR) -> list[tuple[Path, str]]:
    """Write every package whose bytes changed; return (zip path, sha256) per function."""
    built = []
    for function_dir in functions(source_dir):
        data = zip_bytes(function_dir)
        target = build_dir / f"{function_dir.name}.zip"
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Per process: two test stages may build at once; each replaces the package atomically.
            partial = target.with_suffix(f".zip.{os.getpid()}.partial")
            partial.write_bytes(data)
            partial.replace(target)
        built.append((target, sha256(data)))
    return built


def check(source_dir: Path = SOURCE_DIR, build_dir: Path = BUILD_DIR) -> list[str]:
    """What is missing or stale in build_dir (empty when every package matches its source)."""
    problems = []
    for function_dir in functions(source_dir):
        target = build_dir / f"{function_dir.name}.zip"
        if not target.is_file():
            problems.append(f"{target}: missing")
        elif target.read_bytes() != zip_bytes(function_dir):
            problems.append(f"{target}: stale (differs from {function_dir})")
    return problems


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="verify the zips are current; build nothing")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="function folders (default lambda/)")
    parser.add_argument(
        "--out", type=Path, default=BUILD_DIR, help="zip folder (default terraform/build/lambda/)"
    )
    args = parser.parse_args(argv)

    if not functions(args.source):
        print(f"build_lambdas: no function folders under {args.source}", file=sys.stderr)
        return 2
    if args.check:
        problems = check(args.source, args.out)
        for problem in problems:
            print(f"build_lambdas: {problem}; run tools/build_lambdas.py", file=sys.stderr)
        return 1 if problems else 0
    for target, digest in build(args.source, args.out):
        print(f"{_shown(target)} {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
