#!/usr/bin/env python3
"""Does every change to the collection's code come with a changelog fragment?

A change to a file under plugins/ or roles/ since the base ref needs at least one changelog
fragment (changelogs/fragments/NAME.yml or .yaml) added or changed in the same range.

The base ref: --base, else $CHANGELOG_BASE, else the last commit that changed
changelogs/changelog.yaml (the last release: a release moves the fragments into it), else the
repository's root commit. The range runs from the base to the working tree: on a clean clone that
is HEAD; in a checkout it also holds uncommitted changes and untracked files that git does not
ignore, so the check can run before a commit.

    tools/check_changelog.py [--repo DIR] [--base REF]

Exit 0: nothing needs a fragment, or one is there. 1: fragment missing (the message names the
files and says how to add one). 2: git failed, the base ref is not a commit, or the clone is
shallow and hides the last release.
tools/check-changelog.sh runs this and then `antsibull-changelog lint`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

NEEDS_FRAGMENT = ("plugins/", "roles/")
FRAGMENTS_DIR = "changelogs/fragments/"
FRAGMENT_SUFFIXES = (".yml", ".yaml")
RELEASES_FILE = "changelogs/changelog.yaml"
PROG = "check-changelog"


def is_fragment(path: str) -> bool:
    """A changelog fragment: a .yml/.yaml file directly in changelogs/fragments/."""
    name = path.removeprefix(FRAGMENTS_DIR)
    return name != path and "/" not in name and name.endswith(FRAGMENT_SUFFIXES)


def lacking_fragment(changed: Iterable[str]) -> list[str]:
    """The changed paths that need a fragment, none of which came with one (sorted; [] when ok).

    `changed` holds repository-relative paths (deleted fragments left out: they describe nothing).
    """
    paths = sorted(set(changed))
    if any(is_fragment(p) for p in paths):
        return []
    return [p for p in paths if p.startswith(NEEDS_FRAGMENT)]


def failure_message(lacking: list[str], base: Base) -> str:
    listed = "\n".join(f"  {p}" for p in lacking)
    return (
        f"{PROG}: these files under plugins/ or roles/ changed since {base} without a changelog fragment:\n"
        f"{listed}\n"
        f"{PROG}: add changelogs/fragments/NAME.yml describing the change, for example:\n"
        f"  bugfixes:\n"
        f"    - kernel role - what was wrong and what it does now.\n"
        f"{PROG}: sections: major_changes, minor_changes, breaking_changes, deprecated_features,"
        f" removed_features, security_fixes, bugfixes, known_issues (changelogs/config.yaml);"
        f" check it with: antsibull-changelog lint"
    )


# --- git plumbing ----------------------------------------------------------------------------


class GitError(Exception):
    pass


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {proc.stderr.strip() or f'exit {proc.returncode}'}")
    return proc.stdout


@dataclass(frozen=True)
class Base:
    commit: str
    why: str

    def __str__(self) -> str:
        return f"{self.commit[:12]} ({self.why})"


def resolve_base(repo: Path, given: str | None) -> Base:
    if given:
        try:
            commit = git(repo, "rev-parse", "--verify", "--quiet", f"{given}^{{commit}}").strip()
        except GitError:
            raise GitError(f"CHANGELOG_BASE/--base {given!r} is not a commit in {repo}") from None
        return Base(commit, f"CHANGELOG_BASE={given}")
    # In a shallow clone the oldest commits present look as if they added every file: a
    # boundary commit found here says nothing about the last release.
    boundary: set[str] = set()
    if git(repo, "rev-parse", "--is-shallow-repository").strip() == "true":
        shallow_file = Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "shallow"
        boundary = set(shallow_file.read_text().split()) if shallow_file.exists() else set()
    last_release = git(repo, "log", "-1", "--format=%H", "HEAD", "--", RELEASES_FILE).strip()
    if last_release and last_release not in boundary:
        return Base(last_release, f"last change to {RELEASES_FILE}")
    if boundary:
        raise GitError(
            f"{repo} is a shallow clone and its history holds no change to {RELEASES_FILE}:"
            " fetch the history (git fetch --unshallow) or set CHANGELOG_BASE"
        )
    # Several roots (joined histories): the oldest, rev-list's last line.
    roots = git(repo, "rev-list", "--max-parents=0", "HEAD").split()
    return Base(roots[-1], "root commit")


def changed_paths(repo: Path, base: str) -> list[str]:
    """Paths that differ between `base` and the working tree, plus untracked files git does not
    ignore. Deleted fragments are left out."""
    out = git(repo, "diff", "--name-status", "--no-renames", "-z", base, "--")
    fields = out.split("\0")
    paths = []
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if status.startswith("D") and is_fragment(path):
            continue
        paths.append(path)
    untracked = git(repo, "ls-files", "--others", "--exclude-standard", "-z")
    paths.extend(p for p in untracked.split("\0") if p)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--base", default=os.environ.get("CHANGELOG_BASE") or None)
    args = parser.parse_args(argv)
    try:
        repo = Path(git(args.repo, "rev-parse", "--show-toplevel").strip())
        base = resolve_base(repo, args.base)
        changed = changed_paths(repo, base.commit)
    except GitError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    lacking = lacking_fragment(changed)
    if lacking:
        print(failure_message(lacking, base), file=sys.stderr)
        return 1
    code = sorted(p for p in set(changed) if p.startswith(NEEDS_FRAGMENT))
    fragments = sorted(Path(p).name for p in set(changed) if is_fragment(p))
    if code:
        listed = ", ".join(fragments)
        print(
            f"{PROG}: ok: {len(code)} files under plugins/ or roles/ changed since {base}; fragments: {listed}"
        )
    else:
        print(f"{PROG}: ok: nothing under plugins/ or roles/ changed since {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
