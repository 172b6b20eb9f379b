#!/usr/bin/env bash
# Run the unit/module tests, ansible-lint and the ansible-doc check under the oldest and under the
# newest supported ansible-core, each with the `ansible` package built on it.
#
#   oldest  ansible-core 2.17.x + ansible 10.x (oldest.txt): a venv on this machine's Python
#           (3.11 on Debian 12), .cache/ansible-versions/oldest/venv.
#   newest  ansible-core 2.21.x + ansible 14.x (newest.txt): they need Python >= 3.12, which
#           Debian 12 does not have. The image localhost/lowlat-ansible-newest:trixie (Debian
#           trixie minbase with Python 3.13, from debootstrap and `podman import`; nothing is
#           pulled from a container registry) runs them; its venv is built once by a container of
#           that image into .cache/ansible-versions/newest/venv. The stages run in a container
#           with no network, the repository mounted at /src as an overlay (it reads the working
#           tree, its writes are discarded) and the venv mounted read-only over /src/.venv.
#
# Each venv holds its LEVEL.txt (the ansible-core and ansible lines) and the rest of
# requirements/test.txt and the files it includes (not_installed() below says what is left out):
# a requirement the tests gain reaches both venvs.
#
# Everything is built only when missing or stale: the image carries the sha256 of its inputs
# (tools/ansible-versions/trixie.packages and the functions that build it) in the label
# lowlat.inputs; each venv records the sha256 of its generated requirement file, the function that
# installs it and its Python (the image's inputs for newest) in .lowlat-key. A second run starts
# the stages at once.
#
# Usage: tools/ansible-versions/run.sh oldest|newest unit|lint|doc|all|build
#        tools/ansible-versions/run.sh clean
#   unit    pytest -q tests/unit (plus $PYTEST_ARGS)
#   lint    ansible-lint --offline -q
#   doc     ansible-doc of every module, inventory, lookup and filter plugin of lowlat.trading;
#           a plugin fails when ansible-doc fails or prints a warning
#   all     the three stages; every stage runs, the exit status is the first failure's
#   build   only build what is missing or stale
#   clean   remove the image, both venvs and .cache/ansible-versions
# Each run's output is also kept in .cache/ansible-versions/logs/LEVEL-STAGE.log.
# Environment:
#   PYTEST_ARGS                     extra pytest arguments, as for tools/run-tests.sh
#   LOWLAT_ANSIBLE_VERSIONS_CACHE   cache directory (default: .cache/ansible-versions here)
#   CONTAINERS_CONF                 podman settings (default: molecule/containers.conf)
set -euo pipefail

readonly SUITE=trixie
readonly IMAGE=localhost/lowlat-ansible-newest:${SUITE}
readonly INPUTS_LABEL=lowlat.inputs
# In the container the newest venv is the repository's .venv: scripts that run .venv/bin/X
# (tools/check-changelog.sh) and the program scan of tests/unit/test_required_programs.py (which
# counts .venv/bin as providing programs) find there what they find in .venv on this machine.
readonly CONTAINER_VENV=/src/.venv
readonly CONTAINER_SRC=/src
readonly KEY_FILE=.lowlat-key
# Printed at the start of a run: what the venv holds.
readonly VERSIONS='
import platform
from importlib.metadata import version
names = ("ansible-core", "ansible", "ansible-lint", "pytest", "hypothesis")
print(f"Python {platform.python_version()},", ", ".join(f"{n} {version(n)}" for n in names))'

script_path=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$script_path")
repo_root=$(cd "$here/../.." && pwd)
cache_dir=${LOWLAT_ANSIBLE_VERSIONS_CACHE:-$repo_root/.cache/ansible-versions}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo_root/molecule/containers.conf}
# image_label, cleanup_build
# shellcheck source=SCRIPTDIR/../images/lib.sh
source "$here/../images/lib.sh"

