#!/usr/bin/env bash
# ansible-test sanity on the collection as it ships: the tarball `ansible-galaxy collection build` makes
# (galaxy.yml's build_ignore keeps tooling, tests and infrastructure out), unpacked where ansible-test
# wants a collection (.../ansible_collections/lowlat/trading).
#
# Sanity pins its own linters (pylint, pycodestyle, voluptuous, yamllint, ...) and installs them with
# --requirements into virtualenvs of its own; ansible-test itself runs from .cache/sanity-venv (the
# project's ansible-core version), so the project's .venv keeps its own versions. ansible-test makes
# those virtualenvs without pip and downloads a pip bootstrap script from a host this machine cannot
# reach: tools/sanity/get_pip.py (ensurepip, then pip from the package index) is put where it looks.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
core=$(.venv/bin/python -c 'import ansible; print(ansible.__version__)')
venv=.cache/sanity-venv
if [[ "$(cat "$venv/.ansible-core" 2>/dev/null)" != "$core" ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core==$core"
  echo "$core" >"$venv/.ansible-core"
fi
# The pip version ansible-test bootstraps (its get_venv_packages default).
pip_version=$("$venv/bin/python" -c 'import ansible_test, pathlib, re
src = (pathlib.Path(ansible_test.__file__).parent / "_internal/python_requirements.py").read_text()
print(re.search(r"pip=.([0-9.]+).", src).group(1))')
mkdir -p ~/.ansible/test/cache
cp tools/sanity/get_pip.py ~/.ansible/test/cache/"get_pip_${pip_version//./_}.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/lowlat-sanity.XXXXXX")
trap 'rm -rf "$work"' EXIT
.venv/bin/ansible-galaxy collection build --output-path "$work" . >/dev/null
dest="$work/ansible_collections/lowlat/trading"
mkdir -p "$dest"
tar -xzf "$work"/lowlat-trading-*.tar.gz -C "$dest"
mkdir -p "$dest/tests" && cp -r tests/sanity "$dest/tests/"
python=$("$venv/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
cd "$dest"
PATH="$repo/$venv/bin:$PATH" ansible-test sanity --requirements --python "$python" --color no "$@"
