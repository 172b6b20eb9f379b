"""What the check_mode and diff_mode attributes of the collection's modules mean (each module says its support)."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: With C(--check) the module reads the host, reports what it would change and changes nothing.
  diff_mode:
    description: With C(--diff) the module returns the before and after of what it changed (or would change).
"""
