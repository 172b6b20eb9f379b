"""Testinfra checks for the default Molecule scenario (podman systemd containers)."""

import os

import testinfra.utils.ansible_runner

# Hosts come from Molecule's inventory; each inventory name is also the container's name.
# Molecule starts testinfra with its Ansible backend, which has no native podman transport
# and would run every command through Ansible's shell module. A podman:// spec makes
# testinfra use `podman exec` directly.
_inventory = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = [f"podman://{name}" for name in _inventory.get_hosts("engine")]


def test_marker_file_written_by_converge(host):
    marker = host.file("/etc/lowlat-molecule")
    assert marker.is_file
    assert marker.user == "root"
    assert marker.mode == 0o644
    assert marker.content_string == (
        f"converged by molecule scenario default on {host.check_output('hostname')}\n"
    )


def test_systemd_is_pid_1(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"


def test_systemd_booted_cleanly(host):
    state = host.run("systemctl is-system-running")
    assert state.stdout.strip() == "running", host.check_output(
        "systemctl list-units --failed --plain --no-legend"
    )
