"""vzctl set: how each option is stored, and the set semantics of vzctl 4.x
(stopped/running CT, --save, --setmode, names, passwords)."""
import os

import pytest

LEGACY = pytest.mark.parametrize("flavour", ["legacy"])


def _line(text, key):
    for line in text.splitlines():
        if line.startswith(key + "="):
            return line
    return None


@LEGACY
@pytest.mark.parametrize("args,expected", [
    (["--kmemsize", "64M:70M"], ['KMEMSIZE="67108864:73400320"']),
    (["--privvmpages", "1G"], ['PRIVVMPAGES="262144"']),
    (["--privvmpages", "2.5G:unlimited"], ['PRIVVMPAGES="655360:unlimited"']),
    (["--lockedpages", "8P"], ['LOCKEDPAGES="8"']),
    (["--tcpsndbuf", "1k:2K"], ['TCPSNDBUF="1024:2048"']),
    (["--dcachesize", "3B"], ['DCACHESIZE="3"']),
    (["--numproc", "240:240"], ['NUMPROC="240"']),
    (["--numproc", "100", "--numproc", "200"], ['NUMPROC="200"']),
    (["--diskspace", "10G"], ['DISKSPACE="10485760:10485760"']),
    (["--diskspace", "1.5G:2G"], ['DISKSPACE="1572864:2097152"']),
    (["--diskinodes", "2M"], ['DISKINODES="2097152:2097152"']),
    (["--quotatime", "600", "--quotaugidlimit", "100"], ['QUOTATIME="600"', 'QUOTAUGIDLIMIT="100"']),
    (["--cpulimit", "25%"], ['CPULIMIT="50"']),
    (["--cpulimit", "150"], ['CPULIMIT="150"']),
    (["--cpus", "0"], ['CPUS="0"']),
    (["--cpuunits", "8"], ['CPUUNITS="8"']),
    (["--cpumask", "0,2-5,7"], ['CPUMASK="0,2-5,7"']),
    (["--cpumask", "all"], ['CPUMASK="all"']),
    (["--onboot", "yes", "--onboot", "no"], ['ONBOOT="yes"']),
    (["--hostname", "a.example", "--hostname", "b.example"], ['HOSTNAME="a.example"']),
    (["--nameserver", "8.8.8.8 1.1.1.1", "--nameserver", "8.8.8.8"], ['NAMESERVER="8.8.8.8 1.1.1.1"']),
    (["--searchdomain", "inherit"], ['SEARCHDOMAIN="inherit"']),
    (["--ipadd", "2001:DB8:0::5/64"], ['IP_ADDRESS="10.0.0.1 2001:db8::5/64"']),
    (["--ipadd", "10.0.0.1/24"], ['IP_ADDRESS="10.0.0.1/24"']),
    (["--ipdel", "all", "--ipadd", "10.0.0.9"], ['IP_ADDRESS="10.0.0.9"']),
    (["--features", "ipgre:on,sysfs:off"], ['FEATURES="sysfs:off ipgre:on"']),
    (["--capability", "chown:on"], ['CAPABILITY="CHOWN:on FS_MASK:on"']),
    (["--capability", "sys_time:off,NET_ADMIN:on"], ['CAPABILITY="NET_ADMIN:on SYS_TIME:off"']),
    (["--devices", "b:8:all:r"], ['DEVICES="b:8:all:r "']),
    (["--devnodes", "null:wr"], ['DEVNODES="null:rw "']),
    (["--iolimit", "unlimited", "--iopslimit", "0"], ['IOLIMIT="0"', 'IOPSLIMIT="0"']),
    (["--iolimit", "2"], ['IOLIMIT="2097152"']),
    (["--meminfo", "none"], ['MEMINFO="none"']),
    (["--vm_overcommit", "1.1"], ['VM_OVERCOMMIT="1.1"']),
    (["--netfilter", "stateful"], ['NETFILTER="stateful"']),
    (["--stop-timeout", "60", "--bootorder", "3"], ['BOOTORDER="3"', 'STOP_TIMEOUT="60"']),
    (["--cpuweight", "3"], ['CPUUWEIGHT="3"']),
    (["--mount_opts", "noatime", "--disabled", "yes"], ['MOUNT_OPTS="noatime"', 'DISABLED="yes"']),
    (["--netif_add", "eth0,00:11:22:33:44:55"],
     ['NETIF="ifname=eth0,mac=00:11:22:33:44:55,host_ifname=veth101.0,host_mac=00:11:22:33:44:55"']),
    (["--netif_add", "eth3,,vhost,,br1"],
     ['NETIF="ifname=eth3,bridge=br1,mac=00:18:51:58:44:26,host_ifname=vhost,'
      'host_mac=00:18:51:8E:1D:00"']),
])
def test_stored_forms(emu_host, args, expected):
    emu_host.create(101, "--ipadd", "10.0.0.1")
    result = emu_host.vzctl("set", "101", *(args + ["--save"]))
    assert result.rc == 0, result
    text = emu_host.conf(101)
    for line in expected:
        assert _line(text, line.split("=")[0]) == line
    assert text.endswith("\n")


