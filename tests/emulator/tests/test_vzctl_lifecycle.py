"""create / start / exec / stop / mount / destroy / suspend of the stand-in,
with the real mounts and files they leave behind."""
import os

import pytest

from conftest import TEMPLATE

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])
VZ7 = pytest.mark.parametrize("flavour", ["vz7"])


def _mountpoints():
    with open("/proc/self/mountinfo") as handle:
        return [line.split(" ")[4] for line in handle]


def _fsdir(host, ctid=101):
    base = "/vz/private/%s" % ctid
    return base if host.flavour == "legacy" else base + "/root.hdd/fs"


@LEGACY
def test_legacy_create_output_and_config(emu_host):
    result = emu_host.vzctl("create", "101", "--ostemplate", TEMPLATE, "--ipadd", "10.0.0.1",
                            "--hostname", "h.example", "--local_uid", "0", "--local_gid", "0")
    assert result.rc == 0
    assert result.stdout == ("Creating container private area (%s)\nPerforming postcreate actions\n"
                             "CT configuration saved to /etc/vz/conf/101.conf\n"
                             "Container private area was created\n" % TEMPLATE)
    with open("/etc/vz/conf/ve-vswap-256m.conf-sample") as handle:
        sample = handle.read()
    assert emu_host.conf(101) == sample + (
        'IP_ADDRESS="10.0.0.1"\nHOSTNAME="h.example"\nVE_ROOT="/vz/root/$VEID"\n'
        'VE_PRIVATE="/vz/private/$VEID"\nVE_LAYOUT="simfs"\nOSTEMPLATE="%s"\n'
        'ORIGIN_SAMPLE="vswap-256m"\nLOCAL_UID="0"\nLOCAL_GID="0"\n' % TEMPLATE)
    assert os.path.isfile("/vz/private/101/bin/busybox")
    assert os.path.isdir("/vz/root/101") and not os.listdir("/vz/root/101")
    assert not os.path.exists("/vz/private/101.tmp")


@LEGACY
@pytest.mark.parametrize("args,rc,stdout,stderr", [
    (["--ostemplate", "no-such-x86_64"], 91, "",
     "vztmpl-dl ERROR: template no-such-x86_64 not found!\n"
     "Cached OS template /vz/template/cache/no-such-x86_64.tar[.gz|.bz2|.xz] not found\n"
     "Creation of container private area failed\n"),
    (["--ostemplate", TEMPLATE, "--config", "nosuch"], 82, "",
     "Sample config /etc/vz/conf/ve-nosuch.conf-sample not found: No such file or directory\n"
     "Creation of container private area failed\n"),
    (["--ostemplate", TEMPLATE, "--layout", "ploop"], 99, "",
     "Warning: ploop support is not compiled in\n"
     "Alternatively, if you can't or don't want to use ploop, please\n"
     "add --layout simfs option, or set VE_LAYOUT=simfs in /etc/vz/vz.conf\n"
     "Creation of container private area failed\n"),
    (["--ostemplate", TEMPLATE, "--layout", "bogus"], 21, "", "Bad parameter for --layout: bogus\n"),
])
def test_legacy_create_failures(emu_host, args, rc, stdout, stderr):
    result = emu_host.vzctl("create", "101", *args)
    assert (result.rc, result.stdout, result.stderr) == (rc, stdout, stderr)
    assert not os.path.exists("/etc/vz/conf/101.conf")
    assert not os.path.exists("/vz/private/101")


@LEGACY
@pytest.mark.emu_host(ploop=True)
def test_legacy_ploop_create(emu_host):
    result = emu_host.vzctl("create", "101", "--ostemplate", TEMPLATE, "--layout", "ploop",
                            "--config", "basic", "--diskspace", "1G")
    assert result.rc == 0, result
    assert result.stdout.splitlines()[0] == (
        "Creating image: /vz/private/101.tmp/root.hdd/root.hdd size=1048576K")
    assert sorted(os.listdir("/vz/private/101/root.hdd")) == ["DiskDescriptor.xml", "fs", "root.hdd"]
    assert 'VE_LAYOUT="ploop"' in emu_host.conf(101)
    with open("/etc/vz/conf/ve-nodisk.conf-sample", "w") as handle:
        handle.write('CPUUNITS="1000"\n')
    result = emu_host.vzctl("create", "102", "--ostemplate", TEMPLATE, "--layout", "ploop",
                            "--config", "nodisk")
    assert (result.rc, result.stderr) == (63, "Error: diskspace not set (required for ploop)\n"
                                              "Creation of container private area failed\n")


