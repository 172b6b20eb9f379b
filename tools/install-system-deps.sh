#!/usr/bin/env bash
# Install the Debian packages the lab and the test suite need. Idempotent: only
# missing packages are installed, and apt-get update runs only when something is missing.
set -euo pipefail

packages=(
  podman runc           # lab and Molecule containers (crun does not work on these machines)
  debootstrap           # local base images: nothing is pulled from a registry
  qemu-system-x86 qemu-utils cpio fdisk  # real-kernel VM scenario (sfdisk builds the disk image)
  openssh-client
  prometheus prometheus-alertmanager  # promtool and the lab monitoring host
)

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
  echo "lowlat: Debian packages present"
fi
