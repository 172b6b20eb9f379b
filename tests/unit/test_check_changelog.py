"""tools/check_changelog.py and tools/check-changelog.sh: a change under plugins/ or roles/ since the
base ref needs a changelog fragment in the same range.

The git cases run the tool on throwaway repositories built in tmp_path; the last tests run it, and
the shell wrapper with antsibull-changelog's lint, on this repository's own history.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "check_changelog.py"
SCRIPT = REPO / "tools" / "check-changelog.sh"

_spec = importlib.util.spec_from_file_location("check_changelog", TOOL)
check_changelog = importlib.util.module_from_spec(_spec)
sys.modules["check_changelog"] = check_changelog
_spec.loader.exec_module(check_changelog)

# The throwaway repositories see no system or user git configuration.
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def expected_failure(paths: list[str], base: str, why: str) -> str:
    listed = "".join(f"  {p}\n" for p in paths)
    return (
        f"check-changelog: these files under plugins/ or roles/ changed since {base[:12]} ({why}) without a"
        " changelog fragment:\n"
        f"{listed}"
        "check-changelog: add changelogs/fragments/NAME.yml describing the change, for example:\n"
        "  bugfixes:\n"
        "    - kernel role - what was wrong and what it does now.\n"
        "check-changelog: sections: major_changes, minor_changes, breaking_changes, deprecated_features,"
        " removed_features, security_fixes, bugfixes, known_issues (changelogs/config.yaml); check it with:"
        " antsibull-changelog lint\n"
    )


class Repo:
    def __init__(self, path: Path):
        self.path = path
        self.env = {k: v for k, v in os.environ.items() if k != "CHANGELOG_BASE"} | GIT_ENV
        path.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(self.path), *args], env=self.env, capture_output=True, text=True, check=True
        ).stdout

    def write(self, files: dict[str, str | None]) -> None:
        for name, text in files.items():
            path = self.path / name
            if text is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)

    def commit(self, message: str, files: dict[str, str | None]) -> str:
        self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def check(self, base: str | None = None) -> subprocess.CompletedProcess[str]:
        env = self.env if base is None else self.env | {"CHANGELOG_BASE": base}
        return subprocess.run(
            [sys.executable, str(TOOL), "--repo", str(self.path)], env=env, capture_output=True, text=True
        )


@pytest.fixture
def repo(tmp_path) -> Repo:
    """A collection-shaped repository whose last commit is a release (changelog.yaml changed)."""
    r = Repo(tmp_path / "repo")
    r.commit("skeleton", {"plugins/modules/a.py": "a = 1\n", "roles/r/tasks/main.yml": "---\n[]\n"})
    r.release = r.commit("release 1.0.0", {"changelogs/changelog.yaml": "releases: {}\n", "docs/x.md": "x\n"})
    return r


FRAGMENT = "minor_changes:\n  - a - does more.\n"


@pytest.mark.parametrize(
    ("changed", "lacking"),
    [
        ([], []),
        (["docs/x.md", "README.md", "tests/unit/test_x.py"], []),
        (["plugins/modules/a.py"], ["plugins/modules/a.py"]),
        (
            ["roles/r/tasks/main.yml", "plugins/x.py", "plugins/x.py"],
            ["plugins/x.py", "roles/r/tasks/main.yml"],
        ),
        (["plugins/modules/a.py", "changelogs/fragments/a.yml"], []),
        (["roles/r/tasks/main.yml", "changelogs/fragments/a.yaml"], []),
        # Not fragments: another extension, a subdirectory, the release file, a look-alike directory.
        (["plugins/a.py", "changelogs/fragments/a.txt"], ["plugins/a.py"]),
        (["plugins/a.py", "changelogs/fragments/old/a.yml"], ["plugins/a.py"]),
        (["plugins/a.py", "changelogs/changelog.yaml"], ["plugins/a.py"]),
        (["plugins/a.py", "changelogs/fragments.yml"], ["plugins/a.py"]),
        # Only the top-level plugins/ and roles/ need one.
        (["tests/plugins/a.py", "docs/roles/x.md", "pluginsx/a.py"], []),
    ],
)
def test_lacking_fragment(changed, lacking):
    assert check_changelog.lacking_fragment(changed) == lacking


def test_plugin_change_without_fragment_fails_naming_the_files(repo):
    repo.commit("change a", {"plugins/modules/a.py": "a = 2\n", "roles/r/tasks/main.yml": "---\n[{}]\n"})
    result = repo.check()
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr == expected_failure(
        ["plugins/modules/a.py", "roles/r/tasks/main.yml"],
        repo.release,
        "last change to changelogs/changelog.yaml",
    )


def test_plugin_change_with_fragment_passes(repo):
    repo.commit("change a", {"plugins/modules/a.py": "a = 2\n", "changelogs/fragments/a.yml": FRAGMENT})
    result = repo.check()
    assert result.returncode == 0, result
    assert result.stdout == (
        f"check-changelog: ok: 1 files under plugins/ or roles/ changed since {repo.release[:12]}"
        " (last change to changelogs/changelog.yaml); fragments: a.yml\n"
    )


def test_fragment_in_an_earlier_commit_of_the_range_counts(repo):
    repo.commit("fragment first", {"changelogs/fragments/a.yml": FRAGMENT})
    repo.commit("then the change", {"plugins/modules/a.py": "a = 2\n"})
    assert repo.check().returncode == 0


def test_docs_only_change_passes(repo):
    repo.commit("docs", {"docs/x.md": "y\n", "README.md": "r\n"})
    result = repo.check()
    assert result.returncode == 0, result
    assert result.stdout == (
        f"check-changelog: ok: nothing under plugins/ or roles/ changed since {repo.release[:12]}"
        " (last change to changelogs/changelog.yaml)\n"
    )


def test_changes_before_the_last_release_are_not_asked_for(repo):
    # The skeleton's plugins/ and roles/ files came before the release commit (the base).
    assert repo.check().returncode == 0
    repo.commit("unreleased change", {"plugins/modules/a.py": "a = 3\n"})
    repo.commit("release 1.1.0", {"changelogs/changelog.yaml": "releases: {1.1.0: {}}\n"})
    assert repo.check().returncode == 0


def test_changelog_base_is_honoured(repo):
    first = repo.commit(
        "with fragment", {"plugins/modules/a.py": "a = 2\n", "changelogs/fragments/a.yml": FRAGMENT}
    )
    repo.commit("without", {"roles/r/tasks/main.yml": "---\n[{}]\n"})
    # From the release, the range holds a fragment; from `first`, it does not.
    assert repo.check().returncode == 0
    result = repo.check(base=first)
    assert result.returncode == 1, result
    assert result.stderr == expected_failure(["roles/r/tasks/main.yml"], first, f"CHANGELOG_BASE={first}")
    # Any commit-ish, here a branch name.
    repo.git("branch", "base-branch", first)
    result = repo.check(base="base-branch")
    assert result.stderr == expected_failure(["roles/r/tasks/main.yml"], first, "CHANGELOG_BASE=base-branch")
    # An empty CHANGELOG_BASE means unset.
    assert repo.check(base="").returncode == 0


def test_a_base_that_is_not_a_commit_is_refused(repo):
    result = repo.check(base="no-such-ref")
    assert result.returncode == 2
    assert (
        result.stderr
        == f"check-changelog: CHANGELOG_BASE/--base 'no-such-ref' is not a commit in {repo.path}\n"
    )


def test_without_a_release_the_base_is_the_root_commit(tmp_path):
    r = Repo(tmp_path / "new")
    root = r.commit("first", {"README.md": "x\n"})
    r.commit("add a module", {"plugins/modules/a.py": "a = 1\n"})
    result = r.check()
    assert result.returncode == 1
    assert result.stderr == expected_failure(["plugins/modules/a.py"], root, "root commit")


def test_a_shallow_clone_that_hides_the_release_is_refused(repo, tmp_path):
    repo.commit("change a", {"plugins/modules/a.py": "a = 2\n"})
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    shallow = Repo.__new__(Repo)
    shallow.path, shallow.env = clone, repo.env
    result = shallow.check()
    assert result.returncode == 2
    assert result.stderr == (
        f"check-changelog: {clone} is a shallow clone and its history holds no change to"
        " changelogs/changelog.yaml: fetch the history (git fetch --unshallow) or set CHANGELOG_BASE\n"
    )
    # With the base given, the check runs.
    assert shallow.check(base="HEAD").returncode == 0


def test_a_deleted_fragment_is_not_a_fragment(repo):
    repo.commit("fragment", {"changelogs/fragments/a.yml": FRAGMENT})
    release = repo.commit("release", {"changelogs/changelog.yaml": "releases: {1.1.0: {}}\n"})
    repo.commit(
        "drop it, change a module", {"changelogs/fragments/a.yml": None, "plugins/modules/a.py": "a = 2\n"}
    )
    result = repo.check()
    assert result.stderr == expected_failure(
        ["plugins/modules/a.py"], release, "last change to changelogs/changelog.yaml"
    )


def test_uncommitted_and_untracked_files_count(repo):
    repo.write({"plugins/modules/a.py": "a = 2\n"})  # tracked, modified, not committed
    assert repo.check().returncode == 1
    repo.write({"changelogs/fragments/a.yml": FRAGMENT})  # untracked
    assert repo.check().returncode == 0
    # Files git ignores are not changes.
    repo.write({"changelogs/fragments/a.yml": None, ".gitignore": "*.tmp\n", "plugins/x.tmp": "x\n"})
    result = repo.check()
    assert "plugins/x.tmp" not in result.stderr
    assert "  plugins/modules/a.py\n" in result.stderr


def test_this_repository_has_fragments_for_its_changes():
    if not (REPO / ".git").exists():
        pytest.fail(f"{REPO} is not a git checkout: the changelog check needs the history")
    env = {k: v for k, v in os.environ.items() if k != "CHANGELOG_BASE"}
    result = subprocess.run([sys.executable, str(TOOL)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "(last change to changelogs/changelog.yaml)" in result.stdout


def test_the_script_runs_the_check_and_antsibull_changelog_lint():
    text = SCRIPT.read_text()
    assert os.access(SCRIPT, os.X_OK)
    assert "set -euo pipefail" in text
    env = {k: v for k, v in os.environ.items() if k != "CHANGELOG_BASE"}
    result = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[0].startswith("check-changelog: ok: ")
    assert result.stdout.splitlines()[-1] == "check-changelog: antsibull-changelog lint ok"