@VZ7
def test_vz7_create_layout(emu_host):
    emu_host.create(101, "--hostname", "seven.example")
    assert os.readlink("/etc/vz/conf/101.conf") == "/vz/private/101/ve.conf"
    assert sorted(os.listdir("/vz/private/101/root.hdd")) == ["DiskDescriptor.xml", "fs", "root.hds"]
    text = emu_host.conf(101)
    assert text.startswith("# This is an example configuration file")
    # no VE_LAYOUT: the layout is VE_PRIVATE/.ve.layout (transcripts/vz7 03-create)
    assert 'HOSTNAME="seven.example"' in text and "VE_LAYOUT" not in text
    assert os.readlink("/vz/private/101/.ve.layout") == "5"
    result = emu_host.vzctl("create", "101", "--ostemplate", TEMPLATE)
    assert (result.rc, result.stderr) == (44, "Container 101 already exists\n")
    result = emu_host.vzctl("create", "102", "--ostemplate", TEMPLATE, "--layout", "simfs")
    assert result.rc == 20
    emu_host.vzctl("set", "101", "--name", "n7", "--save")
    result = emu_host.vzctl("create", "103", "--ostemplate", TEMPLATE, "--name", "n7")
    assert (result.rc, result.stderr) == (137, "Conflict: name n7 already used by Container 101\n")


def test_start_exec_stop(emu_host):
    emu_host.create(101, "--ipadd", "10.0.0.7", "--hostname", "ex.example")
    result = emu_host.vzctl("exec", "101", "true")
    assert (result.rc, result.stderr) == (8, "Container is not running\n")
    result = emu_host.vzctl("exec2", "101", "true")
    assert (result.rc, result.stderr) == (31, "Container is not running\n")
    assert emu_host.vzctl("enter", "101").rc == 31
    result = emu_host.vzctl("start", "101")
    assert result.rc == 0
    if emu_host.flavour == "legacy":
        assert "Adding IP address(es): 10.0.0.7" in result.stdout
    else:
        # libvzctl net.c env_ip_ctl()
        assert "Adding ip address(es): 10.0.0.7 \n" in result.stdout
    assert result.stdout.endswith("Container start in progress...\n")
    assert "/vz/root/101" in _mountpoints()
    assert os.path.exists("/var/lib/vzemu/running/101")
    assert emu_host.vzctl("start", "101").stderr == "Container is already running\n"
    result = emu_host.vzctl("exec", "101", "echo", "hi", "", "there")
    assert (result.rc, result.stdout) == (0, "hi  there\n")
    result = emu_host.vzctl("exec2", "101", "exit 7")
    assert result.rc == 7
    result = emu_host.vzctl("exec", "101", "exit 7")
    assert result.rc == 8
    result = emu_host.vzctl("exec2", "101", "cat")
    result = emu_host.vzctl("exec2", "101", "cat", input="from stdin\n")
    assert result.stdout == "from stdin\n"
    result = emu_host.vzctl("exec2", "101", "-", input="echo via-stdin; cat /etc/hostname\n")
    assert result.stdout == "via-stdin\nex.example\n"
    # the CT sees its own tree as /
    result = emu_host.vzctl("exec2", "101", "ls", "/bin/busybox")
    assert result.stdout == "/bin/busybox\n"
    result = emu_host.vzctl("umount", "101")
    assert result.rc == 32
    result = emu_host.vzctl("destroy", "101")
    assert result.rc == 32
    result = emu_host.vzctl("stop", "101")
    assert result.rc == 0
    assert result.stdout.endswith("Container was stopped\nContainer is unmounted\n")
    assert "/vz/root/101" not in _mountpoints()
    result = emu_host.vzctl("stop", "101")
    assert result.rc == 0
    assert result.stderr in ("Unable to stop: container is not running\n", "Container is not running\n")


@LEGACY
def test_legacy_stop_fast_and_skip_umount(emu_host):
    emu_host.create(101)
    emu_host.vzctl("start", "101")
    result = emu_host.vzctl("stop", "101", "--fast", "--skip-umount")
    assert result.stdout == "Killing container ...\nContainer was stopped\n"
    assert emu_host.vzctl("status", "101").stdout == "CTID 101 exist mounted down\n"


def test_mount_umount(emu_host):
    emu_host.create(101)
    result = emu_host.vzctl("umount", "101")
    assert result.rc == 40
    assert emu_host.vzctl("mount", "101").stdout == "Container is mounted\n"
    assert "/vz/root/101" in _mountpoints()
    assert os.path.isfile("/vz/root/101/bin/busybox")
    again = emu_host.vzctl("mount", "101")
    assert again.rc == 0 and "Container is already mounted" in again.stdout + again.stderr
    assert emu_host.vzctl("umount", "101").stdout == "Container is unmounted\n"
    assert not os.path.exists("/vz/root/101/bin")


