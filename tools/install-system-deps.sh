#!/usr/bin/env bash
# Install the Debian packages the lab and the test suite need: every package named in
# tools/required-programs.tsv (the one declared list of programs), nothing else. Idempotent: only
# missing packages are installed, and apt-get update runs only when something is missing.
# --no-install-recommends: what is needed is named explicitly in the list (prometheus-node-exporter
# is only a Recommends of prometheus).
#
#   tools/install-system-deps.sh          install what is missing
#   tools/install-system-deps.sh --list   print the package names, one a line, and exit
set -euo pipefail
list=$(dirname "$0")/required-programs.tsv

# Column 2 of the list; `-` marks a program that no Debian package provides (machine image).
mapfile -t packages < <(awk -F'\t' '!/^#/ && NF && $1 != "program" && $2 != "-" { print $2 }' "$list" | sort -u)
((${#packages[@]})) || { echo "lowlat: no packages in $list" >&2; exit 1; }

case "${1:-}" in
  "") ;;
  --list) printf '%s\n' "${packages[@]}"; exit 0 ;;
  *) echo "usage: $0 [--list]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  echo "lowlat: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "lowlat: Debian packages present (${#packages[@]} from $list)"
fi
