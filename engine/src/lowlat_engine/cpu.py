"""CPU placement: pin to CPUs and optionally run under SCHED_FIFO, failing loudly when refused."""

from __future__ import annotations

import os


class PlacementError(RuntimeError):
    pass


def check_affinity(cpus: tuple[int, ...]) -> None:
    """Raise when a configured CPU is not one this process may run on (cgroup/cpuset aware)."""
    allowed = os.sched_getaffinity(0)
    missing = sorted(set(cpus) - allowed)
    if missing:
        raise PlacementError(
            f"engine.cpu_affinity: CPUs {missing} are not available to this process "
            f"(allowed: {sorted(allowed)})"
        )


def apply_affinity(cpus: tuple[int, ...]) -> None:
    if not cpus:
        return
    check_affinity(cpus)
    os.sched_setaffinity(0, set(cpus))


def apply_sched_fifo(priority: int) -> None:
    """Switch the calling thread's process to SCHED_FIFO; 0 leaves the scheduler alone."""
    if priority == 0:
        return
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(priority))
    except PermissionError as exc:
        raise PlacementError(
            f"engine.sched_fifo_priority={priority}: SCHED_FIFO was refused ({exc.strerror}); "
            "run with CAP_SYS_NICE (systemd: AmbientCapabilities=CAP_SYS_NICE or "
            "CPUSchedulingPolicy=fifo) or set the priority to 0"
        ) from exc
    except OSError as exc:
        raise PlacementError(f"engine.sched_fifo_priority={priority}: {exc.strerror}") from exc