@LEGACY
def test_start_refusals(emu_host):
    emu_host.create(101)
    emu_host.vzctl("set", "101", "--disabled", "yes", "--save")
    result = emu_host.vzctl("start", "101")
    assert (result.rc, result.stderr) == (105, "Container start disabled\n")
    assert emu_host.vzctl("start", "101", "--force").rc == 0
    emu_host.vzctl("stop", "101")
    emu_host.vzctl("set", "101", "--disabled", "no", "--private", "/vz/private/nothere", "--save")
    result = emu_host.vzctl("start", "101")
    assert (result.rc, result.stderr) == (
        43, "Container private area /vz/private/nothere does not exist\n")


def test_destroy(emu_host):
    emu_host.create(101, "--name", "gone")
    for script in ("mount", "start"):
        with open("/etc/vz/conf/101.%s" % script, "w") as handle:
            handle.write("#!/bin/sh\n")
    emu_host.vzctl("mount", "101")
    result = emu_host.vzctl("destroy", "101")
    if emu_host.flavour == "legacy":
        assert (result.rc, result.stdout) == (41, "Container is currently mounted (umount first)\n")
        emu_host.vzctl("umount", "101")
        result = emu_host.vzctl("destroy", "101")
        assert result.stdout == ("Destroying container private area: /vz/private/101\n"
                                 "Container private area was destroyed\n")
        assert os.path.isfile("/etc/vz/conf/101.conf.destroyed")
    else:
        # transcripts/vz7 11-lifecycle destroy (sic)
        assert result.stdout.endswith("Destroying Container private area: /vz/private/101\n"
                                      "Container unregistered succesfully\n"
                                      "Container private area was destroyed\n")
        assert not os.path.lexists("/etc/vz/conf/101.conf")
    assert result.rc == 0
    assert os.path.isfile("/etc/vz/conf/101.mount.destroyed")
    assert os.path.isfile("/etc/vz/conf/101.start.destroyed")
    assert not os.path.exists("/vz/private/101") and not os.path.exists("/vz/root/101")
    assert os.listdir("/vz/vztmp") == []
    assert os.listdir("/etc/vz/names") == []
    assert emu_host.vzctl("destroy", "101").rc == 14
    emu_host.create(101)
    if emu_host.flavour == "legacy":
        assert not os.path.exists("/etc/vz/conf/101.mount.destroyed")


def test_suspend_resume(emu_host):
    emu_host.create(101)
    result = emu_host.vzctl("suspend", "101")
    assert result.rc == 31
    emu_host.vzctl("start", "101")
    result = emu_host.vzctl("suspend", "101")
    assert result.rc == 0
    assert result.stdout.startswith("Setting up checkpoint...\n")
    assert os.path.isfile("/vz/dump/Dump.101")
    word = "CTID" if emu_host.flavour == "legacy" else "VEID"
    status = emu_host.vzctl("status", "101").stdout
    assert status in ("%s 101 exist unmounted down suspended\n" % word,
                      "%s 101 exist unmounted suspended\n" % word)
    result = emu_host.vzctl("start", "101")
    assert result.rc == 0
    assert result.stdout.startswith("Dump file /vz/dump/Dump.101 exists, trying to restore from it\n"
                                    "Restoring container ...\n")
    assert not os.path.exists("/vz/dump/Dump.101")
    assert emu_host.vzctl("status", "101").stdout == "%s 101 exist mounted running\n" % word
    emu_host.vzctl("suspend", "101", "--dumpfile", "/vz/dump/other")
    assert os.path.isfile("/vz/dump/other")
    assert emu_host.vzctl("resume", "101", "--dumpfile", "/vz/dump/other").rc == 0
    emu_host.vzctl("stop", "101")


@LEGACY
def test_restart_and_layout_saved_on_start(emu_host):
    emu_host.create(101)
    text = emu_host.conf(101).replace('VE_LAYOUT="simfs"\n', "")
    emu_host.write_conf(101, text)
    result = emu_host.vzctl("start", "101")
    assert result.stdout.endswith("Container start in progress...\n"
                                  "Saving VE layout 'simfs' to the VE config file\n"
                                  "CT configuration saved to /etc/vz/conf/101.conf\n")
    assert emu_host.conf(101).endswith('VE_LAYOUT="simfs"\n')
    result = emu_host.vzctl("restart", "101")
    assert result.rc == 0
    assert result.stdout.startswith("Restarting container\nStopping container ...\n")
    emu_host.vzctl("stop", "101")


@LEGACY
def test_quota_commands(emu_host):
    emu_host.create(101)
    assert emu_host.vzctl("quotainit", "101").rc == 0
    emu_host.set_global("DISK_QUOTA", "no")
    result = emu_host.vzctl("quotaoff", "101")
    assert (result.rc, result.stdout) == (66, "Disk quota is not enabled, skipping operation\n")
