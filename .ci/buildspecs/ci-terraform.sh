#!/usr/bin/env bash
# The steps the CodeBuild buildspecs of the cicd module share (.ci/buildspecs/*.yml); the
# Terraform itself always runs through tools/tf.sh, the checks through the repository's tools.
#
#   .ci/buildspecs/ci-terraform.sh install          Terraform $TF_VERSION (checked against HashiCorp's
#                                                  SHA256SUMS) and a provider mirror in $LOWLAT_TF_MIRROR,
#                                                  which tools/tf.sh then installs providers from
#   .ci/buildspecs/ci-terraform.sh check-env        TF_ENV names a directory of terraform/environments
#   .ci/buildspecs/ci-terraform.sh deploy-profile   AWS profile lowlat-deploy: $DEPLOY_ROLE_ARN assumed with
#                                                  the build's own credentials (export AWS_PROFILE=lowlat-deploy)
#   .ci/buildspecs/ci-terraform.sh fetch-tfvars     s3://$TF_STATE_BUCKET/$TF_ENV/terraform.tfvars, if there,
#                                                  becomes the environment's terraform.tfvars
#   .ci/buildspecs/ci-terraform.sh init-backend     init the environment with the S3 state backend
#                                                  ($TF_STATE_BUCKET, key $TF_ENV/terraform.tfstate, lock
#                                                  table $TF_STATE_LOCK_TABLE or an S3 lock file)
#   .ci/buildspecs/ci-terraform.sh save-plan DIR    the environment's saved plan (tfplan) into DIR with what
#                                                  the approver reads (tfplan.txt, tfplan.json), the lock
#                                                  file, TF_ENV and the commit: the Plan build's artifact
#   .ci/buildspecs/ci-terraform.sh checkov-plan F   checkov on plan JSON F, skipping exactly the checks
#                                                  tests/terraform/test_emulator_apply.py skips (PLAN_SKIPS)
#   .ci/buildspecs/ci-terraform.sh restore-plan     put the Plan build's saved plan and lock file
#                                                  ($CODEBUILD_SRC_DIR_plan_output) into the environment,
#                                                  after checking environment and commit match
set -euo pipefail
caller_pwd=$PWD
cd "$(dirname "$0")/../.."

# A path argument as the caller meant it.
from_caller() { case "$1" in /*) echo "$1" ;; *) echo "$caller_pwd/$1" ;; esac; }

die() { echo "ci-terraform: $*" >&2; exit 1; }

env_dir() { echo "terraform/environments/${TF_ENV:?TF_ENV is not set}"; }

check_env() {
  [[ ${TF_ENV:-} =~ ^[a-z][a-z0-9]{1,15}$ ]] || die "TF_ENV must be the name of an environment directory (like dev or prod), got '${TF_ENV:-}'"
  local main known=()
  for main in terraform/environments/*/main.tf; do
    [[ -f $main ]] && known+=("$(basename "$(dirname "$main")")")
  done
  [[ -f terraform/environments/$TF_ENV/main.tf ]] || die "TF_ENV=$TF_ENV is not one of the repository's environments: ${known[*]:-none}"
  echo "ci-terraform: environment terraform/environments/$TF_ENV (of: ${known[*]})"
}

install() {
  local version=${TF_VERSION:?TF_VERSION is not set} have= tmp base zip want
  if command -v terraform >/dev/null; then
    have=$(terraform version -json | python3 -c 'import json, sys; print(json.load(sys.stdin)["terraform_version"])')
  fi
  if [[ $have != "$version" ]]; then
    tmp=$(mktemp -d)
    base=https://releases.hashicorp.com/terraform/$version
    zip=terraform_${version}_linux_amd64.zip
    curl -fsSL --retry 3 -o "$tmp/$zip" "$base/$zip"
    curl -fsSL --retry 3 -o "$tmp/SHA256SUMS" "$base/terraform_${version}_SHA256SUMS"
    want=$(awk -v f="$zip" '$2 == f { print $1 }' "$tmp/SHA256SUMS")
    [[ $want =~ ^[0-9a-f]{64}$ ]] || die "no checksum for $zip in HashiCorp's SHA256SUMS"
    echo "$want  $tmp/$zip" | sha256sum -c -
    unzip -o -q "$tmp/$zip" terraform -d /usr/local/bin
    rm -rf "$tmp"
  fi
  terraform version
  # One download of the providers for every init of the run: tools/tf.sh installs from this
  # filesystem mirror when it exists. The stack module composes every module, so its provider
  # requirements are the tree's.
  local mirror=${LOWLAT_TF_MIRROR:-/opt/tf-plugins} req
  req=$(mktemp -d)
  cp terraform/modules/stack/versions.tf "$req/"
  terraform -chdir="$req" providers mirror -platform=linux_amd64 "$mirror"
  rm -rf "$req"
}

deploy_profile() {
  [[ ${DEPLOY_ROLE_ARN:-} =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/ ]] || die "DEPLOY_ROLE_ARN must be an IAM role ARN, got '${DEPLOY_ROLE_ARN:-}'"
  mkdir -p "$HOME/.aws"
  cat >>"$HOME/.aws/config" <<EOF

[profile lowlat-deploy]
role_arn = $DEPLOY_ROLE_ARN
credential_source = EcsContainer
role_session_name = lowlat-${CODEBUILD_BUILD_NUMBER:-build}
region = ${AWS_REGION:?AWS_REGION is not set}
EOF
  # Fails here, before any Terraform, when the role cannot be assumed.
  AWS_PROFILE=lowlat-deploy aws sts get-caller-identity --output text --query Arn
}

