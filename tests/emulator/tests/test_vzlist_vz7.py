"""vzlist stand-in, OpenVZ 7 flavour (OpenVZ/vzctl vz7-u22 src/vzlist.c over
libvzctl): formats and behaviours read from the sources."""
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vzlist_fixtures as F  # noqa: E402

pytestmark = pytest.mark.skipif(F.unavailable_reason() is not None,
                                reason=str(F.unavailable_reason()))

HEADER = "%36s %10s %-9s %-15s %s\n" % ("CTID", "NPROC", "STATUS", "CFG_IP_ADDR", "HOSTNAME")


@pytest.fixture(params=["vz7"])
def vzlist_host(request, tmp_path):
    with F.emulated_host(str(tmp_path), request.param) as host:
        yield host


def conf(ctid, hostname=None, extra="", ip=None):
    """ve.conf roughly as vzctl 7 writes it (VERSION 2, VEID, ploop)."""
    lines = ['VERSION="2"', 'ONBOOT="yes"', 'PHYSPAGES="262144:262144"', 'SWAPPAGES="0"',
             'DISKSPACE="10485760:10485760"', 'DISKINODES="655360:655360"',
             'CPUUNITS="1000"', 'NETFILTER="full"', 'VE_ROOT="/vz/root/$VEID"',
             'VE_PRIVATE="/vz/private/$VEID"', 'OSTEMPLATE=".almalinux-8"', 'VEID="%s"' % ctid]
    if ip is not None:
        lines.append('IP_ADDRESS="%s"' % ip)
    if hostname is not None:
        lines.append('HOSTNAME="%s"' % hostname)
    return "\n".join(lines) + "\n" + extra


def assert_result(result, stdout, stderr="", rc=0):
    assert (result.stdout, result.stderr, result.rc) == (stdout, stderr, rc), result


def make(h, ctid, *args, **kwargs):
    h.write_conf(ctid, conf(ctid, *args, **kwargs))
    os.symlink("5", "/vz/private/%s/.ve.layout" % ctid)


def test_default_listing_and_formats(vzlist_host):
    h = vzlist_host
    make(h, 101, "ct101.example.com", ip="10.0.0.1/24 10.0.0.2")
    make(h, 102, "ct102.example.com")
    h.set_running(102)
    assert_result(h.vzlist(), HEADER + "%36s %10s %-9s %-15s %s\n"
                  % ("102", "0", "running", "-", "ct102.example.com"))
    assert_result(h.vzlist("-a"), HEADER
                  + "%36s %10s %-9s %-15s %s\n" % ("101", "-", "stopped", "10.0.0.1",
                                                   "ct101.example.com")
                  + "%36s %10s %-9s %-15s %s\n" % ("102", "0", "running", "-",
                                                   "ct102.example.com"))
    assert_result(h.vzlist("-1", "-a"), "%36s\n%36s\n" % ("101", "102"))
    assert_result(h.vzlist("-S", "-o", "ctid,configured_ip"),
                  "%36s %s\n%36s 10.0.0.1 10.0.0.2\n" % ("CTID", "CFG_IP_ADDR", "101"))


def test_header_keeps_a_blank_after_a_right_aligned_last_column(vzlist_host):
    make(vzlist_host, 101, "h")
    assert_result(vzlist_host.vzlist("-a", "-o", "hostname,ctid"),
                  "%-32s %36s \n%-32s %36s\n" % ("HOSTNAME", "CTID", "h", "101"))


def test_empty_host(vzlist_host):
    assert_result(vzlist_host.vzlist(), HEADER)
    assert_result(vzlist_host.vzlist("-a", "-j"), "[\n]\n")
    assert_result(vzlist_host.vzlist("-S", "-H"), "")


def test_unknown_and_hidden_containers(vzlist_host):
    h = vzlist_host
    make(h, 101, "h")
    h.write_conf(102, conf(102, "gone"), private=False, vz7_symlink=False)
    # No config at all: the ID itself is refused.
    assert_result(h.vzlist("999"), "", "Container ID 999 is invalid.\n", 1)
    assert_result(h.vzlist("-j", "999"), "", "Container ID 999 is invalid.\n", 1)
    # A config but no private area: not a container.
    assert_result(h.vzlist("102"), "", "Container is not found\n", 1)
    assert_result(h.vzlist("-a", "-H", "-o", "ctid"), "%36s\n" % "101")
    assert_result(h.vzlist("101", "102", "-H", "-o", "ctid"), "%36s\n" % "101")
    # Running without a private area: listed.
    h.set_running(102)
    assert_result(h.vzlist("-H", "-o", "ctid,status"), "%36s running\n" % "102")


