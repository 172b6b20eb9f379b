#!/usr/bin/env bash
# Build the local podman image localhost/lowlat-debian:bookworm for the Molecule scenarios and
# the lab. Nothing is pulled from a container registry: the root filesystem comes from
# debootstrap (Debian's packages, default mirror) and is imported with `podman import`.
#
# The image is rebuilt only when its inputs change. The inputs are this script, the functions it
# sources (tools/images/lib.sh) and the package list (tools/images/bookworm.packages); their
# sha256 is stored in the image label `lowlat.inputs` and compared with `podman image inspect` on
# every run.
#
# A new image is booted once (systemd as PID 1) before it gets its tag: it must reach
# `running`, and no unit may fail. A broken build never replaces a working image.
#
# Usage: tools/images/build-base-image.sh [--force] [--check]
#   --force   rebuild even if the image is up to date
#   --check   only report: exit 0 if the image is up to date, 1 if it would be (re)built
# Environment:
#   CONTAINERS_CONF      podman settings (default: molecule/containers.conf of this repository)
#   LOWLAT_IMAGE_CACHE   work directory, emptied after each build (default: .cache/images here)
set -euo pipefail

readonly SUITE=bookworm
readonly IMAGE=localhost/lowlat-debian:${SUITE}
readonly INPUTS_LABEL=lowlat.inputs
# Units masked in the image (a link to /dev/null, what `systemctl mask` writes).
# No unit fails in these containers without masking: the units that cannot work there
# (systemd-udevd, systemd-sysctl, systemd-modules-load, chrony, irqbalance, getty@tty1,
# systemd-firstboot, ...) are skipped by their own Condition*= lines. Masked here is what
# would make tests flaky: apt's timers start apt-get at random times and take the dpkg lock
# that converge needs.
readonly MASKED_UNITS=(
  apt-daily.timer
  apt-daily-upgrade.timer
)

script_path=$(readlink -f "${BASH_SOURCE[0]}")
images_dir=$(dirname "$script_path")
repo_root=$(cd "$images_dir/../.." && pwd)
packages_file=$images_dir/$SUITE.packages
cache_dir=${LOWLAT_IMAGE_CACHE:-$repo_root/.cache/images}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo_root/molecule/containers.conf}
# image_label, cleanup_build
# shellcheck source=SCRIPTDIR/lib.sh
source "$images_dir/lib.sh"

