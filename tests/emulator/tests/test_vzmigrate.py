"""The vzmigrate stand-in's argv handling, refusals and exit codes on one host.

The copying itself needs a second hypervisor over ssh: tests/integration/test_migrate.py.
Facts: kolyshkin/vzctl bin/vzmigrate.in (legacy), OpenVZ/vzmigrate vzmcontrol/common.h,
bin/vzmigrate.c, man/vzmigrate.8 (OpenVZ 7); docs/openvz-tools.md "vzmigrate".
"""
import os
import subprocess

import pytest

from vzemu import paths


def vzmigrate(emu_host, *argv):
    proc = subprocess.run(["vzmigrate"] + list(argv), capture_output=True, text=True,
                          env=emu_host.env, timeout=60, check=False)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("flavour", ["legacy"])
def test_legacy_usage_and_bad_usage(emu_host):
    rc, out, _err = vzmigrate(emu_host)
    assert rc == 0 and out.startswith("This program is used for container migration to another node.\n")
    rc, out, _err = vzmigrate(emu_host, "-r", "maybe", "hv2", "101")
    assert rc == 1
    assert out == ("Invalid usage: bad argument for -r: maybe\n\nFor command line syntax, please check\n"
                   "  vzmigrate --help\n  man vzmigrate\n")
    assert vzmigrate(emu_host, "hv2")[:2] == (1, out.replace(": bad argument for -r: maybe",
                                                             ": not enough parameters"))
    rc, out, err = vzmigrate(emu_host, "--bogus", "hv2", "101")
    assert rc == 1 and err == "vzmigrate: unrecognized option '--bogus'\n"
    assert vzmigrate(emu_host, "--nodeps=gpu", "hv2", "101")[:2] == (
        1, out.replace("Invalid usage", "Invalid usage: unknown --nodeps argument: gpu"))


@pytest.mark.parametrize("flavour", ["legacy"])
def test_legacy_missing_ct_and_lock(emu_host):
    rc, out, err = vzmigrate(emu_host, "hv2", "555")
    assert (rc, out, err) == (10, "Locked CT 555\n", "Error: CT #555 doesn't exist\n")
    assert not os.path.exists("/vz/lock/555.lck")
    emu_host.create("101")
    with open("/vz/lock/101.lck", "w") as handle:
        handle.write("4242\n")
    rc, out, err = vzmigrate(emu_host, "hv2", "101")
    assert (rc, err) == (20, "Error: CT 101 already locked by PID 4242\n")
    os.unlink("/vz/lock/101.lck")
    emu_host.vzctl("start", "101")
    emu_host.faults([{"tool": "vzmigrate", "phase": "connect", "stderr": "ssh: connect to host hv2 port 22: refused"}])
    rc, out, err = vzmigrate(emu_host, "--online", "hv2", "101")
    assert rc == 4
    assert out == "Locked CT 101\nStarting live migration of CT 101 to hv2\n"
    assert err.endswith("Error: Can't connect to destination address using public key\n"
                        "Error: Please put your public key to destination node\n")
    assert not os.path.exists("/vz/lock/101.lck")
    assert [c["argv"] for c in emu_host.calls() if c["tool"] == "vzmigrate"][-1] == ["--online", "hv2", "101"]


@pytest.mark.parametrize("flavour", ["legacy"])
def test_legacy_live_migration_of_a_stopped_ct(emu_host):
    emu_host.create("101")
    rc, _out, err = vzmigrate(emu_host, "--live", "hv2", "101")
    assert (rc, err) == (2, "Error: Can't perform live migration of a stopped container\n")


@pytest.mark.parametrize("flavour", ["vz7"])
def test_vz7_usage_missing_ct_and_online_of_stopped(emu_host):
    rc, _out, err = vzmigrate(emu_host, "hv2")
    assert rc == 1 and err.endswith("The vzmigrate utility is deprecated.\n"
                                    "Please, consider switching to the prlctl utility.\n")
    assert vzmigrate(emu_host, "-r", "maybe", "hv2", "101")[0] == 1
    assert vzmigrate(emu_host, "hv2", "555")[::2] == (10, "Error: CT 555 doesn't exist\n")
    emu_host.create("101")
    assert vzmigrate(emu_host, "--online", "hv2", "101")[::2] == (
        1, "Error: Source Container must be running for online migration\n")
    emu_host.faults([{"tool": "vzmigrate", "phase": "connect"}])
    rc, out, err = vzmigrate(emu_host, "hv2", "101")
    assert (rc, out, err) == (4, "Checking preconditions\n", "Error: can't connect to destination node\n")
    assert os.path.isdir("/vz/private/101") and os.path.exists(paths.ct_conf_path("101"))
