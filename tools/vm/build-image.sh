#!/usr/bin/env bash
# Build the lowlat QEMU base image: a bootable Debian bookworm disk (MBR, one ext4
# partition, GRUB for BIOS in the MBR) made only from Debian's packages.
#
#   tools/vm/build-image.sh [--force]
#
# Output, under .cache/vm/ (override with LOWLAT_VM_DIR):
#   lowlat-bookworm.qcow2         the base image (tests boot an overlay on top of it)
#   lowlat-bookworm.qcow2.inputs  hash of the inputs the image was built from
#   id_ed25519, id_ed25519.pub    SSH key authorized for root in the image (made once)
#   known_hosts                   the image's SSH host key, under the alias "lowlat-vm"
#   debs/                         package cache shared by debootstrap and apt
#
# The image is rebuilt only when its inputs change: this script, packages.txt, the
# files under guest/ and the public key. Needs root (loop device, mount, chroot).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT_DIR=${LOWLAT_VM_DIR:-$REPO_ROOT/.cache/vm}
IMAGE=$OUT_DIR/lowlat-bookworm.qcow2
INPUTS_FILE=$IMAGE.inputs
KEY=$OUT_DIR/id_ed25519
KNOWN_HOSTS=$OUT_DIR/known_hosts
DEB_CACHE=$OUT_DIR/debs
PACKAGE_LIST=$SCRIPT_DIR/packages.txt
GUEST_FILES=$SCRIPT_DIR/guest
SUITE=bookworm
DISK_SIZE=4G
HOST_KEY_ALIAS=lowlat-vm
FS_LABEL=lowlat-root

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

[[ $(id -u) -eq 0 ]] || die "must run as root (loop devices, mount, chroot)"
for tool in debootstrap sfdisk losetup partx mkfs.ext4 qemu-img ssh-keygen sha256sum flock; do
  command -v "$tool" >/dev/null || die "missing tool: $tool (run tools/install-system-deps.sh)"
done

mkdir -p "$OUT_DIR" "$DEB_CACHE/partial"
start_time=$SECONDS

# One build at a time per output directory.
exec {lock_fd}>"$OUT_DIR/build.lock"
flock "$lock_fd"

# The key pair is made once and kept: it is an input of the image.
if [[ ! -f $KEY || ! -f $KEY.pub ]]; then
  rm -f "$KEY" "$KEY.pub"
  ssh-keygen -q -t ed25519 -N '' -C "lowlat-vm" -f "$KEY"
fi
chmod 0600 "$KEY"

