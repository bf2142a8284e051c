"""vz_conf: CTID.conf and vz.conf read the way vzctl reads them, and the container model made of them.

The raw reader is checked against explicit values (the emulator's reader is held
to the same ones in tests/emulator/tests/test_collection_agrees.py);
container_from_conf through what a user sees in the returned container dictionary.
"""
import os

import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_model import container_from_conf
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_conf import (
    ConfFile, ctid_for_name, expand_veid, parse_conf_text, read_conf, read_globals)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzConfigError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import KIB, LONG_MAX, PAGE

PATH = "/etc/vz/conf/101.conf"
NO_GLOBALS = ConfFile(vz_conf.VZ_CONF, {})


# ------------------------------------------------------------------ the raw reader

READ_CASES = [
    ('HOSTNAME="web1"\n', {"HOSTNAME": "web1"}),
    ("HOSTNAME=web1\n", {"HOSTNAME": "web1"}),
    ('  HOSTNAME="web1"  \n', {"HOSTNAME": "web1"}),
    ('DESCRIPTION="  spaced  "\n', {"DESCRIPTION": "  spaced  "}),  # inside quotes kept
    ('A=""\nB=\n', {"A": "", "B": ""}),
    ('A="a=b"\n', {"A": "a=b"}),  # the first = splits
    # Backslashes: each escapes the next character, quotes included.
    ('A="a\\"b"\n', {"A": 'a"b'}),
    ('A="a\\\\b"\n', {"A": "a\\b"}),
    ("A=a\\ b\n", {"A": "a b"}),
    # Between the first and the last quote, quotes are text; after the last, nothing counts.
    ('A="x"y"\n', {"A": 'x"y'}),
    ('A="v" # note\n', {"A": "v"}),
    # Single quotes are not quotes to vzctl.
    ("A='q'\n", {"A": "'q'"}),
    # Comments, blank lines and lines without =.
    ('# HOSTNAME="no"\n  #A=1\n\nJUNK\nB="2"\n', {"B": "2"}),
    # An opening quote without a closing one: vzctl skips the line (and keeps an earlier value).
    ('A="\n', {}),
    ('A="abc\n', {}),
    ('A="1"\nA="\n', {"A": "1"}),
    ("A=1\r\nB=2\r\n", {"A": "1", "B": "2"}),
]


@pytest.mark.parametrize("text, values", READ_CASES)
def test_values_are_read_as_vzctl_reads_them(text, values):
    assert parse_conf_text(text, PATH).values == values


def test_uuid_lines():
    conf = parse_conf_text('#UUID: 8d5e3d7c-1b0a-4d43-a3a0-2f9f1a1e6c11\n#UUID: other\nNAME="web"\n', PATH)
    # The first one counts (libvirt writes one); it is no value and no ordinary comment.
    assert conf.uuid == "8d5e3d7c-1b0a-4d43-a3a0-2f9f1a1e6c11"
    assert conf.values == {"NAME": "web"}
    assert parse_conf_text("  #UUID:abc  \n", PATH).uuid == "abc"
    assert parse_conf_text('# UUID: abc\nNAME="web"\n', PATH).uuid is None
    assert parse_conf_text('NAME="web"\n', PATH).uuid is None


@pytest.mark.parametrize("text, values", [
    # Lists add up.
    ('IP_ADDRESS="192.0.2.1"\nIP_ADDRESS="192.0.2.2"\n', {"IP_ADDRESS": "192.0.2.1 192.0.2.2"}),
    ('FEATURES="nfs:on"\nFEATURES="sysfs:off"\n', {"FEATURES": "nfs:on sysfs:off"}),
    ('DEVNODES=""\nDEVNODES="net/tun:rw"\n', {"DEVNODES": "net/tun:rw"}),
    # Limits and VE_LAYOUT keep the last line.
    ('PHYSPAGES="0:1"\nPHYSPAGES="0:2"\n', {"PHYSPAGES": "0:2"}),
    ('VE_LAYOUT=simfs\nVE_LAYOUT=ploop\n', {"VE_LAYOUT": "ploop"}),
    # Everything else keeps the first (vzctl warns "duplicate for KEY").
    ('HOSTNAME="a"\nHOSTNAME="b"\n', {"HOSTNAME": "a"}),
    ('DISKSPACE="1:1"\nDISKSPACE="2:2"\n', {"DISKSPACE": "1:1"}),
    ('NAME="web"\nNAME=""\n', {"NAME": "web"}),
])
def test_a_repeated_key_follows_the_duplicate_policy(text, values):
    assert parse_conf_text(text, PATH).values == values