@LEGACY
def test_appended_in_vzctl_order(emu_host):
    emu_host.create(101)
    before = emu_host.conf(101)
    emu_host.vzctl("set", "101", "--stop-timeout", "5", "--name", "n1", "--onboot", "yes",
                   "--numproc", "100", "--features", "nfs:on", "--save")
    added = emu_host.conf(101)[len(before):].splitlines()
    assert added == ['NUMPROC="100"', 'ONBOOT="yes"', 'NAME="n1"', 'FEATURES="nfs:on"',
                     'STOP_TIMEOUT="5"']


@LEGACY
def test_stopped_ct_without_save(emu_host):
    emu_host.create(101)
    result = emu_host.vzctl("set", "101", "--hostname", "x.example")
    assert (result.rc, result.stdout, result.stderr) == (
        31, "", "Unable to apply UBC parameters: container is not running\n")
    emu_host.create(102, "--config", "basic")
    result = emu_host.vzctl("set", "102", "--hostname", "x.example")
    assert (result.rc, result.stdout) == (0, "Unable to configure container: not running\n"
                                             "WARNING: Settings were not saved to config "
                                             "(use --save flag)\n")


@LEGACY
@pytest.mark.parametrize("args,rc,stderr", [
    (["--name", "foo"], 131, "Error: unable to use --name option without --save\n"),
    (["--ostemplate", "x"], 20, "Error: unable to use --ostemplate option without --save\n"),
    (["--stop-timeout", "5"], 20, "Error: unable to use --stop-timeout option without --save\n"),
    (["--force", "--hostname", "x"], 20, "Error: --force is useless without --save\n"),
    (["--setmode", "restart", "--hostname", "x"], 20,
     "Error: --setmode restart doesn't make sense without --save flag\n"),
    (["--reset_ub", "--hostname", "x"], 20, "Error: option --reset_ub is exclusive\n"),
    (["--ifname", "eth5", "--bridge", "br0", "--save"], 20,
     "Invalid usage: veth device eth5 is not configured, use --netif_add option first\n"
     "Error: failed to apply some parameters, not saving configuration file!\n"),
    (["--mac", "00:11:22:33:44:55", "--save"], 20,
     "Invalid usage.  Option --ifname not specified\n"
     "Error: failed to apply some parameters, not saving configuration file!\n"),
    (["--applyconfig", "nosuch", "--save"], 109,
     "Sample config file not found: /etc/vz/conf/ve-nosuch.conf-sample\n"
     "Error: failed to apply some parameters, not saving configuration file!\n"),
    (["--ram", "1G", "--save"], 28, "Error: required UB parameter (swap) not set\n"
     "Error: failed to apply some parameters, not saving configuration file!\n"),
])
def test_set_refusals(emu_host, args, rc, stderr):
    emu_host.create(101, "--config", "basic")
    before = emu_host.conf(101)
    result = emu_host.vzctl("set", "101", *args)
    assert (result.rc, result.stderr) == (rc, stderr)
    assert emu_host.conf(101) == before


@LEGACY
def test_set_on_missing_ct_creates_config(emu_host):
    result = emu_host.vzctl("set", "200", "--hostname", "ghost.example", "--save")
    assert result.rc == 0
    assert result.stderr == "WARNING: /etc/vz/conf/200.conf not found: No such file or directory\n"
    assert result.stdout == "CT configuration saved to /etc/vz/conf/200.conf\n"
    assert emu_host.conf(200) == 'HOSTNAME="ghost.example"\n'


