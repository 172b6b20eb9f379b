"""A stand-in for kubectl in the import test (tests/integration/test_rancher_import.py).

There is no Kubernetes API server on this machine, and `kubectl apply`, even with
--dry-run=client, asks the API server for its resource list first, so real kubectl cannot run here.
The test makes an executable copy of this file (with a #! line naming the test's Python) and gives
it to the role as rancher_agent_import_kubectl. It answers the three commands the role runs:

    kubectl --kubeconfig K version --client            "Client Version: v0.0.0-fake"
    kubectl --kubeconfig K auth can-i '*' '*' --all-namespaces
                                                       "yes" (exit 0), or "no" (exit 1) when the
                                                       kubeconfig's text holds "lowlat-test-not-admin"
    kubectl --kubeconfig K apply -f FILE               one line per object of FILE, "<kind>/<name>
                                                       created" the first time this kubeconfig gets
                                                       these exact bytes and "... unchanged" after,
                                                       as kubectl apply prints them

Anything else, a missing --kubeconfig, or a kubeconfig or FILE that is not a readable file fails
with exit 1. Each call is appended to kubectl-calls.jsonl next to the executable copy: argv, the
kubeconfig path, and for apply the sha256 and mode of FILE (its content holds the registration
token: it is not copied). Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from pathlib import Path

HERE = Path(sys.argv[0]).resolve().parent
CALLS = HERE / "kubectl-calls.jsonl"
APPLIED = HERE / "kubectl-applied.json"  # kubeconfig path -> sha256 of the manifests applied with it


def objects(manifest: str) -> list[str]:
    """kind/name of each document (enough for the stub's manifest: top-level kind, metadata.name)."""
    found = []
    for doc in re.split(r"^---\s*$", manifest, flags=re.M):
        kind = re.search(r"^kind:\s*(\S+)", doc, re.M)
        name = re.search(r"^metadata:\s*\n(?:\s+.*\n)*?\s+name:\s*(\S+)", doc, re.M)
        if kind and name:
            found.append(f"{kind[1].lower()}/{name[1]}")
    return found


def main(argv: list[str]) -> int:
    entry: dict[str, object] = {"argv": argv}
    try:
        kubeconfig = argv[argv.index("--kubeconfig") + 1]
    except (ValueError, IndexError):
        print("fake kubectl: the role must pass --kubeconfig", file=sys.stderr)
        return 1
    rest = [
        a for i, a in enumerate(argv) if a != "--kubeconfig" and (i == 0 or argv[i - 1] != "--kubeconfig")
    ]
    entry["kubeconfig"] = kubeconfig
    entry["command"] = rest[:2]
    with CALLS.open("a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")
    if not Path(kubeconfig).is_file():
        print(f"error: stat {kubeconfig}: no such file or directory", file=sys.stderr)
        return 1
    config_text = Path(kubeconfig).read_text()

    if rest == ["version", "--client"]:
        print("Client Version: v0.0.0-fake")
        return 0
    if rest == ["auth", "can-i", "*", "*", "--all-namespaces"]:
        if "lowlat-test-not-admin" in config_text:
            print("no")
            return 1
        print("yes")
        return 0
    if len(rest) == 3 and rest[:2] == ["apply", "-f"]:
        path = Path(rest[2])
        if not path.is_file():
            print(f'error: the path "{path}" does not exist', file=sys.stderr)
            return 1
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        with CALLS.open("a", encoding="utf-8") as log:
            mode = oct(stat.S_IMODE(os.stat(path).st_mode))
            log.write(json.dumps({"applied": digest, "mode": mode, "kubeconfig": kubeconfig}) + "\n")
        applied = json.loads(APPLIED.read_text()) if APPLIED.exists() else {}
        seen = digest in applied.get(kubeconfig, [])
        applied.setdefault(kubeconfig, []).append(digest)
        APPLIED.write_text(json.dumps(applied))
        for obj in objects(data.decode()):
            print(f"{obj} {'unchanged' if seen else 'created'}")
        return 0
    print(f"fake kubectl: unexpected command {rest}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