log() { printf '[ansible-versions] %s\n' "$*" >&2; }
die() { printf '[ansible-versions] ERROR: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$script_path"; }
sha() { sha256sum | cut -d' ' -f1; }
now() { printf '%s\n' "${EPOCHREALTIME/[.,]/}"; }  # microseconds
since() { local d=$(($(now) - $1)); printf '%d.%01ds' $((d / 1000000)) $((d % 1000000 / 100000)); }

# ---- the stages (run on this machine for oldest, inside the container for newest) -----------
# They expect the venv's bin/ first on PATH and the repository as the working directory.

stage_unit() {
  local -a extra=()
  read -r -a extra <<<"${PYTEST_ARGS:-}"
  # No cache provider: the last-failed list of one ansible-core must not steer another's run.
  pytest -q -p no:cacheprovider tests/unit "${extra[@]}"
}

stage_lint() { ansible-lint --offline -q; }

plugin_names() {  # plugin_names DIR SUFFIX: the plugin names in DIR (files NAME.SUFFIX)
  [[ -d $1 ]] || return 0
  find "$1" -maxdepth 1 -name "*.$2" ! -name '__init__.py' -printf '%f\n' | sed "s/\.$2\$//" | sort
}

# The cryptography package (paramiko, through ansible-core's ssh agent module) warns on import that
# DSA keys are deprecated: Python's warning, not ansible-doc's, so not counted as one.
without_crypto_notice() {
  printf '%s\n' "$1" | grep -v -e 'CryptographyDeprecationWarning: DSA is deprecated' \
    -e '^  from cryptography.hazmat.primitives.asymmetric.dsa import (' | grep -v '^$' || true
}

stage_doc() {
  local type dir suffix name err failed=0 count=0
  for type in module:plugins/modules:py inventory:plugins/inventory:py lookup:plugins/lookup:py \
    filter:plugins/filter:yml; do
    IFS=: read -r type dir suffix <<<"$type"
    for name in $(plugin_names "$dir" "$suffix"); do
      count=$((count + 1))
      if ! err=$(ansible-doc -t "$type" "lowlat.trading.$name" 2>&1 >/dev/null); then
        printf 'ansible-doc FAILED: %s lowlat.trading.%s\n%s\n' "$type" "$name" "$err"
        failed=$((failed + 1))
      elif [[ -n $(without_crypto_notice "$err") ]]; then
        printf 'ansible-doc WARNED: %s lowlat.trading.%s\n%s\n' "$type" "$name" "$err"
        failed=$((failed + 1))
      else
        printf 'ansible-doc ok: %s lowlat.trading.%s\n' "$type" "$name"
      fi
    done
  done
  ((count > 0)) || { echo "ansible-doc: no plugins found under plugins/"; return 1; }
  ((failed == 0)) || { echo "ansible-doc: $failed of $count plugins failed or warned"; return 1; }
  echo "ansible-doc: all $count plugins documented cleanly"
}

# run_stages LEVEL STAGE: in the current environment (venv on PATH, cwd = repository).
run_stages() {
  local level=$1 what=$2 stage start rc first_rc=0
  local -a stages timings=()
  case $what in
    all) stages=(unit lint doc) ;;
    *) stages=("$what") ;;
  esac
  export ANSIBLE_CONFIG=$PWD/ansible.cfg ANSIBLE_NOCOLOR=1 PY_COLORS=0
  echo "==> $level: $(python -c "$VERSIONS")"
  for stage in "${stages[@]}"; do
    echo "==> $level: $stage"
    start=$(now)
    rc=0
    "stage_$stage" || rc=$?
    timings+=("$(printf '%-7s %-5s %8s  %s' "$level" "$stage" "$(since "$start")" "$( ((rc == 0)) && echo ok || echo "FAILED (exit $rc)")")")
    ((rc == 0 || first_rc != 0)) || first_rc=$rc
  done
  echo "==> $level: stage timings"
  printf '%s\n' "${timings[@]}"
  return "$first_rc"
}

# ---- oldest: a venv on this machine's Python ---------------------------------------------------

# What goes into a venv besides the requirement files: these steps (their text is in the key).
install_venv() {  # install_venv PYTHON VENV REQUIREMENTS_FILE
  "$1" -m venv "$2"
  "$2/bin/python" -m pip install --quiet --no-input --upgrade pip
  "$2/bin/python" -m pip install --quiet --no-input -r "$3"
}

readonly PROJECT_REQUIREMENTS=requirements/test.txt

# not_installed LEVEL: the packages of requirements/test.txt its venv leaves out, between spaces.
# Both: the ansible-core and ansible lines (LEVEL.txt gives them). oldest also leaves out the tools
# of the stages that run only on .venv (integration, Molecule, Terraform) and those whose result
# does not depend on ansible-core (ruff, yamllint): on this machine .venv is there beside it. moto
# stays: the unit tests of the Lambda handler use it in-process.
# newest leaves out nothing else: in the container it is .venv.
not_installed() {
  case $1 in
    oldest) echo " ansible-core ansible molecule molecule-plugins pytest-testinfra python-hcl2 ruff yamllint " ;;
    newest) echo " ansible-core ansible " ;;
  esac
}

