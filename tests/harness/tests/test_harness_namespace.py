"""The emulated host's mounts stay private to the test that made them."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness import namespace
from harness.host import emulated_host, hide_machine_leftovers

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root for mount namespaces")


def stub_provision(flavour, templates=None, cpus=2):
    """Stands in for vzemu.provision: just enough layout to observe."""
    os.makedirs("/etc/vz/conf")
    Path("/etc/vz/vz.conf").write_text("VIRTUOZZO=yes\n", encoding="utf-8")
    os.makedirs("/var/lib/vzemu")
    Path("/var/lib/vzemu/host.json").write_text(
        json.dumps({"flavour": flavour, "cpus": cpus}), encoding="utf-8")
    os.makedirs("/vz/template/cache")
    for name in templates or {}:
        Path("/vz/template/cache", name).touch()


def seen_from_outside(path):
    """Whether `path` exists in the namespace this process started in."""
    fd = namespace.outer_namespace_fd()
    proc = subprocess.run(["nsenter", "--mount=/proc/self/fd/%d" % fd, "test", "-e", path],
                          pass_fds=(fd,), check=False)
    return proc.returncode == 0


def test_writes_vanish_with_the_host(tmp_path):
    etc_vz_before = os.path.exists("/etc/vz")
    mounts_before = namespace.mount_points()
    with emulated_host("legacy", tmp_path / "one", templates={"t1": "x"},
                       provision=stub_provision):
        Path("/etc/vz/conf/101.conf").write_text("marker\n", encoding="utf-8")
        Path("/vz/private").mkdir()
        assert Path("/vz/template/cache/t1").exists()
    with emulated_host("vz7", tmp_path / "two", provision=stub_provision) as host:
        assert not Path("/etc/vz/conf/101.conf").exists()
        assert not Path("/vz/private").exists()
        assert json.loads(Path("/var/lib/vzemu/host.json").read_text())["flavour"] == "vz7"
        assert host.flavour == "vz7"
    assert os.path.exists("/etc/vz") == etc_vz_before
    assert not os.path.exists("/var/lib/vzemu")
    assert namespace.mount_points() == mounts_before


def test_machine_never_sees_the_hosts_files(tmp_path):
    with emulated_host("legacy", tmp_path / "host", provision=stub_provision):
        assert Path("/etc/vz/vz.conf").exists()
        assert not seen_from_outside("/etc/vz/vz.conf")
        assert not seen_from_outside("/var/lib/vzemu")
        assert not seen_from_outside("/vz/template")


def test_machine_leftovers_are_hidden(tmp_path):
    """What a real OpenVZ box has at /etc/vz and /var/lib/vzemu never shows in
    a host (emulated_host hides it before provisioning; here after, to see it go)."""
    with emulated_host("legacy", tmp_path / "host", provision=stub_provision):
        Path("/etc/vz/conf/999.conf").write_text("machine's own\n", encoding="utf-8")
        hide_machine_leftovers()
        assert not os.path.lexists("/etc/vz") and not os.path.lexists("/var/lib/vzemu")
        assert not seen_from_outside("/etc/vz/conf/999.conf")


def test_a_second_host_at_once_is_refused(tmp_path):
    with emulated_host("legacy", tmp_path / "a", provision=stub_provision):
        with pytest.raises(RuntimeError, match="already mounted"):
            with emulated_host("legacy", tmp_path / "b", provision=stub_provision):
                pass


def test_mounts_are_undone_when_provisioning_fails(tmp_path):
    def broken(**_kwargs):
        raise OSError("provision failed")

    before = namespace.mount_points()
    with pytest.raises(OSError, match="provision failed"):
        with emulated_host("legacy", tmp_path / "host", provision=broken):
            pass
    assert namespace.mount_points() == before


def test_workdir_inside_an_overlaid_tree_is_refused():
    with pytest.raises(ValueError, match="hidden"):
        namespace.HostMounts("/var/tmp/somewhere")


def test_unknown_flavour_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown flavour"):
        with emulated_host("openvz9", tmp_path, provision=stub_provision):
            pass


@pytest.mark.flavour("legacy")
@pytest.mark.parametrize("turn", [1, 2])
def test_each_fixture_host_starts_empty(openvz_host, turn):
    marker = Path("/etc/vz/harness-marker")
    assert not marker.exists(), "left over from an earlier test"
    marker.write_text(str(turn), encoding="utf-8")
    assert not seen_from_outside(str(marker))
