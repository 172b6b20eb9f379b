#!/usr/bin/env bash
# The changelog check CI runs (lint stage): a change under plugins/ or roles/ since the base ref
# needs a fragment in changelogs/fragments/, and the fragments and changelogs/changelog.yaml must
# pass antsibull-changelog's own checks.
#
#   tools/check-changelog.sh                     base: the last change to changelogs/changelog.yaml
#   CHANGELOG_BASE=origin/main tools/check-changelog.sh   base: that ref
#
# The decision and the git plumbing are in tools/check_changelog.py (see its docstring; tested by
# tests/unit/test_check_changelog.py). Needs the repository's history: a clone, not an export.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

python3 tools/check_changelog.py
antsibull-changelog lint
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
echo "check-changelog: antsibull-changelog lint ok"