# project_requirements FILE EXCLUDED: its requirement lines and those of the files it includes
# (-r), without the EXCLUDED packages (" name name "); comments and blank lines dropped.
project_requirements() {
  local file=$1 excluded=$2 line name
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    line=$(printf '%s' "$line" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//')
    [[ -z $line ]] && continue
    case $line in
      -r\ * | --requirement\ *)
        project_requirements "$(dirname "$file")/${line#* }" "$excluded"
        continue
        ;;
      -*) die "$file: option line '$line' is not supported by tools/ansible-versions/run.sh" ;;
    esac
    name=$(printf '%s' "${line%%[<>=!~;[ @]*}" | tr 'A-Z_.' 'a-z--')
    [[ $excluded == *" $name "* ]] && continue
    printf '%s
' "$line"
  done <"$file"
}

# requirements_text LEVEL: the requirement file its venv is installed from.
requirements_text() {
  printf '# Generated by tools/ansible-versions/run.sh: tools/ansible-versions/%s.txt\n' "$1"
  sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$here/$1.txt"
  local excluded
  excluded=$(not_installed "$1")
  printf '# and %s (and what it includes), without:%s\n' "$PROJECT_REQUIREMENTS" "${excluded% }"
  project_requirements "$repo_root/$PROJECT_REQUIREMENTS" "$excluded"
}

# write_requirements LEVEL: write it to the cache; prints the path.
write_requirements() {
  local file=$cache_dir/$1/requirements.txt
  mkdir -p "$cache_dir/$1"
  requirements_text "$1" >"$file.tmp"
  mv "$file.tmp" "$file"
  printf '%s\n' "$file"
}

oldest_key() {
  { requirements_text oldest; declare -f install_venv; python3 -VV; } | sha
}

ensure_oldest() {
  local venv=$cache_dir/oldest/venv want
  want=$(oldest_key)
  if [[ -f $venv/$KEY_FILE && $(<"$venv/$KEY_FILE") == "$want" ]]; then
    return 0
  fi
  mkdir -p "$cache_dir/oldest"
  exec 8>"$cache_dir/oldest.lock"
  flock 8
  if [[ -f $venv/$KEY_FILE && $(<"$venv/$KEY_FILE") == "$want" ]]; then
    return 0
  fi
  log "building the oldest venv $venv (key ${want:0:12})"
  local start
  start=$(now)
  rm -rf --one-file-system "$venv"
  install_venv python3 "$venv" "$(write_requirements oldest)"
  "$venv/bin/python" -m pip check >&2 || die "pip check failed in $venv"
  printf '%s\n' "$want" >"$venv/$KEY_FILE"
  log "oldest venv built in $(since "$start")"
}

run_oldest() {  # run_oldest STAGE
  local venv=$cache_dir/oldest/venv
  cd "$repo_root"
  PATH=$venv/bin:$PATH run_stages oldest "$1"
}

# ---- newest: the trixie image and its venv -----------------------------------------------------

packages() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$here/$SUITE.packages"; }

bootstrap_rootfs() {  # bootstrap_rootfs DIR LOG
  local include
  include=$(packages | paste -sd, -)
  log "debootstrap --variant=minbase $SUITE (+ $include)"
  # No mirror argument: debootstrap's default, as tools/images/build-base-image.sh.
  debootstrap --variant=minbase --include="$include" "$SUITE" "$1" >"$2" 2>&1 || {
    tail -n 30 "$2" >&2
    die "debootstrap failed (log above)"
  }
}

