#!/usr/bin/env bash
# Run Terraform for one module or environment of terraform/, offline when the machine has a
# provider mirror, optionally against a local AWS emulator.
#
#   tools/tf.sh [--endpoint URL] [--workdir DIR] COMMAND DIR [TERRAFORM ARGS...]
#
#   COMMAND   init | validate | plan | apply | destroy | test | output | show | state | console
#   DIR       a directory under terraform/ (terraform/environments/dev, terraform/modules/network)
#   --endpoint URL  point every AWS service of the provider at URL (a moto server on 127.0.0.1):
#             the terraform/ tree is copied to the work dir (default .cache/tf/<dir>) and a
#             provider override with the endpoints and dummy credentials is added to the copy, so
#             the committed configuration stays the one used against real AWS.
#   --tree DIR  DIR is a copy of terraform/ that the caller made (for example with generated
#             test files added); DIR's modules and environments are run instead of the repo's.
#
# Provider installation: when LOWLAT_TF_MIRROR (default /opt/tf-plugins) holds a filesystem
# mirror, a CLI configuration that installs hashicorp/* from it is written to
# .cache/terraform/offline.tfrc and exported as TF_CLI_CONFIG_FILE; otherwise Terraform uses its
# normal provider installation (the registry, or the user's own CLI configuration).
# `init` is run first automatically for validate/plan/apply/destroy/test when the dir has none.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

endpoint=
workdir=
tree=$REPO/terraform
while (($#)); do
  case "$1" in
    --endpoint) endpoint=${2:?--endpoint needs a URL}; shift 2 ;;
    --workdir) workdir=${2:?--workdir needs a directory}; shift 2 ;;
    --tree) tree=$(cd "${2:?--tree needs a directory}" && pwd) || exit 2; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "tf.sh: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
(($# >= 2)) || usage
command=$1 target=$2
shift 2

command -v terraform >/dev/null || {
  echo "missing terraform: it comes with the machine image (/usr/local/bin/terraform); see docs/terraform.md" >&2
  exit 1
}

target_abs=$(cd "$target" 2>/dev/null && pwd) || { echo "tf.sh: no such directory: $target" >&2; exit 2; }
case "$target_abs/" in
  "$tree/"*) ;;
  *) echo "tf.sh: $target is not a directory under $tree/" >&2; exit 2 ;;
esac
relative=${target_abs#"$tree/"}

mirror=${LOWLAT_TF_MIRROR:-/opt/tf-plugins}
if [[ -d $mirror/registry.terraform.io ]]; then
  mkdir -p "$REPO/.cache/terraform"
  export TF_CLI_CONFIG_FILE="$REPO/.cache/terraform/offline.tfrc"
  # A temporary file per process: parallel calls must not rename one another's file away.
  cat > "$TF_CLI_CONFIG_FILE.$$" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
  mv "$TF_CLI_CONFIG_FILE.$$" "$TF_CLI_CONFIG_FILE"
fi
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

run_dir=$target_abs
if [[ -n $endpoint ]]; then
  [[ $endpoint =~ ^http://(127\.[0-9]+\.[0-9]+\.[0-9]+|localhost|\[::1\]):[0-9]+/?$ ]] || {
    echo "tf.sh: --endpoint must be an emulator on the loopback address (http://127.0.0.1:PORT), got $endpoint" >&2
    exit 2
  }
  workdir=${workdir:-$REPO/.cache/tf/${relative//\//-}}
  mkdir -p "$workdir"
  # Refresh the configuration, keep Terraform's working state (.terraform, state files). A symlinked
  # file (an environment's stack.tf is environments/common's) is copied as the file it names.
  (cd "$tree" && find . -name .terraform -prune -o \( -type f -o -type l \) \( -name '*.tf' -o -name '*.tftest.hcl' -o -name '*.tfvars*' -o -name '*.json' -o -name '*.zip' \) -print0 \
    | while IFS= read -r -d '' f; do mkdir -p "$workdir/tree/$(dirname "$f")"; cp -p "$f" "$workdir/tree/$f"; done)
  run_dir=$workdir/tree/$relative
  python3 "$REPO/tools/tf_endpoint_override.py" "$run_dir" "$endpoint"
  # Dummy credentials only: nothing here can reach a real account.
  export AWS_ACCESS_KEY_ID=lowlat-emulator AWS_SECRET_ACCESS_KEY=lowlat-emulator
  unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
  export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
  # A service missing from the override's list goes to the emulator too, never to AWS.
  export AWS_ENDPOINT_URL=$endpoint
fi

cd "$run_dir"
# Against an emulator, or only to validate/test, state stays local: the backend is not touched.
backend=()
if [[ -n $endpoint || $command == validate || $command == test ]]; then backend=(-backend=false); fi
case "$command" in
  init) exec terraform init -input=false "${backend[@]}" "$@" ;;
  validate|plan|apply|destroy|test|console)
    if [[ ! -f .terraform.lock.hcl ]]; then terraform init -input=false "${backend[@]}" >/dev/null; fi
    exec terraform "$command" "$@"
    ;;
  output|show|state|fmt) exec terraform "$command" "$@" ;;
  *) echo "tf.sh: unknown command $command" >&2; usage ;;
esac
