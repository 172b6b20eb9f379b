#!/usr/bin/env bash
# The local lab: podman systemd containers standing in for c5n hosts, provisioned end to end with
# the real playbooks (playbooks/site.yml), then audited.
#
#   tools/lab.sh up      build/reuse the image, start the hosts, converge, print summary + audit
#   tools/lab.sh down    remove the lab hosts
#
# Discovery is real: a moto EC2 API on 127.0.0.1:5555 (tools/moto_lab.py) holds one instance per
# container with the tags Terraform sets, and inventories/lab/lab.lowlat_ec2.yml finds them through
# the lowlat_ec2 inventory plugin.
#
# Each host presents a generated fixture /proc and /sys tree (tests/fixtures/topology_fixtures.py)
# through the plugins' root prefix, because the containers share this 2-CPU machine's kernel. The
# plan and the audit say so on every line that depends on it. No runtime kernel change is ever
# made: inside a container the roles only write persistent configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$repo/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$repo/ansible.cfg"
export CONTAINERS_CONF="$repo/molecule/containers.conf"
export LOWLAT_AUDIT_DIR="$repo/.cache/lab/audit"
# moto accepts any credentials; these fake ones keep boto3 from looking for real ones.
export AWS_ACCESS_KEY_ID=lowlat-lab AWS_SECRET_ACCESS_KEY=lowlat-lab AWS_DEFAULT_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN

IMAGE=localhost/lowlat-debian:bookworm
# name:instance type (the fixture shape the container presents is the instance type)
HOSTS=(
  "lowlat-lab-engine-1:c5n.9xlarge"
  "lowlat-lab-engine-2:c5n.18xlarge"
)
INVENTORY=inventories/lab
MOTO_PORT=5555
STATE=.cache/lab

log() { printf '[lab] %s\n' "$*"; }

start_host() {  # start_host NAME SHAPE
  local name=$1 shape=$2
  if [[ $(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null) == true ]]; then
    log "$name already running"
  else
    podman rm -f "$name" >/dev/null 2>&1 || true
    podman run -d --name "$name" --hostname "$name" --systemd=always \
      --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
      --label lowlat.lab=1 "$IMAGE" /sbin/init >/dev/null
    log "$name started"
  fi
  local tree="$repo/.cache/lab/fixtures/$shape"
  if [[ ! -f "$tree/lowlat-fixture" ]]; then
    python3 tests/fixtures/topology_fixtures.py "$shape" "$tree" >/dev/null
  fi
  if ! podman exec "$name" test -f "/opt/lowlat-fixture/$shape/lowlat-fixture"; then
    podman exec "$name" mkdir -p /opt/lowlat-fixture
    podman cp "$tree" "$name:/opt/lowlat-fixture/$shape"
  fi
  for _ in $(seq 1 60); do
    state=$(podman exec "$name" systemctl is-system-running 2>/dev/null || true)
    [[ $state == running || $state == degraded ]] && return 0
    sleep 0.5
  done
  log "$name: systemd did not finish booting (state: $state)"
  return 1
}

register_instances() {
  python3 tools/moto_lab.py start --port "$MOTO_PORT" --state-dir "$STATE"
  python3 - "$STATE/hosts.json" "${HOSTS[@]}" <<'PY'
import json, sys
out, entries = sys.argv[1], sys.argv[2:]
hosts = [{"container": e.split(":")[0], "role": "engine", "env": "lab", "cluster": "lab",
          "instance_type": e.split(":")[1], "zone": "us-east-1a"} for e in entries]
json.dump({"hosts": hosts}, open(out, "w"), indent=2)
PY
  python3 tools/moto_lab.py register --port "$MOTO_PORT" --state-dir "$STATE" --hosts-file "$STATE/hosts.json"
  ansible-inventory -i "$INVENTORY" --graph
}

up() {
  local t0=$SECONDS
  tools/images/build-base-image.sh
  mkdir -p .cache/lab
  for entry in "${HOSTS[@]}"; do start_host "${entry%%:*}" "${entry##*:}"; done
  register_instances
  local t1=$SECONDS
  log "converging with playbooks/site.yml"
  ansible-playbook -i "$INVENTORY" playbooks/site.yml | tee .cache/lab/converge.log
  local t2=$SECONDS
  python3 tools/lab_summary.py "$LOWLAT_AUDIT_DIR"
  log "hosts ready in $((t1 - t0))s, converge+audit in $((t2 - t1))s, total $((SECONDS - t0))s"
  log "re-run 'make lab' to converge again (idempotent), 'make lab-down' to remove the hosts"
}

down() {
  local names
  names=$(podman ps -a --filter label=lowlat.lab=1 --format '{{.Names}}')
  if [[ -n $names ]]; then
    # shellcheck disable=SC2086
    podman rm -f $names >/dev/null
    log "removed: $(echo $names)"
  else
    log "no lab hosts running"
  fi
  python3 tools/moto_lab.py stop --state-dir "$STATE" || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
