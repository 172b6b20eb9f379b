# shellcheck shell=bash
# Shell functions shared by the scripts that build podman images from debootstrap:
# tools/images/build-base-image.sh and tools/ansible-versions/run.sh. Sourced, not run; it sets
# no options (the scripts run with `set -euo pipefail`) and defines nothing but functions.
#
# build-base-image.sh hashes this file with its own text into its image's inputs label. Nothing
# here decides an image's content: run.sh's image key (the functions that build its image) does
# not include it.

# image_label IMAGE LABEL: the value of label LABEL on IMAGE, or "none" (no image, or no label).
image_label() {
  local label
  label=$(podman image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null) || label=""
  [[ $label == "<no value>" ]] && label=""
  printf '%s\n' "${label:-none}"
}

# unmount_below DIR: unmount every mount point below DIR, deepest first. debootstrap mounts /proc,
# /sys and /dev/pts in its target and may leave them mounted when it is interrupted.
unmount_below() {
  awk -v dir="$1/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mount_point; do umount -l "$mount_point" || true; done
}

# cleanup_build CONTAINER TAG DIR: what an interrupted or failed build leaves behind. Removes the
# container CONTAINER, the image tag TAG and the work directory DIR (after unmount_below: rm never
# crosses into another file system); an empty argument (or a missing DIR) is skipped.
cleanup_build() {
  local container=$1 tag=$2 dir=$3
  if [[ -n $container ]]; then
    podman rm --force --time 0 "$container" >/dev/null 2>&1 || true
  fi
  if [[ -n $tag ]]; then
    podman image rm "$tag" >/dev/null 2>&1 || true
  fi
  if [[ -n $dir && -d $dir ]]; then
    unmount_below "$dir"
    rm -rf --one-file-system "$dir"
  fi
}