log() { printf '[build-base-image] %s\n' "$*"; }
die() { printf '[build-base-image] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$script_path"; }

# Package names from the package list, without comments and blank lines.
packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$packages_file"; }

# sha256 over everything that decides the image's content.
inputs_hash() { cat "$script_path" "$images_dir/lib.sh" "$packages_file" | sha256sum | cut -d' ' -f1; }

# The inputs hash the current image was built from, or "none" (no image, or no label).
image_inputs_label() { image_label "$IMAGE" "$INPUTS_LABEL"; }

# ---- cleanup: runs on every exit, also after a failure or Ctrl-C -------------------------
work_dir=""
smoke_container=""
candidate_tag=""
cleanup() {
  local rc=$?
  # The smoke test's container, the candidate tag of a build that failed before it got the final
  # tag, and the work directory (debootstrap's mounts below it unmounted first).
  cleanup_build "$smoke_container" "$candidate_tag" "$work_dir"
  exit "$rc"
}

# ---- the steps -----------------------------------------------------------------------------
bootstrap_rootfs() {  # bootstrap_rootfs DIR
  local include
  include=$(packages | paste -sd, -)
  log "debootstrap --variant=minbase $SUITE (+ $include)"
  # No mirror argument: debootstrap uses its default. (A --cache-dir for the .deb files was
  # measured: it saves nothing noticeable, unpacking and configuring dominate.)
  debootstrap --variant=minbase --include="$include" "$SUITE" "$1" \
    >"$work_dir/debootstrap.log" 2>&1 || {
    tail -n 30 "$work_dir/debootstrap.log" >&2
    die "debootstrap failed (log above)"
  }
}

# Prepare the tree for systemd as PID 1 in a container. Only file edits: nothing runs inside
# the tree, so no daemon can start on this machine.
configure_rootfs() {  # configure_rootfs DIR
  local root=$1 unit
  log "configure the root filesystem for a systemd container"

  # Every container must get its own machine ID. An empty /etc/machine-id makes systemd
  # generate one at boot (podman passes the container ID) without "first boot" semantics
  # (systemd-firstboot stays inactive). debootstrap's systemd generated a real ID: drop it.
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  ln -s /etc/machine-id "$root/var/lib/dbus/machine-id"

  # podman provides /etc/hostname, /etc/hosts and /etc/resolv.conf at run time; debootstrap
  # copied this machine's files: do not bake them into the image.
  rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"

  # Locale-independent: C.UTF-8 is built into glibc, no locales package needed.
  printf 'LANG=C.UTF-8\n' >"$root/etc/default/locale"

  for unit in "${MASKED_UNITS[@]}"; do
    ln -sfn /dev/null "$root/etc/systemd/system/$unit"
  done

  # No policy-rc.d is left in the image (debootstrap used one while installing and removed
  # it): in the containers systemd is PID 1, so packages installed during converge start their
  # services exactly as on a real host.

  # Smaller image, no stale state: package lists (as in Debian's official images; installed
  # packages stay known to apt and ansible.builtin.apt through dpkg's status file, and a role
  # that installs something new runs `apt-get update` first), package caches, build logs.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/log/bootstrap.log "$root"/var/log/apt/* "$root"/var/log/dpkg.log
}

import_image() {  # import_image DIR TAG HASH
  local root=$1 tag=$2 hash=$3
  log "podman import -> $tag"
  # /dev, /proc, /sys and /run are provided by podman at run time: keep only the directories.
  tar --numeric-owner --xattrs --acls -C "$root" \
    --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* --exclude=./run/* \
    -c . |
    podman import --quiet \
      --change 'CMD ["/sbin/init"]' \
      --change 'STOPSIGNAL SIGRTMIN+3' \
      --change "LABEL $INPUTS_LABEL=$hash" \
      --change "LABEL org.opencontainers.image.title=lowlat-debian" \
      --change "LABEL org.opencontainers.image.description=Debian $SUITE minbase with systemd for lowlat tests" \
      --message "tools/images/build-base-image.sh inputs $hash" \
      - "$tag" >/dev/null
}

# Print the container's final systemd state (running, degraded, ...) once boot is over, or
# the last state seen when the time runs out. Right after `podman run`, systemctl cannot reach
# PID 1 yet and prints "offline" or nothing: keep asking.
wait_for_systemd() {  # wait_for_systemd CONTAINER SECONDS
  local container=$1 deadline=$((SECONDS + $2)) state=""
  while ((SECONDS < deadline)); do
    state=$(podman exec "$container" systemctl is-system-running 2>/dev/null) || true
    case $state in
      running | degraded | maintenance | stopping) break ;;
    esac
    sleep 0.5
  done
  printf '%s\n' "$state"
}

# Boot the image with systemd as PID 1, as Molecule does, and require a clean `running` state.
smoke_test() {  # smoke_test TAG
  local tag=$1 state failed
  smoke_container=lowlat-image-smoke-$$
  log "smoke test: boot $tag as $smoke_container"
  podman run -d --name "$smoke_container" --network none --systemd=always "$tag" /sbin/init >/dev/null
  state=$(wait_for_systemd "$smoke_container" 90)
  failed=$(podman exec "$smoke_container" systemctl list-units --failed --plain --no-legend 2>/dev/null || true)
  if [[ $state != running ]]; then
    log "systemd state: ${state:-unknown}; failed units: ${failed:-(none listed)}"
    podman logs --tail 40 "$smoke_container" >&2 || true
    die "the new image does not boot cleanly"
  fi
  [[ $(podman exec "$smoke_container" cat /proc/1/comm) == systemd ]] || die "PID 1 is not systemd"
  podman exec "$smoke_container" python3 -c 'import apt' || die "python3-apt missing"
  log "smoke test passed: systemd state '$state', no failed units"
  podman rm --force --time 0 "$smoke_container" >/dev/null
  smoke_container=""
}

# Earlier builds lose their tag when a new one is tagged. Remove those untagged builds (only
# images carrying our label), except the ones a container still runs from.
remove_old_builds() {
  local id
  for id in $(podman images --quiet --filter dangling=true --filter "label=$INPUTS_LABEL"); do
    if podman image rm "$id" >/dev/null 2>&1; then
      log "removed previous build ${id:0:12}"
    else
      log "previous build ${id:0:12} is still used by a container; kept"
    fi
  done
}

main() {
  local force=false check_only=false arg
  for arg in "$@"; do
    case $arg in
      --force) force=true ;;
      --check) check_only=true ;;
      -h | --help) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
  done

  local start=$SECONDS want have
  want=$(inputs_hash)
  have=$(image_inputs_label)
  if ! $force && [[ $have == "$want" ]]; then
    log "$IMAGE is up to date (inputs ${want:0:12}); nothing to do (${SECONDS}s)"
    return 0
  fi
  if $check_only; then
    log "$IMAGE needs a build (inputs ${want:0:12}, image has '${have:0:12}')"
    return 1
  fi
  [[ $(id -u) -eq 0 ]] || die "debootstrap needs root"
  command -v debootstrap >/dev/null || die "debootstrap is missing: run tools/install-system-deps.sh"

  # One build at a time; a second caller waits, then finds the image up to date.
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/build.lock"
  flock 9
  have=$(image_inputs_label)
  if ! $force && [[ $have == "$want" ]]; then
    log "$IMAGE was built by a concurrent run; nothing to do (${SECONDS}s)"
    return 0
  fi

  log "building $IMAGE (inputs ${want:0:12}, image has '${have:0:12}')"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  work_dir=$(mktemp -d "$cache_dir/build.XXXXXX")
  local root=$work_dir/rootfs step

  step=$SECONDS; bootstrap_rootfs "$root"; log "debootstrap done ($((SECONDS - step))s)"
  configure_rootfs "$root"
  candidate_tag=localhost/lowlat-debian:candidate-${want:0:12}
  step=$SECONDS; import_image "$root" "$candidate_tag" "$want"; log "import done ($((SECONDS - step))s)"
  rm -rf --one-file-system "$root"
  step=$SECONDS; smoke_test "$candidate_tag"; log "smoke test done ($((SECONDS - step))s)"

  podman tag "$candidate_tag" "$IMAGE"
  podman untag "$candidate_tag" "$candidate_tag"  # with no name given, untag drops every tag
  candidate_tag=""
  remove_old_builds
  log "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec)B) in $((SECONDS - start))s"
}

main "$@"
