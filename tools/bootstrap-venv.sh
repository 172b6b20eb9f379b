#!/usr/bin/env bash
# Create .venv (test + runtime tooling) and .venv-checkov. Re-installs only when a
# requirements file changed, so a second run takes a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

ensure_venv() {  # ensure_venv DIR REQUIREMENTS...
  local dir=$1; shift
  local stamp="$dir/.lowlat-stamp"
  local want
  want=$(cat "$@" | sha256sum | cut -d' ' -f1)
  if [[ -f "$stamp" && $(cat "$stamp") == "$want" ]]; then
    echo "lowlat: $dir up to date"
    return
  fi
  echo "lowlat: installing $dir from $*"
  [[ -x "$dir/bin/python" ]] || "$PYTHON" -m venv "$dir"
  "$dir/bin/pip" install -q --upgrade pip
  local args=()
  for req in "$@"; do
    case "$req" in
      */pyproject.toml) args+=(-e "$(dirname "$req")") ;;
      *) args+=(-r "$req") ;;
    esac
  done
  "$dir/bin/pip" install -q "${args[@]}"
  echo "$want" > "$stamp"
}

main_inputs=(requirements/test.txt requirements/runtime.txt)
# The reference engine is installed editable so its commands and tests run from the tree.
[[ -f engine/pyproject.toml ]] && main_inputs+=(engine/pyproject.toml)
ensure_venv .venv "${main_inputs[@]}"
ensure_venv .venv-checkov requirements/checkov.txt
