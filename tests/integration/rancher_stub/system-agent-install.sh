#!/bin/sh
# FAKE system-agent-install.sh for lowlat's tests: served by server.py in place of Rancher's script.
#
# It accepts exactly the flags of rancher/system-agent install.sh parse_args (same spellings, same
# "Unknown argument" fatal for anything else) and the same CATTLE_* environment variables, checks
# what the real script checks first (root, token, server, a role, the CA checksum against
# <server>/cacerts), then records the call, asks the stub's /v3/connect/agent with the real
# script's headers, and writes what the real script writes: /etc/rancher/agent/config.yaml and
# cattle-id, the connection info, and a rancher-system-agent unit (running /bin/sleep, not the agent),
# enabled and started.
#
# The record (/var/lib/rancher-stub/install-calls.jsonl) holds the arguments and the sha256 of
# CATTLE_TOKEN, never the token. On a refused token it prints the token on stderr ON PURPOSE, as a
# DEBUG=1 run of the real script would (set -x shows its curl command line): the test checks that
# the role masks it.

info() { echo "[INFO] " "$@"; }
fatal() { echo "[FATAL] " "$@" >&2; exit 1; }

ORIGINAL_ARGS_JSON=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' "$@")

parse_args() {
    while [ $# -gt 0 ]; do
        case "$1" in
        "-a" | "--all-roles")
            CATTLE_ROLE_CONTROLPLANE=true; CATTLE_ROLE_ETCD=true; CATTLE_ROLE_WORKER=true; shift 1 ;;
        "-p" | "--controlplane") CATTLE_ROLE_CONTROLPLANE=true; shift 1 ;;
        "-e" | "--etcd") CATTLE_ROLE_ETCD=true; shift 1 ;;
        "-w" | "--worker") CATTLE_ROLE_WORKER=true; shift 1 ;;
        "--no-roles") CATTLE_ROLE_NONE=true; shift 1 ;;
        "-n" | "--node-name") CATTLE_NODE_NAME="$2"; shift 2 ;;
        "--address") CATTLE_ADDRESS="$2"; shift 2 ;;
        "-i" | "--internal-address") CATTLE_INTERNAL_ADDRESS="$2"; shift 2 ;;
        "-l" | "--label")
            if [ -n "${CATTLE_LABELS}" ]; then CATTLE_LABELS="${CATTLE_LABELS},$2"; else CATTLE_LABELS="$2"; fi
            shift 2 ;;
        "--taint" | "--taints")
            if [ -n "${CATTLE_TAINTS}" ]; then CATTLE_TAINTS="${CATTLE_TAINTS},$2"; else CATTLE_TAINTS="$2"; fi
            shift 2 ;;
        "-s" | "--server") CATTLE_SERVER="$2"; shift 2 ;;
        "-t" | "--token") CATTLE_TOKEN="$2"; shift 2 ;;
        "-c" | "--ca-checksum") CATTLE_CA_CHECKSUM="$2"; shift 2 ;;
        *) fatal "Unknown argument passed in ($1)" ;;
        esac
    done
}

[ "$(id -u)" = 0 ] || fatal "This script must be run as root."
parse_args "$@"
[ -n "${CATTLE_TOKEN}" ] || fatal "\$CATTLE_TOKEN was not set."
[ -n "${CATTLE_SERVER}" ] || fatal "\$CATTLE_SERVER was not set"
if [ "${CATTLE_ROLE_CONTROLPLANE:-false}" = false ] && [ "${CATTLE_ROLE_ETCD:-false}" = false ] \
    && [ "${CATTLE_ROLE_WORKER:-false}" = false ] && [ "${CATTLE_ROLE_NONE:-false}" = false ]; then
    fatal "You must select at least one role."
fi

export CATTLE_SERVER CATTLE_TOKEN CATTLE_CA_CHECKSUM CATTLE_LABELS CATTLE_TAINTS CATTLE_NODE_NAME \
    CATTLE_ADDRESS CATTLE_INTERNAL_ADDRESS ORIGINAL_ARGS_JSON
export CATTLE_ROLE_ETCD="${CATTLE_ROLE_ETCD:-false}" CATTLE_ROLE_CONTROLPLANE="${CATTLE_ROLE_CONTROLPLANE:-false}"
export CATTLE_ROLE_WORKER="${CATTLE_ROLE_WORKER:-false}"
export CATTLE_AGENT_CONFIG_DIR="${CATTLE_AGENT_CONFIG_DIR:-/etc/rancher/agent}"
export CATTLE_AGENT_VAR_DIR="${CATTLE_AGENT_VAR_DIR:-/var/lib/rancher/agent}"

python3 - <<'PY' || exit $?
import hashlib, json, os, ssl, sys, tempfile, urllib.request