fetch_tfvars() {
  local bucket=${TF_STATE_BUCKET:?TF_STATE_BUCKET is not set} key="$TF_ENV/terraform.tfvars"
  if aws s3api head-object --bucket "$bucket" --key "$key" >/dev/null 2>&1; then
    aws s3 cp --only-show-errors "s3://$bucket/$key" "$(env_dir)/terraform.tfvars"
    echo "ci-terraform: variables from s3://$bucket/$key"
  else
    echo "ci-terraform: no s3://$bucket/$key; the variables come from the repository and TF_VAR_* only"
  fi
}

init_backend() {
  local dir args
  dir=$(env_dir)
  # The S3 backend that common/versions.tf shows commented out: the environment's key from its
  # backend.hcl, the account's settings from the build's variables.
  cat >"$dir/zz_ci_backend_override.tf" <<'EOF'
# Written by .ci/buildspecs/ci-terraform.sh in CodeBuild: the environment's S3 state backend,
# configured with -backend-config. Never commit.
terraform {
  backend "s3" {}
}
EOF
  args=(
    -backend-config="bucket=${TF_STATE_BUCKET:?TF_STATE_BUCKET is not set}"
    -backend-config=backend.hcl # the environment's state key
    -backend-config="region=${AWS_REGION:?AWS_REGION is not set}"
    -backend-config="encrypt=true"
  )
  if [[ -n ${TF_STATE_LOCK_TABLE:-} ]]; then
    args+=(-backend-config="dynamodb_table=$TF_STATE_LOCK_TABLE")
  else
    args+=(-backend-config="use_lockfile=true")
  fi
  tools/tf.sh init "$dir" -no-color -input=false "${args[@]}"
}

save_plan() {
  local out dir
  out=$(from_caller "${1:?save-plan needs the output directory}")
  dir=$(env_dir)
  [[ -f $dir/tfplan ]] || die "no saved plan $dir/tfplan"
  mkdir -p "$out"
  cp "$dir/tfplan" "$out/tfplan"
  cp "$dir/.terraform.lock.hcl" "$out/terraform.lock.hcl"
  tools/tf.sh show "$dir" -json tfplan >"$out/tfplan.json"
  tools/tf.sh show "$dir" -no-color tfplan >"$out/tfplan.txt"
  printf '%s\n' "$TF_ENV" >"$out/TF_ENV"
  printf '%s\n' "${CODEBUILD_RESOLVED_SOURCE_VERSION:-unknown}" >"$out/SOURCE_VERSION"
  echo "ci-terraform: saved plan of $TF_ENV in $out"
}

checkov_plan() {
  local plan skips
  plan=$(from_caller "${1:?checkov-plan needs the plan JSON}")
  skips=$(python3 - <<'EOF'
import ast
from pathlib import Path

tree = ast.parse(Path("tests/terraform/test_emulator_apply.py").read_text())
for node in tree.body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PLAN_SKIPS" for t in node.targets):
        print(",".join(sorted(ast.literal_eval(node.value))))
EOF
  )
  echo "ci-terraform: checkov on $plan, skipping ${skips:-nothing} (PLAN_SKIPS of tests/terraform/test_emulator_apply.py)"
  BC_SKIP_MAPPING=TRUE .venv-checkov/bin/checkov -f "$plan" --framework terraform_plan --compact --skip-download ${skips:+--skip-check "$skips"}
}

restore_plan() {
  local from=${CODEBUILD_SRC_DIR_plan_output:?CODEBUILD_SRC_DIR_plan_output is not set: the Plan build output is not an input} dir
  dir=$(env_dir)
  [[ -f $from/tfplan && -f $from/terraform.lock.hcl ]] || die "the plan artifact lacks tfplan or terraform.lock.hcl"
  [[ $(cat "$from/TF_ENV") == "$TF_ENV" ]] || die "the saved plan is of environment $(cat "$from/TF_ENV"), this build applies $TF_ENV"
  if [[ -n ${CODEBUILD_RESOLVED_SOURCE_VERSION:-} ]]; then
    [[ $(cat "$from/SOURCE_VERSION") == "$CODEBUILD_RESOLVED_SOURCE_VERSION" ]] ||
      die "the saved plan was made from commit $(cat "$from/SOURCE_VERSION"), this build has $CODEBUILD_RESOLVED_SOURCE_VERSION"
  fi
  cp "$from/tfplan" "$dir/tfplan"
  cp "$from/terraform.lock.hcl" "$dir/.terraform.lock.hcl"
  echo "ci-terraform: saved plan of $TF_ENV at commit $(cat "$from/SOURCE_VERSION")"
}

case "${1:-}" in
  install) install ;;
  check-env) check_env ;;
  deploy-profile) check_env && deploy_profile ;;
  fetch-tfvars) check_env && fetch_tfvars ;;
  init-backend) check_env && init_backend ;;
  save-plan) check_env && save_plan "${2:-}" ;;
  checkov-plan) checkov_plan "${2:-}" ;;
  restore-plan) check_env && restore_plan ;;
  *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