# Only file edits in the tree: nothing runs inside it on this machine.
strip_rootfs() {  # strip_rootfs DIR
  local root=$1
  # podman provides these at run time; debootstrap copied this machine's.
  rm -f "$root/etc/resolv.conf" "$root/etc/hostname"
  : >"$root/etc/machine-id"
  # Package lists and caches, logs, documentation, manual pages and translations: nothing in the
  # image installs packages or reads documentation (dpkg's status file still lists every package).
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin \
    "$root"/var/log/bootstrap.log "$root"/var/log/apt/* "$root"/var/log/dpkg.log \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
}

import_image() {  # import_image DIR TAG HASH
  local root=$1 tag=$2 hash=$3
  tar --numeric-owner --xattrs --acls -C "$root" \
    --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* --exclude=./run/* -c . |
    podman import --quiet \
      --change 'CMD ["/bin/bash"]' \
      --change 'ENV LANG=C.UTF-8' \
      --change "LABEL $INPUTS_LABEL=$hash" \
      --change "LABEL org.opencontainers.image.title=lowlat-ansible-newest" \
      --change "LABEL org.opencontainers.image.description=Debian $SUITE minbase with Python for the newest ansible-core" \
      --message "tools/ansible-versions/run.sh inputs $hash" \
      - "$tag" >/dev/null
}

# Not in the key: tools/images/lib.sh, which only reads the label and cleans up after a build.
image_key() {
  { packages; echo "$SUITE"; declare -f bootstrap_rootfs strip_rootfs import_image; } | sha
}

# Cleanup of the build: runs on every exit of the script.
work_dir=""
candidate_tag=""
container=""
cleanup() {
  local rc=$?
  cleanup_build "$container" "$candidate_tag" "$work_dir"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_image() {
  local want have
  want=$(image_key)
  have=$(image_label "$IMAGE" "$INPUTS_LABEL")
  [[ $have == "$want" ]] && return 0
  [[ $(id -u) -eq 0 ]] || die "debootstrap needs root"
  mkdir -p "$cache_dir"
  exec 9>"$cache_dir/image.lock"
  flock 9
  have=$(image_label "$IMAGE" "$INPUTS_LABEL")
  [[ $have == "$want" ]] && return 0
  log "building $IMAGE (inputs ${want:0:12}, image has '${have:0:12}')"
  local start step
  start=$(now)
  work_dir=$(mktemp -d "$cache_dir/build.XXXXXX")
  step=$(now)
  bootstrap_rootfs "$work_dir/rootfs" "$work_dir/debootstrap.log"
  log "debootstrap done ($(since "$step"))"
  strip_rootfs "$work_dir/rootfs"
  candidate_tag=localhost/lowlat-ansible-newest:candidate-${want:0:12}
  step=$(now)
  import_image "$work_dir/rootfs" "$candidate_tag" "$want"
  log "import done ($(since "$step"))"
  rm -rf --one-file-system "$work_dir"
  work_dir=""
  # The image must give a Python the newest ansible-core accepts, with venv and pip.
  container=lowlat-ansible-newest-smoke-$$
  podman run --rm --name "$container" --network none "$candidate_tag" \
    python3 -c 'import ensurepip, sys, venv; assert sys.version_info >= (3, 12), sys.version' ||
    die "the new image has no usable Python >= 3.12"
  container=""
  podman tag "$candidate_tag" "$IMAGE"
  podman untag "$candidate_tag" "$candidate_tag"
  candidate_tag=""
  local id
  for id in $(podman images --quiet --filter dangling=true --filter "label=$INPUTS_LABEL" \
    --filter "label=org.opencontainers.image.title=lowlat-ansible-newest"); do
    podman image rm "$id" >/dev/null 2>&1 && log "removed previous build ${id:0:12}" || true
  done
  log "built $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec)B) in $(since "$start")"
}

newest_key() {
  { requirements_text newest; declare -f install_venv; image_key; } | sha
}

# The CA bundle this machine's pip trusts: the container's pip must trust the same (an egress proxy
# may present its own certificate). Proxy variables reach the container through podman's
# --http-proxy (on by default).
host_ca_bundle() {
  local file
  for file in "${PIP_CERT:-}" "${SSL_CERT_FILE:-}" "${REQUESTS_CA_BUNDLE:-}" /etc/ssl/certs/ca-certificates.crt; do
    [[ -n $file && -r $file ]] && { printf '%s\n' "$file"; return 0; }
  done
  return 1
}

ensure_newest() {
  ensure_image
  local venv=$cache_dir/newest/venv want
  want=$(newest_key)
  if [[ -f $venv/$KEY_FILE && $(<"$venv/$KEY_FILE") == "$want" ]]; then
    return 0
  fi
  exec 7>"$cache_dir/newest.lock"
  flock 7
  if [[ -f $venv/$KEY_FILE && $(<"$venv/$KEY_FILE") == "$want" ]]; then
    return 0
  fi
  log "building the newest venv $venv in $IMAGE (key ${want:0:12})"
  local start ca
  start=$(now)
  ca=$(host_ca_bundle) || die "no CA bundle found for pip (set PIP_CERT)"
  write_requirements newest >/dev/null
  rm -rf --one-file-system "$venv"
  mkdir -p "$venv" "$cache_dir/newest/pip-cache"
  local -a env_args=(-e PIP_CERT=/run/lowlat-host-ca.crt -e PIP_DISABLE_PIP_VERSION_CHECK=1)
  local var
  for var in PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_DEFAULT_TIMEOUT PIP_RETRIES; do
    [[ -n ${!var:-} ]] && env_args+=(-e "$var")
  done
  container=lowlat-ansible-newest-build-$$
  podman run --rm --name "$container" \
    -v "$repo_root:$CONTAINER_SRC:O" \
    -v "$venv:$CONTAINER_VENV" \
    -v "$cache_dir/newest/requirements.txt:/run/lowlat-requirements.txt:ro" \
    -v "$cache_dir/newest/pip-cache:/root/.cache/pip" \
    -v "$ca:/run/lowlat-host-ca.crt:ro" \
    "${env_args[@]}" \
    "$IMAGE" "$CONTAINER_SRC/tools/ansible-versions/run.sh" --inside newest venv
  container=""
  printf '%s\n' "$want" >"$venv/$KEY_FILE"
  log "newest venv built in $(since "$start") ($(du -sh "$venv" | cut -f1))"
}

run_newest() {  # run_newest STAGE
  local venv=$cache_dir/newest/venv
  local -a env_args=()
  local var
  for var in PYTEST_ARGS LOWLAT_STRICT_SKIPS; do
    [[ -n ${!var:-} ]] && env_args+=(-e "$var")
  done
  # --network none: the stages need no network (loopback still works). The overlay mount (:O)
  # shows the working tree as it is and throws away what the run writes (caches, .ansible/). /tmp
  # in memory: pytest's fixture trees (tens of thousands of files) are gone with the container at
  # once instead of costing podman ~20 s to delete (exec: tests run what they write there).
  local rc=0
  podman run --rm --name "lowlat-ansible-newest-run-$$" --network none \
    --tmpfs /tmp:rw,exec,nosuid,nodev,mode=1777 \
    -v "$repo_root:$CONTAINER_SRC:O" \
    -v "$venv:$CONTAINER_VENV:ro" \
    -w "$CONTAINER_SRC" \
    "${env_args[@]}" \
    "$IMAGE" "$CONTAINER_SRC/tools/ansible-versions/run.sh" --inside newest "$1" || rc=$?
  return "$rc"
}

# ---- inside the container ----------------------------------------------------------------------

inside() {  # inside newest venv|STAGE
  case $2 in
    venv)
      install_venv python3 "$CONTAINER_VENV" /run/lowlat-requirements.txt
      "$CONTAINER_VENV/bin/python" -m pip check
      ;;
    *)
      cd "$CONTAINER_SRC"
      PATH=$CONTAINER_VENV/bin:$PATH run_stages newest "$2"
      ;;
  esac
}

# ---- main --------------------------------------------------------------------------------------

clean() {
  podman image rm --force "$IMAGE" >/dev/null 2>&1 && log "removed $IMAGE" || true
  rm -rf --one-file-system "$cache_dir"
  log "removed $cache_dir"
}

main() {
  if [[ ${1:-} == --inside ]]; then
    trap - EXIT
    inside "$2" "$3"
    return
  fi
  case ${1:-} in
    -h | --help) usage; return 0 ;;
    clean) clean; return 0 ;;
    oldest | newest) ;;
    *) usage >&2; return 2 ;;
  esac
  local level=$1 what=${2:-all}
  case $what in
    unit | lint | doc | all | build) ;;
    *) usage >&2; return 2 ;;
  esac
  local start
  start=$(now)
  "ensure_$level"
  log "$level ready ($(since "$start"))"
  [[ $what == build ]] && return 0
  mkdir -p "$cache_dir/logs"
  local logfile=$cache_dir/logs/$level-$what.log rc=0
  # run_newest runs in the subshell of the pipe: name its container here, so that the cleanup of
  # an interrupted run removes it.
  [[ $level == newest ]] && container=lowlat-ansible-newest-run-$$
  set +e
  ("run_$level" "$what") 2>&1 | tee "$logfile"
  rc=${PIPESTATUS[0]}
  set -e
  container=""
  log "$level $what: exit $rc in $(since "$start") (log: $logfile)"
  return "$rc"
}

main "$@"