mapfile -t PACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$PACKAGE_LIST")
((${#PACKAGES[@]})) || die "no packages listed in $PACKAGE_LIST"

input_hash() {
  {
    sha256sum "$0" "$PACKAGE_LIST" "$KEY.pub" | cut -d' ' -f1
    (cd "$GUEST_FILES" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
}
hash=$(input_hash)

if ((!force)) && [[ -f $IMAGE && -f $KNOWN_HOSTS && -f $INPUTS_FILE ]] &&
  [[ $(cat "$INPUTS_FILE") == "$hash" ]]; then
  log "up to date: $IMAGE (inputs $hash)"
  exit 0
fi
log "building $IMAGE (inputs $hash)"

WORK=$(mktemp -d "$OUT_DIR/build.XXXXXX")
RAW=$WORK/disk.raw
ROOT=$WORK/root
LOOP=""
mounts=()

cleanup() {
  local rc=$?
  set +e
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}"
  done
  if [[ -n $LOOP ]]; then
    partx -d "$LOOP" 2>/dev/null
    losetup -d "$LOOP"
  fi
  # Never delete through a mount that is still there (proc, sysfs, the package cache).
  if grep -qF " $WORK/" /proc/self/mountinfo; then
    log "mounts remain under $WORK: left in place"
  else
    rm -rf "$WORK"
  fi
  if ((rc)); then log "failed (exit $rc) after $((SECONDS - start_time)) s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

do_mount() { # do_mount TARGET MOUNT-ARGS...: mount and remember it for cleanup
  local target=$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounts+=("$target")
}

in_root() { # run a command in the image with a predictable environment
  LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$ROOT" "$@"
}

# --- Disk: MBR with one bootable Linux partition from 1 MiB (GRUB's core image sits
#     in the gap before it), ext4 without the features bookworm's GRUB 2.06 lacks.
truncate -s "$DISK_SIZE" "$RAW"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$RAW"
LOOP=$(losetup --find --show --partscan "$RAW")
# Partition scanning does not always create the node here: ask for it explicitly.
[[ -b ${LOOP}p1 ]] || partx -a "$LOOP"
for _ in $(seq 50); do [[ -b ${LOOP}p1 ]] && break; sleep 0.1; done
[[ -b ${LOOP}p1 ]] || die "partition device ${LOOP}p1 did not appear"
ROOT_UUID=$(cat /proc/sys/kernel/random/uuid)
mkfs.ext4 -q -L "$FS_LABEL" -U "$ROOT_UUID" -O '^metadata_csum_seed,^orphan_file' "${LOOP}p1"
do_mount "$ROOT" "${LOOP}p1"

# --- Base system. No mirror argument: debootstrap's default, as for the lab images.
log "debootstrap $SUITE (minbase)"
debootstrap --variant=minbase --cache-dir="$DEB_CACHE" "$SUITE" "$ROOT" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

do_mount "$ROOT/proc" -t proc proc
do_mount "$ROOT/sys" -t sysfs sysfs
# A private /dev with only what package scripts and GRUB need: the build machine's
# /dev stays untouched, and update-grub finds the root file system by UUID.
do_mount "$ROOT/dev" -t tmpfs -o mode=0755,nosuid lowlat-dev
make_node() { # make_node PATH: same type and numbers as the build machine's node
  local path=$1 type
  [[ -b $path ]] && type=b || type=c
  mknod -m 0600 "$ROOT$path" "$type" "$((0x$(stat -c %t "$path")))" "$((0x$(stat -c %T "$path")))"
}
for node in /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty "$LOOP" "${LOOP}p1"; do
  make_node "$node"
done
chmod 0666 "$ROOT"/dev/{null,zero,full,random,urandom,tty}
ln -s /proc/self/fd "$ROOT/dev/fd"
mkdir -p "$ROOT/dev/disk/by-uuid"
ln -s "../../$(basename "$LOOP")p1" "$ROOT/dev/disk/by-uuid/$ROOT_UUID"
do_mount "$ROOT/var/cache/apt/archives" --bind "$DEB_CACHE"

# No service may start inside the chroot (it would run on the build machine).
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"

# The guest configuration goes in first, so package scripts see it (initramfs, GRUB).
cp -a "$GUEST_FILES/." "$ROOT/"
cat >"$ROOT/etc/fstab" <<EOF
# <file system>  <mount point>  <type>  <options>  <dump>  <pass>
UUID=$ROOT_UUID  /  ext4  defaults,errors=remount-ro  0  1
EOF

log "installing ${#PACKAGES[@]} packages"
in_root apt-get update -qq >"$WORK/apt.log" 2>&1 ||
  { tail -n 30 "$WORK/apt.log" >&2; die "apt-get update failed"; }
in_root apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold \
  "${PACKAGES[@]}" >>"$WORK/apt.log" 2>&1 ||
  { tail -n 40 "$WORK/apt.log" >&2; die "package installation failed"; }

# --- Services: networkd for DHCP; tuned installed but off (the VM starts untuned);
#     nothing that wakes up to reach the network, which the VM does not have.
in_root systemctl enable systemd-networkd.service >/dev/null 2>&1
in_root systemctl disable tuned.service >/dev/null 2>&1
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service; do
  if [[ -e $ROOT/lib/systemd/system/$unit ]]; then in_root systemctl disable "$unit" >/dev/null 2>&1; fi
done
rm -f "$ROOT/etc/tuned/active_profile" "$ROOT/etc/tuned/profile_mode"
# QEMU's user-mode network serves DNS on 10.0.2.3; the build host's resolver stays out.
printf 'nameserver 10.0.2.3\n' >"$ROOT/etc/resolv.conf"

# --- Access: root by key only, no password (root's password stays locked).
install -d -m 0700 "$ROOT/root/.ssh"
install -m 0600 "$KEY.pub" "$ROOT/root/.ssh/authorized_keys"
in_root passwd -l root >/dev/null
# Fresh host keys for this image; the host side pins them under one alias.
rm -f "$ROOT"/etc/ssh/ssh_host_*
in_root ssh-keygen -A >/dev/null
printf '%s %s\n' "$HOST_KEY_ALIAS" "$(cut -d' ' -f1,2 "$ROOT/etc/ssh/ssh_host_ed25519_key.pub")" \
  >"$WORK/known_hosts"
# Each VM gets its own machine-id at first boot.
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/var/lib/dbus/machine-id"

# --- Boot loader: GRUB in the MBR of the loop device, grub.cfg from the config above.
#     Later GRUB package upgrades inside the VM install to its virtio disk.
log "installing GRUB"
in_root grub-install --target=i386-pc "$LOOP" >>"$WORK/apt.log" 2>&1 ||
  { tail -n 20 "$WORK/apt.log" >&2; die "grub-install failed"; }
in_root update-grub >>"$WORK/apt.log" 2>&1 || { tail -n 20 "$WORK/apt.log" >&2; die "update-grub failed"; }
grep -q "root=UUID=$ROOT_UUID" "$ROOT/boot/grub/grub.cfg" || die "grub.cfg does not boot UUID=$ROOT_UUID"
echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | in_root debconf-set-selections

rm -f "$ROOT/usr/sbin/policy-rc.d"
for ((i = ${#mounts[@]} - 1; i >= 1; i--)); do umount "${mounts[i]}"; done
mounts=("${mounts[0]}")
rm -rf "$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/var/log/apt/* "$ROOT/var/cache/debconf/"*-old
fstrim "$ROOT" >/dev/null 2>&1 || true # give freed blocks back, so they are not copied
umount "$ROOT"
mounts=()
e2fsck -fy "${LOOP}p1" >/dev/null 2>&1 || [[ $? -eq 1 ]] || die "e2fsck found errors"
partx -d "$LOOP" 2>/dev/null || true
losetup -d "$LOOP"
LOOP=""

log "converting to qcow2"
qemu-img convert -c -O qcow2 -o compression_type=zstd "$RAW" "$WORK/image.qcow2"
mv -f "$WORK/image.qcow2" "$IMAGE"
mv -f "$WORK/known_hosts" "$KNOWN_HOSTS"
printf '%s\n' "$hash" >"$INPUTS_FILE"
log "done: $IMAGE ($(du -h "$IMAGE" | cut -f1)) in $((SECONDS - start_time)) s"