def test_conf_file_get_and_path():
    conf = parse_conf_text('NAME="web"\n', PATH)
    assert (conf.path, conf.get("NAME"), conf.get("HOSTNAME"), conf.get("HOSTNAME", "-")) == (PATH, "web", None, "-")


def test_read_conf_replaces_undecodable_bytes(tmp_path):
    path = tmp_path / "101.conf"
    path.write_bytes(b'NAME="web"\nDESCRIPTION="caf\xe9 \xff\xfe"\nHOSTNAME="h\xc3\xa9"\n')
    conf = read_conf(str(path))
    assert conf.values == {"NAME": "web", "DESCRIPTION": "caf\ufffd \ufffd\ufffd", "HOSTNAME": "h\u00e9"}
    assert conf.path == str(path)


def test_read_globals(tmp_path, monkeypatch):
    missing = tmp_path / "vz.conf"
    monkeypatch.setattr(vz_conf, "VZ_CONF", str(missing))
    # No vz.conf is no defaults, not an error.
    assert (read_globals().values, read_globals().path) == ({}, str(missing))
    missing.write_text('VE_ROOT=/vz/root/$VEID\nVE_PRIVATE="/vz/private/$VEID"\n# VE_LAYOUT=ploop\n')
    assert read_globals().values == {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"}


@pytest.mark.parametrize("template, expanded", [
    ("/vz/private/$VEID", "/vz/private/101"),
    ("/vz/$VEID/$VEID", "/vz/101/101"),
    ("/vz/private/101", "/vz/private/101"),
    ("", ""),
    (None, None),
])
def test_expand_veid(template, expanded):
    assert expand_veid(template, "101") == expanded


@pytest.fixture
def names(tmp_path, monkeypatch):
    directory = tmp_path / "names"
    directory.mkdir()
    monkeypatch.setattr(vz_conf, "NAMES_DIR", str(directory))
    return directory


@pytest.mark.parametrize("target, ctid", [
    ("/etc/vz/conf/101.conf", "101"),
    ("../conf/2147483644.conf", "2147483644"),
    # Only the link's file name counts, as for vzctl's get_veid_by_name().
    ("/somewhere/else/102.conf", "102"),
    ("/etc/vz/conf/101", None),
    ("/etc/vz/conf/101.conf.bak", None),
    ("/etc/vz/conf/web.conf", None),
    ("/etc/vz/conf/.conf", None),
    ("/etc/vz/conf/-1.conf", None),
    ("/etc/vz/conf/\u0661\u0660\u0661.conf", None),  # Arabic-Indic digits are no CTID
    ("/etc/passwd", None),
    ("/etc/vz/conf/", None),
])
def test_ctid_for_name_reads_the_link(names, target, ctid):
    os.symlink(target, str(names / "web"))
    assert ctid_for_name("web") == ctid


def test_ctid_for_name_without_a_link(names):
    assert ctid_for_name("web") is None
    (names / "web").write_text("101\n")  # a file, not a link
    assert ctid_for_name("web") is None
    (names / "dir").mkdir()
    assert ctid_for_name("dir") is None


# ------------------------------------------------------------------ container_from_conf

def _container(text, globals_text=None):
    globals_ = parse_conf_text(globals_text, vz_conf.VZ_CONF) if globals_text is not None else NO_GLOBALS
    return container_from_conf("101", parse_conf_text(text, PATH), globals_).to_dict()


def test_an_empty_config_is_a_container_with_nothing_set():
    ct = _container("")
    assert (ct["ctid"], ct["name"], ct["layout"], ct["ip_addresses"], ct["netifs"]) == ("101", None, "simfs", [], [])
    assert [key for key, value in ct.items() if value not in (None, [], "101", "simfs")] == []


@pytest.mark.parametrize("text, uuid", [
    # vzctl 7 writes the CT's UUID into ve.conf; it wins over a libvirt comment
    ('UUID="8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"\n', "8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"),
    ('UUID="{8A3A5B1E-4E4B-4D39-9A1B-0C6F5E1F2A3B}"\n#UUID: other\n', "8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"),
    ("#UUID: b0d03461-ac2a-4c8c-a93c-11dc0fec157c\n", "b0d03461-ac2a-4c8c-a93c-11dc0fec157c"),
    # no UUID at all, or one that is none: no <uuid>, never a guess
    ("", None),
    ('UUID="8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3"\n', None),
    ('UUID="8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b; reboot"\n', None),
])
def test_the_uuid_is_ve_conf_s_else_libvirt_s(text, uuid):
    assert _container(text)["uuid"] == uuid


def test_units_become_bytes():
    ct = _container('PHYSPAGES="0:262144"\nSWAPPAGES="0:512M"\nDISKSPACE="1048576:1153434"\n'
                    'DISKINODES="200000:220000"\n')
    assert ct["memory"] == 262144 * PAGE == 1024 ** 3  # pages; the limit counts, not the barrier
    assert ct["swap"] == 512 * KIB ** 2  # a suffixed value is bytes
    assert ct["diskspace"] == {"soft": 1048576 * KIB, "hard": 1153434 * KIB}  # KiB
    assert ct["diskinodes"] == {"soft": 200000, "hard": 220000}  # inodes, no unit


@pytest.mark.parametrize("value", ["unlimited", "0:unlimited", "0:%d" % LONG_MAX, "%d" % LONG_MAX])
def test_unlimited_memory_is_none(value):
    ct = _container('PHYSPAGES="%s"\nSWAPPAGES="%s"\n' % (value, value))
    assert (ct["memory"], ct["swap"]) == (None, None)


def test_ubc_limits_are_in_their_own_units():
    ct = _container('KMEMSIZE="1M:2M"\nNUMPROC="100:200"\nPRIVVMPAGES="unlimited"\nPHYSPAGES="0:1"\n')
    # memory and swap are not repeated among the UBC values.
    assert ct["ubc"] == {"kmemsize": [KIB ** 2, 2 * KIB ** 2], "numproc": [100, 200],
                         "privvmpages": [LONG_MAX, LONG_MAX]}


def test_vz_conf_supplies_the_area_and_layout_defaults():
    globals_text = 'VE_ROOT="/vz/root/$VEID"\nVE_PRIVATE="/vz/private/$VEID"\nVE_LAYOUT="ploop:expanded"\n'
    ct = _container("", globals_text)
    assert (ct["private"], ct["root"], ct["layout"]) == ("/vz/private/$VEID", "/vz/root/$VEID", "ploop")
    own = _container('VE_PRIVATE="/data/101"\nVE_ROOT="/mnt/101"\nVE_LAYOUT="simfs"\n', globals_text)
    assert (own["private"], own["root"], own["layout"]) == ("/data/101", "/mnt/101", "simfs")


def test_no_address_placeholders_are_dropped():
    ct = _container('IP_ADDRESS="0.0.0.0 192.0.2.1 :: 2001:db8::1/64"\n')
    assert ct["ip_addresses"] == ["192.0.2.1", "2001:db8::1/64"]
    assert _container('IP_ADDRESS="0.0.0.0"\n')["ip_addresses"] == []


def test_netifs():
    ct = _container('NETIF="ifname=eth0,mac=00:18:51:00:00:01,host_ifname=veth101.0,host_mac=00:18:51:00:00:02,'
                    'bridge=vmbr0;ifname=eth1;"\n')
    # vzctl 4.x's entries have none of vzctl 7's fields.
    vz7_fields = dict(network=None, gateway=None, gateway6=None, dhcp=None, dhcp6=None, ip_addresses=None)
    assert ct["netifs"] == [
        dict({"ifname": "eth0", "mac": "00:18:51:00:00:01", "host_ifname": "veth101.0",
              "host_mac": "00:18:51:00:00:02", "bridge": "vmbr0"}, **vz7_fields),
        dict({"ifname": "eth1", "mac": None, "host_ifname": None, "host_mac": None, "bridge": None}, **vz7_fields),
    ]
    assert _container('NETIF=""\n')["netifs"] == []
    assert _container('NETIF=";;"\n')["netifs"] == []


def test_other_fields():
    ct = _container('NAME="web"\nHOSTNAME="web.example.com"\nONBOOT="no"\nCPUS="2"\nCPULIMIT="150"\n'
                    'NAMESERVER="192.0.2.53 192.0.2.54"\nSEARCHDOMAIN=""\nFEATURES="NFS:on,sysfs:off"\n'
                    'CAPABILITY="net_admin:on"\nDEVNODES="net/tun:rw"\nOSTEMPLATE="debian-12.0-x86_64"\n'
                    'ORIGIN_SAMPLE="basic"\n#UUID: 8d5e3d7c-1b0a-4d43-a3a0-2f9f1a1e6c11\n')
    assert {key: ct[key] for key in ("name", "hostname", "onboot", "cpus", "cpulimit", "nameservers", "searchdomains",
                                     "features", "capabilities", "devnodes", "ostemplate", "profile", "uuid")} == {
        "name": "web", "hostname": "web.example.com", "onboot": False, "cpus": 2, "cpulimit": 150,
        "nameservers": ["192.0.2.53", "192.0.2.54"], "searchdomains": [],
        "features": {"nfs": True, "sysfs": False}, "capabilities": {"NET_ADMIN": True},
        "devnodes": ["net/tun:rw"], "ostemplate": "debian-12.0-x86_64", "profile": "basic",
        "uuid": "8d5e3d7c-1b0a-4d43-a3a0-2f9f1a1e6c11"}
    assert _container('NAME=""\n')["name"] is None


@pytest.mark.parametrize("line, key, reason", [
    ('NETIF="mac=00:18:51:00:00:01"', "NETIF", "an entry has no ifname"),
    ('NETIF="ifname=eth0;bridge=vmbr0"', "NETIF", "an entry has no ifname"),
    ('NETIF="ifname=eth0,junk"', "NETIF", "expected key=value items"),
    ('CPUS="two"', "CPUS", "not an integer"),
    ('STOP_TIMEOUT="1.5"', "STOP_TIMEOUT", "not an integer"),
    ('ONBOOT="maybe"', "ONBOOT", "expected yes or no"),
    ('PHYSPAGES="lots"', "PHYSPAGES", "not a number: 'lots'"),
    ('DISKSPACE="1:2:3"', "DISKSPACE", "expected value or value:value, got '1:2:3'"),
    ('NUMPROC="10K"', "NUMPROC", "unit suffix not allowed: '10K'"),
    ('FEATURES="nfs"', "FEATURES", "expected name:on|off items"),
    ('CAPABILITY="net_admin:yes"', "CAPABILITY", "expected name:on|off items"),
])
def test_a_value_that_cannot_be_parsed_is_an_error_naming_the_key(line, key, reason):
    with pytest.raises(VzConfigError) as info:
        _container(line + "\n")
    value = line.split("=", 1)[1].strip('"')
    assert info.value.key == key
    assert str(info.value) == "%s: cannot parse %s=%r: %s" % (PATH, key, value, reason)


def test_an_integer_in_non_ascii_digits_is_an_error():
    with pytest.raises(VzConfigError):
        _container('CPUS="\u0662"\n')
