#!/usr/bin/env bash
# Check that every program declared in tools/required-programs.tsv is there: on PATH, or at its
# absolute path. Anything missing: one line per program on stderr, naming the Debian package that
# brings it (or, for `-`, where it comes from), and exit 1. Run first by tools/run-tests.sh (every
# mode) and by `tools/lab.sh up`, so a machine that lacks a program stops before any stage.
#
#   tools/check-programs.sh [LIST]    LIST defaults to $LOWLAT_REQUIRED_PROGRAMS, then the repo's list
set -euo pipefail
list=${1:-${LOWLAT_REQUIRED_PROGRAMS:-$(dirname "$0")/required-programs.tsv}}
[[ -r $list ]] || { echo "check-programs: cannot read $list" >&2; exit 2; }

count=0 missing=0
while IFS=$'\t' read -r program package _used_by note; do
  [[ -z $program || $program == '#'* || $program == program ]] && continue
  count=$((count + 1))
  if [[ $program == /* ]]; then
    [[ -x $program ]] && continue
  else
    type -P -- "$program" >/dev/null && continue
  fi
  missing=$((missing + 1))
  if [[ $package == - ]]; then
    echo "missing $program: not a Debian package, apt cannot install it; it comes with the ${note:-machine image}" >&2
  else
    echo "missing $program: install $package (tools/install-system-deps.sh)" >&2
  fi
done <"$list"

((missing == 0)) || exit 1
echo "lowlat: all $count required programs present ($list)"