env = os.environ
server = env["CATTLE_SERVER"]
token = env["CATTLE_TOKEN"]
record_dir = "/var/lib/rancher-stub"
os.makedirs(record_dir, exist_ok=True)
argv = json.loads(env["ORIGINAL_ARGS_JSON"])
with open(os.path.join(record_dir, "install-calls.jsonl"), "a", encoding="utf-8") as rec:
    rec.write(json.dumps({
        "argv": argv,
        "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
        "token_in_argv": any(token in a for a in argv),
        "cattle_env": sorted(k for k in env if k.startswith("CATTLE_")),
        "labels": env.get("CATTLE_LABELS", ""),
        "taints": env.get("CATTLE_TAINTS", ""),
    }, sort_keys=True) + "\n")

# validate_ca_checksum: fetch <server>/cacerts without verification, compare its sha256.
insecure = ssl.create_default_context()
insecure.check_hostname = False
insecure.verify_mode = ssl.CERT_NONE
cacerts = urllib.request.urlopen(server + "/cacerts", context=insecure, timeout=30).read()
if hashlib.sha256(cacerts).hexdigest() != env.get("CATTLE_CA_CHECKSUM", ""):
    print("[ERROR]  Configured cacerts checksum does not match given --ca-checksum", file=sys.stderr)
    sys.exit(1)
ca_file = tempfile.NamedTemporaryFile(delete=False, suffix=".pem")
ca_file.write(cacerts)
ca_file.close()
verified = ssl.create_default_context(cafile=ca_file.name)

# retrieve_connection_info, with the real script's headers.
headers = {
    "Authorization": "Bearer " + token,
    "X-Cattle-Id": "stub-cattle-id",
    "X-Cattle-Role-Etcd": env["CATTLE_ROLE_ETCD"],
    "X-Cattle-Role-Control-Plane": env["CATTLE_ROLE_CONTROLPLANE"],
    "X-Cattle-Role-Worker": env["CATTLE_ROLE_WORKER"],
    "X-Cattle-Node-Name": env.get("CATTLE_NODE_NAME", ""),
    "X-Cattle-Address": env.get("CATTLE_ADDRESS", ""),
    "X-Cattle-Internal-Address": env.get("CATTLE_INTERNAL_ADDRESS", ""),
    "X-Cattle-Labels": env.get("CATTLE_LABELS", ""),
    "X-Cattle-Taints": env.get("CATTLE_TAINTS", ""),
}
try:
    answer = urllib.request.urlopen(
        urllib.request.Request(server + "/v3/connect/agent", headers=headers), context=verified, timeout=30
    ).read()
except urllib.error.HTTPError as err:
    # Deliberately leaky (see the header comment).
    print(f"[ERROR]  {err.code} received while downloading Rancher connection information "
          f"(curl -H 'Authorization: Bearer {token}' {server}/v3/connect/agent)", file=sys.stderr)
    sys.exit(1)

config_dir, var_dir = env["CATTLE_AGENT_CONFIG_DIR"], env["CATTLE_AGENT_VAR_DIR"]
for d in (config_dir, var_dir):
    os.makedirs(d, mode=0o700, exist_ok=True)
os.umask(0o177)
with open(os.path.join(var_dir, "rancher2_connection_info.json"), "wb") as f:
    f.write(answer)
with open(os.path.join(config_dir, "config.yaml"), "w") as f:
    f.write(f"workDirectory: {var_dir}/work\nappliedPlanDirectory: {var_dir}/applied\nremoteEnabled: true\n"
            f"localEnabled: false\nlocalPlanDirectory: {var_dir}/plans\npreserveWorkDirectory: false\n"
            f"connectionInfoFile: {var_dir}/rancher2_connection_info.json\n")
if not os.path.exists(os.path.join(config_dir, "cattle-id")):
    with open(os.path.join(config_dir, "cattle-id"), "w") as f:
        f.write("stub-cattle-id\n")
os.umask(0o022)
with open("/etc/systemd/system/rancher-system-agent.service", "w") as f:
    f.write("[Unit]\nDescription=Rancher System Agent (lowlat test stub: sleeps)\n"
            "[Install]\nWantedBy=multi-user.target\n"
            "[Service]\nType=simple\nRestart=always\nRestartSec=5s\n"
            "Environment=CATTLE_AGENT_CONFIG=" + config_dir + "/config.yaml\n"
            "ExecStart=/bin/sleep infinity\n")
PY

systemctl daemon-reload >/dev/null
info "Enabling rancher-system-agent.service"
systemctl enable rancher-system-agent
info "Starting/restarting rancher-system-agent.service"
systemctl restart rancher-system-agent
