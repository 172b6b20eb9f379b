"""Throwaway systemd containers from the project's base image, for integration tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IMAGE = "localhost/lowlat-debian:bookworm"
CONTAINERS_CONF = REPO / "molecule" / "containers.conf"


def podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)}


def podman(*args: str, check: bool = True, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args], env=podman_env(), check=check, capture_output=True, text=True, timeout=timeout
    )


def missing_image_reason() -> str | None:
    """Why the container tests cannot run here, or None."""
    if shutil.which("podman") is None:
        return "podman is not installed"
    if podman("image", "exists", IMAGE, check=False).returncode != 0:
        return f"image {IMAGE} is missing (build it with tools/images/build-base-image.sh)"
    return None


def start_systemd_container(name: str, timeout: float = 60) -> str:
    """Run the image with systemd as PID 1, wait until it has booted; return its IP address."""
    podman("run", "-d", "--name", name, "--hostname", name, "--systemd=always", "--ulimit", "nofile=1024:1024",
           "--ulimit", "nproc=1024:1024", IMAGE, "/sbin/init")  # fmt: skip
    deadline = time.monotonic() + timeout
    while True:
        state = podman("exec", name, "systemctl", "is-system-running", check=False).stdout.strip()
        if state in ("running", "degraded"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: systemd did not finish booting ({state})")
        time.sleep(0.5)
    return podman("inspect", "-f", "{{.NetworkSettings.IPAddress}}", name).stdout.strip()


def remove_container(name: str) -> None:
    podman("rm", "-f", "-t", "0", name, check=False)
