"""Shared option documentation for modules that read or write /proc and /sys."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  root:
    description:
      - Prefix under which C(/proc) and C(/sys) are read and written.
      - C(/) on a real host. Tests and the lab point it at a generated fixture tree that stands in for
        a bigger EC2 shape; everything read from such a tree is reported as a fixture topology.
    type: path
    default: /
"""
