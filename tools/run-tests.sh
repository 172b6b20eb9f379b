#!/usr/bin/env bash
# Run the test suite, or one part of it: lint | ansible-doc | sanity | unit | ansible-oldest | ansible-newest |
# integration | terraform | engine | molecule | molecule-kernel | lab | all. Prints each stage's wall time at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$PWD/ansible.cfg"
export CONTAINERS_CONF="$PWD/molecule/containers.conf"
export MOLECULE_GLOB='molecule/*/molecule.yml'
tools/check-programs.sh  # every declared program (tools/required-programs.tsv) is there, or stop now

# Each stage's output is also kept in .cache/test-logs/STAGE.log: when a stage fails, the lines
# that say why (pytest's FAILED/E lines, Ansible's fatal: lines) are repeated at the very end,
# where a CI log's tail shows them.
LOG_DIR="$PWD/.cache/test-logs"
mkdir -p "$LOG_DIR"
declare -a timings=()
stage() {  # stage NAME COMMAND...
  local name=$1; shift
  local start=$SECONDS log rc
  log="$LOG_DIR/${name//[^A-Za-z0-9_.-]/-}.log"
  echo "==> $name"
  set +e
  (set -e; "$@") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  timings+=("$(printf '%-14s %5ss' "$name" $((SECONDS - start)))")
  if ((rc != 0)); then
    failure_digest "$name" "$rc" "$log"
    exit "$rc"
  fi
}

