#!/usr/bin/env bash
# The local lab: podman systemd containers standing in for c5n hosts, provisioned end to end with
# the real playbooks (playbooks/site.yml), then audited.
#
#   tools/lab.sh up      build/reuse the image, start the hosts, converge, print summary + audit
#   tools/lab.sh down    remove the lab hosts
#   tools/lab.sh hosts   start and register the hosts, build the artifact, no converge (benchmarks)
#
# Hosts: two engine hosts (c5n.9xlarge and c5n.18xlarge shapes), a feed host running the feed
# simulator, a venue host running the venue simulator and a monitoring host (Prometheus,
# Alertmanager, Grafana dashboards), all on podman's default network.
#
# Discovery is real: a moto EC2 API on 127.0.0.1:5555 (tools/moto_lab.py) holds one instance per
# container with the tags Terraform sets and the container's address as its private IP, and
# inventories/lab/lab.lowlat_ec2.yml finds them through the lowlat_ec2 inventory plugin.
#
# After the converge the script waits until Prometheus has scraped tick-to-trade latency from
# every engine, then prints the audit summary, the p99 read from Prometheus and the local URLs
# (published on 127.0.0.1 only).
#
# Each host presents a generated fixture /proc and /sys tree (tools/lowlat_testbed/topology_fixtures.py)
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
# name:instance type:lowlat role. Engine hosts present a generated fixture tree of their instance type.
HOSTS=(
  "lowlat-lab-engine-1:c5n.9xlarge:engine"
  "lowlat-lab-engine-2:c5n.18xlarge:engine"
  "lowlat-lab-feed-1:c5n.xlarge:feed"
  "lowlat-lab-venue-1:c5n.xlarge:venue"
  "lowlat-lab-mon-1:m5.large:monitoring"
)
PROMETHEUS_PORT=${LOWLAT_LAB_PROMETHEUS_PORT:-19090}
ALERTMANAGER_PORT=${LOWLAT_LAB_ALERTMANAGER_PORT:-19093}
# Seconds to wait for every engine's latency to reach Prometheus after the converge.
METRICS_WAIT=${LOWLAT_LAB_METRICS_WAIT:-300}
INVENTORY=inventories/lab
MOTO_PORT=5555
STATE=.cache/lab

log() { printf '[lab] %s\n' "$*"; }

start_host() {  # start_host NAME SHAPE ROLE
  local name=$1 shape=$2 role=$3
  local -a publish=()
  if [[ $role == monitoring ]]; then
    publish=(-p "127.0.0.1:$PROMETHEUS_PORT:9090" -p "127.0.0.1:$ALERTMANAGER_PORT:9093")
  fi
  if [[ $(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null) == true ]]; then
    log "$name already running"
  else
    podman rm -f "$name" >/dev/null 2>&1 || true
    podman run -d --name "$name" --hostname "$name" --systemd=always \
      --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "${publish[@]}" \
      --label lowlat.lab=1 "$IMAGE" /sbin/init >/dev/null
    log "$name started"
  fi
  if [[ $role == engine ]]; then
    local tree="$repo/.cache/lab/fixtures/$shape"
    if [[ ! -f "$tree/lowlat-fixture" ]]; then
      python3 tools/lowlat_testbed/topology_fixtures.py "$shape" "$tree" >/dev/null
    fi
    if ! podman exec "$name" test -f "/opt/lowlat-fixture/$shape/lowlat-fixture"; then
      podman exec "$name" mkdir -p /opt/lowlat-fixture
      podman cp "$tree" "$name:/opt/lowlat-fixture/$shape"
    fi
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
  local entry name
  local -a described=()
  for entry in "${HOSTS[@]}"; do
    name=${entry%%:*}
    described+=("$entry:$(podman inspect -f '{{.NetworkSettings.IPAddress}}' "$name")")
  done
  python3 - "$STATE/hosts.json" "${described[@]}" <<'PY'
import json, sys
out, entries = sys.argv[1], sys.argv[2:]
hosts = []
for entry in entries:
    container, instance_type, role, address = entry.split(":")
    hosts.append({"container": container, "role": role, "env": "lab", "cluster": "lab",
                  "instance_type": instance_type, "zone": "us-east-1a", "private_ip": address})
json.dump({"hosts": hosts}, open(out, "w"), indent=2)
PY
  python3 tools/moto_lab.py register --port "$MOTO_PORT" --state-dir "$STATE" --hosts-file "$STATE/hosts.json"
  ansible-inventory -i "$INVENTORY" --graph
}

# The reference engine's wheel (the artifact the trading_engine role deploys), rebuilt when engine/
# changes, and the lab's extra vars naming it with its sha256.
build_artifact() {
  local stamp wheel dist=$STATE/dist
  stamp=$( (cat engine/pyproject.toml; find engine/src -name '*.py' -print0 | sort -z | xargs -0 cat) | sha256sum | cut -c1-16)
  if [[ ! -f $dist/.stamp || $(cat "$dist/.stamp") != "$stamp" ]]; then
    rm -rf "$dist"
    mkdir -p "$dist"
    pip wheel -q --no-deps -w "$dist" ./engine
    echo "$stamp" > "$dist/.stamp"
  fi
  wheel=$(ls "$dist"/*.whl)
  cat > "$STATE/lab-vars.yml" <<EOF
---
# Written by tools/lab.sh: the engine artifact the lab deploys.
trading_engine_artifact: $repo/$wheel
trading_engine_artifact_sha256: $(sha256sum "$wheel" | cut -d' ' -f1)
EOF
  log "engine artifact $(basename "$wheel")"
}

# Hosts started, registered in moto and the artifact built: everything but the converge.
hosts() {
  tools/check-programs.sh
  tools/images/build-base-image.sh
  mkdir -p "$STATE"
  local entry rest
  for entry in "${HOSTS[@]}"; do
    rest=${entry#*:}
    start_host "${entry%%:*}" "${rest%%:*}" "${rest##*:}"
  done
  register_instances
  build_artifact
}

up() {
  local t0=$SECONDS
  hosts
  local t1=$SECONDS
  log "converging with playbooks/site.yml"
  ansible-playbook -i "$INVENTORY" -e "@$STATE/lab-vars.yml" playbooks/site.yml | tee "$STATE/converge.log"
  local t2=$SECONDS
  python3 tools/lab_summary.py "$LOWLAT_AUDIT_DIR" \
    --prometheus "http://127.0.0.1:$PROMETHEUS_PORT" --alertmanager "http://127.0.0.1:$ALERTMANAGER_PORT" \
    --engines "$(printf '%s\n' "${HOSTS[@]}" | grep -c ':engine$')" --wait "$METRICS_WAIT"
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
  # Facts cached for the lab's hosts (ansible.cfg: smart gathering, an hour's cache) describe containers
  # that are gone: new ones get other addresses, and a stale cache would be believed for the hour.
  rm -f "$repo"/.cache/facts/*lowlat-lab-*
}

case "${1:-}" in
  up) up ;;
  hosts) hosts ;;
  down) down ;;
  *) echo "usage: $0 up|hosts|down" >&2; exit 2 ;;
esac
