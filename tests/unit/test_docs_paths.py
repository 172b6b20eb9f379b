"""Every repository path that README.md and docs/*.md name in backticks exists.

A path is a whitespace-separated word of an inline code span (`...`, fenced blocks left out) whose
first component is an entry of the repository's root: `playbooks/site.yml`, `tools/vm/`, the
`inventories/aws` of `ansible-playbook -i inventories/aws playbooks/site.yml`. Such a word must
exist (a glob such as `docs/knobs-*.md` must match). Words with a placeholder (`<role>`,
`{{ lowlat_state_dir }}`), absolute paths (`/etc/lowlat`), URLs and paths relative to something
else (`tasks/preflight.yml` inside a role) are not repository paths and are not checked.

Paths that runs create are allowed by name in RUNTIME, each with the reason it is absent from a
clean clone.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

# Root entries created at run time (never committed): a path below them is not checked.
RUNTIME = {
    ".venv": "the Python venv, created by tools/bootstrap-venv.sh (make lab, make test)",
    ".venv-checkov": "checkov's own venv (it pins old boto3), created by tools/bootstrap-venv.sh",
    ".cache": "run output: test logs, audit and latency JSON, the lab's and the VMs' state, the "
    "inventory and fact caches",
}
# Root entries that are tool state, not part of the repository.
NOT_REPOSITORY = {".git", ".pytest_cache", ".ruff_cache"}

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
EDGE_PUNCTUATION = "()[],;:\"'`"
PLACEHOLDER = re.compile(r"[<>{}$=]|://")


def root_entries() -> set[str]:
    return {p.name for p in REPO.iterdir()} - NOT_REPOSITORY - set(RUNTIME)


def repository_paths(markdown: str, roots: set[str]) -> list[str]:
    """The repository paths named in the inline code spans of a Markdown text, in order."""
    text = FENCE.sub("", markdown)
    found = []
    for span in CODE_SPAN.finditer(text):
        for word in span.group(2).split():
            path = word.strip(EDGE_PUNCTUATION).removeprefix("./")
            if not path or path.startswith(("/", "~", "-")) or PLACEHOLDER.search(path):
                continue
            first = path.split("/", 1)[0]
            if first in roots or first in RUNTIME:
                found.append(path)
    return found


def missing(path: str) -> bool:
    if path.split("/", 1)[0] in RUNTIME:
        return False
    if any(c in path for c in "*?["):
        return not glob.glob(str(REPO / path))
    return not (REPO / path).exists()


def test_runtime_paths_have_reasons_and_are_not_committed():
    for name, reason in RUNTIME.items():
        assert reason.strip(), name
        assert name not in root_entries()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_named_path_exists(doc: Path):
    paths = repository_paths(doc.read_text(), root_entries())
    absent = sorted({p for p in paths if missing(p)})
    assert not absent, f"{doc.relative_to(REPO)} names paths that do not exist: {absent}"


def test_the_readme_names_the_paths_it_should():
    """The extraction itself: README.md's steps for a real account name these files."""
    paths = repository_paths((REPO / "README.md").read_text(), root_entries())
    for expected in (
        "inventories/aws/trading.lowlat_ec2.yml",
        "inventories/aws/group_vars/role_engine.yml",
        "playbooks/site.yml",
        "inventories/aws",
        "docs/knobs-*.md",
        ".cache/audit/",
    ):
        assert expected in paths


def test_extraction_rules():
    roots = {"docs", "playbooks", "tools"}
    text = (
        "Run `tools/lab.sh up` and `ansible-playbook -i x\n   playbooks/none.yml`, see\n"
        "``code with `docs/inner.md` ``, `/etc/lowlat`, `roles/<role>/x`, `./docs/a.md`,\n"
        "`{{ dir }}/plan.json`, `https://docs/x`, `tasks/preflight.yml`, `.cache/x`.\n"
        "```sh\ntools/fenced.sh\n```\n"
    )
    assert repository_paths(text, roots) == [
        "tools/lab.sh",
        "playbooks/none.yml",
        "docs/inner.md",
        "docs/a.md",
        ".cache/x",
    ]
    assert missing("playbooks/none.yml")
    assert not missing("playbooks/site.yml")
    assert not missing(".cache/never/made")
    assert not missing("docs/knobs-*.md")
    assert missing("docs/nothing-*.md")