# A stage that runs in the background while the foreground stages go on (the machine has two
# cores and the pytest stages use one): its output goes to its log and is shown when it is
# awaited; a failure stops the run then.
declare -A bg_pids=() bg_starts=()
stage_bg() {  # stage_bg NAME COMMAND...
  local name=$1; shift
  local log="$LOG_DIR/${name//[^A-Za-z0-9_.-]/-}.log"
  echo "==> $name (in the background; its output follows when it ends)"
  (set -e; "$@") >"$log" 2>&1 &
  bg_pids[$name]=$!
  bg_starts[$name]=$SECONDS
}
stage_wait() {  # stage_wait NAME
  local name=$1 rc=0
  local log="$LOG_DIR/${name//[^A-Za-z0-9_.-]/-}.log"
  wait "${bg_pids[$name]}" || rc=$?
  echo "==> $name (background) output:"
  cat "$log"
  timings+=("$(printf '%-14s %5ss (background)' "$name" $((SECONDS - bg_starts[$name])))")
  if ((rc != 0)); then
    failure_digest "$name" "$rc" "$log"
    exit "$rc"
  fi
}
# A failing foreground stage exits the script: stop a background stage with it. SIGINT, so that
# pytest runs its fixtures' teardown (moto servers stopped, applied environments destroyed).
stop_background() {
  local name pid
  for name in "${!bg_pids[@]}"; do
    pid=${bg_pids[$name]}
    kill -0 "$pid" 2>/dev/null || continue
    echo "==> stopping background stage $name"
    pkill -INT -P "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_background EXIT

print_timings() {
  echo "==> stage timings"
  printf '%s\n' "${timings[@]}"
}

failure_digest() {  # failure_digest STAGE RC LOG
  print_timings
  echo "==> FAILED: stage $1 (exit $2); full output in $3"
  echo "==> why (pytest FAILED/ERROR and E lines, Ansible fatal/failed lines, from that output):"
  grep -a -E '^(FAILED|ERROR) |^E   |fatal: \[|^failed: \[|FAILED! =>|^[A-Za-z]*Error: |ERROR   ' "$3" \
    | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-400 | tail -n 80 || true
}

lint() {
  ruff check .
  ruff format --check plugins tests tools benchmarks molecule lambda $( [[ -d engine ]] && echo engine )
  yamllint -s .
  ansible-lint --offline -q
  # A change under plugins/ or roles/ needs a changelog fragment; antsibull-changelog lint.
  tools/check-changelog.sh
  # checkov runs in the terraform stage (tests/terraform): on the source, with a written reason for
  # every skip, and on each environment's plan JSON; zero failed checks.
}

ansible_doc() {
  local modules
  modules=$(find plugins/modules -name '*.py' ! -name '__init__.py' -printf '%f\n' | sed 's/\.py$//' | sort)
  for m in $modules; do
    ansible-doc -t module "lowlat.trading.$m" >/dev/null
    echo "ansible-doc ok: lowlat.trading.$m"
  done
  ansible-doc -t inventory lowlat.trading.lowlat_ec2 >/dev/null
  echo "ansible-doc ok: inventory lowlat.trading.lowlat_ec2"
  ansible-doc -t lookup lowlat.trading.python_zipapp >/dev/null
  echo "ansible-doc ok: lookup lowlat.trading.python_zipapp"
  local filters
  filters=$(find plugins/filter -name '*.yml' -printf 'lowlat.trading.%f\n' | sed 's/\.yml$//' | sort)
  # shellcheck disable=SC2086  # one ansible-doc call for every filter
  ansible-doc -t filter $filters >/dev/null
  echo "ansible-doc ok: filters $(echo $filters | wc -w)"
}

has_tests() { find "$1" -name 'test_*.py' 2>/dev/null | grep -q .; }
unit() { pytest -q tests/unit "${PYTEST_ARGS[@]}"; }
integration() { pytest -q tests/integration "${PYTEST_ARGS[@]}"; }
# fmt, validate, every module's `terraform test`, the source checks and checkov, and plan, apply
# and destroy of every environment against moto on 127.0.0.1 (tools/tf.sh).
terraform_tests() { pytest -q tests/terraform --ignore=tests/terraform/test_emulator_dr.py "${PYTEST_ARGS[@]}"; }
# prod-with-dr (two regions and the DR drill) on its own moto server: a stage of its own, so it runs
# next to the other Terraform tests instead of after them.
terraform_dr() { pytest -q tests/terraform/test_emulator_dr.py "${PYTEST_ARGS[@]}"; }
engine() { pytest -q engine/tests "${PYTEST_ARGS[@]}"; }
# The lab smoke test brings the whole lab up (tools/lab.sh up), checks it and tears it down.
lab_smoke() { pytest -q -s tests/lab "${PYTEST_ARGS[@]}"; }

# The QEMU `kernel` scenario (real kernel, reboot through GRUB). Once in the CI runs so far, the
# guest froze during its second boot under TCG (serial console silent from 24 s into the boot,
# SSH never back): that one fault, the reboot timing out, runs the scenario once more on a fresh
# VM, after showing the console's last lines. Boot arguments the kernel cannot boot with fail twice.
molecule_kernel() {
  local first="$LOG_DIR/molecule-kernel-first-try.log" rc
  set +e
  molecule test -s kernel 2>&1 | tee "$first"
  rc=${PIPESTATUS[0]}
  set -e
  ((rc == 0)) && return 0
  grep -q "Timed out waiting for last boot time check" "$first" || return "$rc"
  echo "==> molecule:kernel: the VM did not come back from its reboot; its serial console ended with:"
  tail -n 12 .cache/vm/run/kernel/serial.log 2>/dev/null || echo "(no serial log)"
  echo "==> molecule:kernel: once more on a fresh VM"
  molecule test -s kernel
}

# The kernel scenario takes about 12 min on a 2-core machine; LOWLAT_KERNEL_SCENARIO=0 leaves it
# out (a quicker local run, never in CI).
molecule_all() {
  local scenario
  stage base-image tools/images/build-base-image.sh
  for scenario in $(find molecule -mindepth 2 -maxdepth 2 -name molecule.yml -printf '%h\n' | xargs -n1 basename | sort); do
    if [[ $scenario == kernel && ${LOWLAT_KERNEL_SCENARIO:-1} == 0 ]]; then
      echo "==> molecule:kernel skipped (LOWLAT_KERNEL_SCENARIO=0)"
      continue
    fi
    if [[ $scenario == kernel ]]; then
      stage molecule:kernel molecule_kernel
    else
      stage "molecule:$scenario" molecule test -s "$scenario"
    fi
  done
}

read -r -a PYTEST_ARGS <<< "${PYTEST_ARGS:-}"
what=${1:-all}
case "$what" in
  lint) stage lint lint ;;
  ansible-doc) stage ansible-doc ansible_doc ;;
  sanity) stage sanity tools/sanity.sh ;;
  unit) stage unit unit ;;
  ansible-oldest) stage ansible-oldest tools/ansible-versions/run.sh oldest all ;;
  ansible-newest) stage ansible-newest tools/ansible-versions/run.sh newest all ;;
  integration)
    stage base-image tools/images/build-base-image.sh
    stage integration integration
    ;;
  terraform)
    stage terraform terraform_tests
    stage terraform-dr terraform_dr
    ;;
  engine) stage engine engine ;;
  molecule) molecule_all ;;
  molecule-kernel) stage molecule:kernel molecule_kernel ;;
  lab) stage lab lab_smoke ;;
  all)
    # The whole suite on a set-up machine: a test that would skip (image or tool missing) fails.
    export LOWLAT_STRICT_SKIPS=1
    stage_bg terraform terraform_tests
    stage lint lint
    stage ansible-doc ansible_doc
    # ansible-test sanity on the collection as galaxy builds it (tests/sanity/ignore-*.txt says why each
    # ignored finding is one).
    stage sanity tools/sanity.sh
    stage unit unit
    # prod-with-dr's apply is the largest against moto (three regions): started once the first
    # minutes' heaviest stages (ansible-lint, the sanity virtualenvs, the unit tests) are over, so
    # its emulator is not starved while it applies.
    stage_bg terraform-dr terraform_dr
    # Unit and module tests, ansible-lint and ansible-doc again on the oldest ansible-core that
    # meta/runtime.yml claims (tools/ansible-versions/oldest.txt; its venv is built once) ...
    stage ansible-oldest tools/ansible-versions/run.sh oldest all
    # ... and on the newest (2.21 with ansible 14, Python 3.13 in a locally built Debian trixie image).
    stage ansible-newest tools/ansible-versions/run.sh newest all
    # The container tests of integration need the base image: build it first (0.1 s when cached),
    # or they would skip on a fresh machine.
    stage base-image tools/images/build-base-image.sh
    if has_tests tests/integration; then stage integration integration; fi
    if has_tests engine/tests; then stage engine engine; fi
    stage_wait terraform
    stage_wait terraform-dr
    molecule_all
    stage lab lab_smoke
    ;;
  *) echo "usage: $0 lint|ansible-doc|sanity|unit|ansible-oldest|ansible-newest|integration|terraform|engine|molecule|molecule-kernel|lab|all" >&2; exit 2 ;;
esac

print_timings