def test_json_layout_and_types(vzlist_host):
    h = vzlist_host
    make(h, 101, "ct101.example.com", ip="10.0.0.1/24",
         extra='NAME="web"\nDESCRIPTION="my=20=22desc=22=3D"\nUUID="{A7B3A0D0-1111-4222-8333-444455556666}"\n'
               'NAMESERVER="8.8.8.8"\nFEATURES="sysfs:on nfs:off bridge:on"\n'
               'CPULIMIT="50"\nCPUS="2"\nBOOTORDER="3"\nIOPRIO="4"\nIOLIMIT="10M"\n')
    h.name("web", 101)
    result = h.vzlist("-a", "-j")
    assert result.rc == 0 and result.stderr == ""
    assert result.stdout.startswith('[\n  {\n    "ctid": "101",\n    "private": "/vz/private/101",')
    assert '"description": "my "desc"=",' in result.stdout   # =XX decoded, not escaped
    fixed = result.stdout.replace('"my "desc"="', '"my desc"')
    pairs = json.loads(fixed, object_pairs_hook=lambda items: items)[0]
    keys = [key for key, _value in pairs]
    assert keys == ("ctid,private,root,hostname,name,smart_name,description,ostemplate,"
                    "distribution,ip,configured_ip,nameserver,searchdomain,status,numproc,"
                    "kmemsize,lockedpages,privvmpages,shmpages,numproc,physpages,vmguarpages,"
                    "oomguarpages,numtcpsock,numflock,numpty,numsiginfo,tcpsndbuf,tcprcvbuf,"
                    "othersockbuf,dgramrcvbuf,numothersock,dcachesize,numfile,numiptent,"
                    "swappages,diskspace,diskinodes,laverage,uptime,cpulimit,cpuunits,cpus,"
                    "ioprio,iolimit,iopslimit,onboot,bootorder,layout,features,disabled,"
                    "netfilter").split(",")
    data = json.loads(fixed)[0]
    assert data["smart_name"] == "web" and data["ostemplate"] == ".almalinux-8"
    assert data["distribution"] is None
    assert data["ip"] == ["10.0.0.1"] and data["configured_ip"] == ["10.0.0.1"]
    assert data["nameserver"] == ["8.8.8.8"] and data["searchdomain"] == []
    assert data["physpages"] == {"held": 0, "maxheld": 0, "barrier": 262144, "limit": 262144,
                                 "failcnt": 0}
    assert data["diskspace"] == {"usage": 0, "softlimit": 10485760, "hardlimit": 10485760}
    assert data["laverage"] is None and data["uptime"] == 0.0
    assert (data["cpulimit"], data["cpuunits"], data["cpus"]) == (50, 1000, 2)
    assert (data["ioprio"], data["iolimit"], data["iopslimit"]) == (4, 10485760, 0)
    assert data["onboot"] is True and data["bootorder"] == 3 and data["layout"] == 5
    assert data["features"] == {"nfs": False, "bridge": True}   # sysfs is not shown
    assert data["disabled"] is False and data["netfilter"] == "full"
    result = h.vzlist("-a", "-j", "-o", "uuid,tm,ha_enable,ha_prio,type,autostop,diskspace.s")
    assert json.loads(result.stdout) == [{
        "uuid": "A7B3A0D0-1111-4222-8333-444455556666", "tm": "EZ", "ha_enable": True,
        "ha_prio": None, "type": "regular", "autostop": None,
        "diskspace.s": {"usage": 0, "softlimit": 10485760, "hardlimit": 10485760}}]


