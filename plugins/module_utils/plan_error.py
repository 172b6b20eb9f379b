"""The planner's one error type, shared by the policy checks and the planner itself."""

from __future__ import annotations


class PlanError(ValueError):
    """An impossible or invalid policy; the message says what to change."""