@LEGACY
def test_names(emu_host):
    emu_host.create(101)
    emu_host.create(102)
    assert emu_host.vzctl("set", "101", "--name", "a b", "--save").stdout.startswith("Name a b assigned\n")
    assert os.readlink("/etc/vz/names/a b") == "/etc/vz/conf/101.conf"
    result = emu_host.vzctl("set", "101", "--name", "a b", "--save")
    assert result.stdout == "CT configuration saved to /etc/vz/conf/101.conf\n"
    result = emu_host.vzctl("set", "102", "--name", "a b", "--save")
    assert (result.rc, result.stderr) == (131, "Conflict: name a b already used by container 101\n"
                                               "Error: failed to apply some parameters, not saving "
                                               "configuration file!\n")
    emu_host.vzctl("set", "101", "--name", "c+d", "--save")
    assert sorted(os.listdir("/etc/vz/names")) == ["c+d"]
    result = emu_host.vzctl("set", "101", "--name", "bad/name", "--save")
    assert (result.rc, result.stderr) == (21, "Bad parameter for --name: bad/name\n")


def _start(host, ctid):
    result = host.vzctl("start", ctid)
    assert result.rc == 0, result


@LEGACY
def test_running_ct_applies_and_warns(emu_host):
    emu_host.create(101, "--config", "basic", "--ipadd", "10.0.0.1")
    _start(emu_host, 101)
    result = emu_host.vzctl("set", "101", "--cpuunits", "2000", "--ipadd", "10.0.0.2",
                            "--hostname", "live.example")
    assert result.rc == 0
    assert result.stdout == ("Adding IP address(es): 10.0.0.2\nSetting CPU units: 2000\n"
                             "WARNING: Settings were not saved to config and will be lost after "
                             "CT restart (use --save flag)\n")
    assert emu_host.vzctl("exec2", "101", "cat", "/etc/hostname").stdout == "live.example\n"
    result = emu_host.vzctl("set", "101", "--netfilter", "full", "--save")
    assert result.rc == 0
    assert result.stderr == ("Unable to set iptables/netfilter on a running container\n"
                             "WARNING: Some of the parameters could not be applied to a running "
                             "container.\n\tPlease consider using --setmode option\n")
    assert 'NETFILTER="full"' in emu_host.conf(101)
    result = emu_host.vzctl("set", "101", "--root", "/elsewhere", "--save")
    assert (result.rc, result.stderr.splitlines()[0]) == (32, "Unable to change VE_ROOT on a running container")
    result = emu_host.vzctl("set", "101", "--mount_opts", "noatime", "--setmode", "restart", "--save")
    assert result.rc == 0
    assert result.stdout.splitlines()[:3] == ["Restarting container", "Stopping container ...",
                                              "Container was stopped"]
    assert "Container start in progress..." in result.stdout
    assert 'MOUNT_OPTS="noatime"' in emu_host.conf(101)
    assert emu_host.vzctl("stop", "101").rc == 0


def _shadow(host):
    base = "/vz/private/101" if host.flavour == "legacy" else "/vz/private/101/root.hdd/fs"
    with open(base + "/etc/shadow") as handle:
        return handle.read()


def test_userpasswd(emu_host):
    emu_host.create(101, "--config", "basic")
    result = emu_host.vzctl("set", "101", "--userpasswd", "root:s3cret")
    assert result.rc == 0, result
    lines = result.stdout.splitlines()
    assert lines[0] in ("Starting container...", "Starting Container ...")
    assert "WARNING" not in result.stdout
    shadow = _shadow(emu_host)
    assert shadow.startswith("root:$6$")
    assert emu_host.vzctl("status", "101").stdout.endswith("exist unmounted down\n")
    # A user the template lacks (the harness's rootfs has root and nobody).
    result = emu_host.vzctl("set", "101", "--userpasswd", "nosuchuser:x")
    assert result.rc == 74
    assert "Password change failed" in result.stdout
    assert "s3cret" not in emu_host.conf(101)


@LEGACY
def test_userpasswd_on_stopped_vswap_ct(emu_host):
    """vzctl 4.x set(): after the password is set and the CT stopped again,
    the vswap limits it derives are applied to the stopped CT, which fails."""
    emu_host.create(101)
    result = emu_host.vzctl("set", "101", "--userpasswd", "root:s3cret")
    assert result.rc == 31
    assert result.stderr == "Unable to apply UBC parameters: container is not running\n"
    assert _shadow(emu_host).startswith("root:$6$")


@LEGACY
def test_set_save_alone_rewrites_layout(emu_host):
    emu_host.create(101)
    before = emu_host.conf(101)
    result = emu_host.vzctl("set", "101", "--save")
    assert (result.rc, result.stdout) == (0, "CT configuration saved to /etc/vz/conf/101.conf\n")
    assert emu_host.conf(101) == before