def test_json_unset_values(vzlist_host):
    h = vzlist_host
    h.write_conf(101, 'VE_PRIVATE="/vz/private/$VEID"\n')
    data = json.loads(h.vzlist("-a", "-j").stdout)[0]
    # print_name(): "-" in JSON too (transcripts/vz7 10-vzlist vzlist-j)
    assert data["ostemplate"] == "-" and data["netfilter"] == "-" and data["name"] == "-"
    assert data["smart_name"] == "101" and data["ioprio"] is None and data["bootorder"] == 0
    assert data["onboot"] is False and data["layout"] == 0 and data["features"] is None
    assert data["cpulimit"] == 0 and data["cpuunits"] == 0
    assert data["root"] == "/vz/root/101"     # from vz.conf
    assert data["numtcpsock"]["limit"] == 0


def test_status_words_and_paused(vzlist_host):
    h = vzlist_host
    for ctid in (101, 102, 103, 104, 105):
        make(h, ctid, "h%d" % ctid)
    h.set_running(101)
    h.set_running(102, info={"paused": True})
    h.mount_root(103)
    h.write_dump(104)
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,status"),
                  "".join("%36s %s\n" % item for item in (
                      ("101", "running"), ("102", "paused"), ("103", "mounted"),
                      ("104", "suspended"), ("105", "stopped"))))
    # -S drops only CTs whose status is exactly "running".
    assert_result(h.vzlist("-S", "-H", "-o", "ctid"),
                  "".join("%36s\n" % c for c in ("102", "103", "104", "105")))


def test_ctids_sort_as_strings(vzlist_host):
    h = vzlist_host
    for ctid in (101, 1000, 99):
        make(h, ctid, "h")
    assert_result(h.vzlist("-a", "-H", "-o", "ctid"),
                  "".join("%36s\n" % c for c in ("1000", "101", "99")))
    assert_result(h.vzlist("-a", "-H", "-o", "ctid", "-s", "-veid"),
                  "".join("%36s\n" % c for c in ("99", "101", "1000")))


def test_names_and_uuid_ids(vzlist_host):
    h = vzlist_host
    make(h, 101, "h", extra='NAME="web"\n')
    h.name("web", 101)
    uuid = "3f0e4b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f"
    h.write_conf(uuid, conf(uuid, "u", extra='NAME="uu"\nUUID="%s"\n' % uuid))
    assert_result(h.vzlist("web", "-H", "-o", "ctid,name,smart_name"),
                  "%36s %-32s %s\n" % ("101", "web", "web"))
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,uuid"),
                  "%36s %36s\n%36s %36s\n" % ("101", "-", uuid, uuid))
    assert_result(h.vzlist("-a", "-n"),
                  "%36s %10s %-9s %-15s %s\n" % ("CTID", "NPROC", "STATUS", "CFG_IP_ADDR", "NAME")
                  + "%36s %10s %-9s %-15s %s\n" % ("101", "-", "stopped", "-", "web")
                  + "%36s %10s %-9s %-15s %s\n" % (uuid, "-", "stopped", "-", "uu"))


def test_netif_fields(vzlist_host):
    h = vzlist_host
    make(h, 101, "h", extra='NETIF="ifname=eth0,mac=00:18:51:aa:bb:cc,host_ifname=veth101.0,'
                            'host_mac=00:18:51:dd:ee:ff,network=Bridged,ip=192.168.1.5/24:192.168.1.6;'
                            'ifname=eth1,host_ifname=veth101.1,gw=192.168.2.1"\n')
    make(h, 102, "h2", ip="10.0.0.2")
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,ifname,host_ifname,mac,host_mac,gw,netif"),
                  "%36s %-8s %-16s %-17s %-17s %-15s %s\n" % (
                      "101", "eth0", "veth101.0", "00:18:51:AA:BB:CC", "00:18:51:DD:EE:FF",
                      "-", "veth101.0 veth101.1")
                  + "%36s %-8s %-16s %-17s %-17s %-15s %s\n" % ("102", "-", "-", "-", "-", "-", "-"))
    assert_result(h.vzlist("-a", "-H", "-o", "ctid,ifname"),
                  "%36s eth0 eth1\n%36s -\n" % ("101", "102"))
    data = json.loads(h.vzlist("-a", "-j", "-o", "mac,netif,configured_ip,gw").stdout)
    assert data[0] == {"mac": "00:18:51:aa:bb:cc", "netif": "veth101.0",
                       "configured_ip": ["192.168.1.5", "192.168.1.6"], "gw": None}
    assert data[1] == {"mac": None, "netif": None, "configured_ip": ["10.0.0.2"], "gw": None}
    # -i: only CTs with that interface, default columns for it.
    assert_result(h.vzlist("-a", "-i", "veth101.1"),
                  "%36s %-9s %-16s %-15s %s\n" % ("CTID", "STATUS", "HOST_IFNAME", "CFG_IP_ADDR",
                                                  "HOSTNAME")
                  + "%36s %-9s %-16s %-15s %s\n" % ("101", "stopped", "veth101.1", "-", "h"))


def test_other_fields(vzlist_host):
    h = vzlist_host
    make(h, 101, "h", extra='DEVNODES="net/tun:rw fuse:rw "\nHA_ENABLE="no"\nHA_PRIO="7"\n'
                            'ORIGIN_SAMPLE="vswap.512MB"\nDISTRIBUTION="almalinux"\n'
                            'AUTOSTOP="suspend"\nCPULIMIT="500m"\nDISABLED="yes"\n')
    assert_result(h.vzlist("-a", "-H", "-o", "devnodes,ha_enable,ha_prio,origin_sample,"
                           "distribution,autostop,cpulimit,cpulimitM,disabled,layout,ctid"),
                  "net/tun:rw fuse:rw  no                 7 %-32s %-15s suspend       50     500 "
                  "yes         5 %36s\n" % ("vswap.512MB", "almalinux", "101"))
    data = json.loads(h.vzlist("-a", "-j", "-o", "devnodes,slmmode,ctid").stdout.replace(
        '"slmmode": ,', ""))
    assert data == [{"devnodes": {"net/tun": "rw", "fuse": "rw"}, "ctid": "101"}]


def test_list_fields(vzlist_host):
    result = vzlist_host.vzlist("-L")
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names[:6] == ["ctid", "private", "root", "veid", "uuid", "hostname"]
    assert "configured_ip" in names and "netif" in names and "cpulimitM" in names
    assert not [name for name in names if name.startswith("slm")]
    assert result.stdout.splitlines()[0] == "ctid            CTID           "


@pytest.mark.parametrize("argv,stderr,stdout", [
    (["-t"], "vzlist: invalid option -- 't'\n", ""),
    (["-o", "nosuch"], "Unknown field: nosuch\n", ""),
    (["-o", "x" * 40], "Field name %s is unknown.\n" % ("x" * 40), ""),
    (["-s", "-nosuch"], "-nosuch is an invalid field name for this query.\n", ""),
    (["--no-trim"], "vzlist: unrecognized option '--no-trim'\n", ""),
])
def test_errors(vzlist_host, argv, stderr, stdout):
    result = vzlist_host.vzlist(*argv)
    assert result.rc == 1 and result.stdout == stdout, result
    assert result.stderr.startswith(stderr), result
    if "option" in stderr:
        assert result.stderr[len(stderr):].startswith("Usage: vzlist\t[-a|-S]")


def test_not_root(vzlist_host, public_emulator_bin):
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           os.path.join(public_emulator_bin, "vzlist")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        b"", b"This program can be run by root only.\n", 1)


def test_compat_and_long_options(vzlist_host):
    h = vzlist_host
    make(h, 101, "h", extra='UUID="3f0e4b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f"\n')
    assert_result(h.vzlist("--all", "--compat", "--no-header"),
                  "%-9s %-15s %s\n" % ("stopped", "-", "101"))
    assert_result(h.vzlist("--all", "--compat", "-H", "-o", "ctid"),
                  "%36s\n" % "3f0e4b3c-1a2b-4c5d-8e9f-0a1b2c3d4e5f")
    assert_result(h.vzlist("--stopped", "--json", "--output=ctid"), '[\n  {\n    "ctid": "101"\n  }\n]\n')


def test_two_hundred_containers_quickly(vzlist_host):
    h = vzlist_host
    for ctid in range(1000, 1200):
        h.write_conf(ctid, conf(ctid, "ct%d" % ctid))
        if ctid % 4 == 0:
            h.set_running(ctid)
    result = h.vzlist("-a")
    assert result.rc == 0 and len(result.stdout.splitlines()) == 201
    assert result.seconds < 2.0, result.seconds
    result = h.vzlist("-a", "-j")
    assert len(json.loads(result.stdout)) == 200 and result.seconds < 3.0
