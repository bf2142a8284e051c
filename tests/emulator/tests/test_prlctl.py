"""The prlctl stand-in (tests/emulator/vzemu/prlctl.py) on a vz7 host:
``prlctl create NAME --vmtype ct`` makes the container vzctl 7 would, with a
fresh UUID as its id; ``prlctl list -a -j`` lists it as prlctl writes JSON
(sources: docs/openvz-tools.md "prlctl")."""
import json
import os
import re

import pytest

from harness.host import emulator_bins

VZ7 = pytest.mark.parametrize("flavour", ["vz7"])
TEMPLATE = "debian-12.0-x86_64-minimal"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
DEPRECATED = ("WARNING: You are using a deprecated CLI component that won't be installed by "
              "default in the next major release. Please use virsh instead\n")
CREATED = "Creating the Container...\nThe Container has been successfully created.\n"


def _prlctl(host, *argv):
    proc = host.host.run(["prlctl"] + list(argv))
    return proc.returncode, proc.stdout, proc.stderr


def _listing(host):
    rc, out, err = _prlctl(host, "list", "-a", "-j")
    assert (rc, err) == (0, "")
    return out, json.loads(out)


@VZ7
def test_create_by_name_gets_a_uuid_id(emu_host):
    assert _prlctl(emu_host, "create", "MyCT", "--vmtype", "ct", "--ostemplate", TEMPLATE) == (
        0, CREATED, DEPRECATED)
    link = "/etc/vz/names/MyCT"
    veconf = os.readlink(link)
    ctid = veconf.split("/")[-2]
    assert UUID.fullmatch(ctid) and veconf == "/vz/private/%s/ve.conf" % ctid
    assert os.readlink("/etc/vz/conf/%s.conf" % ctid) == veconf
    text = emu_host.conf(ctid)
    for line in ('VEID="%s"' % ctid, 'UUID="%s"' % ctid, 'NAME="MyCT"',
                 'OSTEMPLATE=".%s"' % TEMPLATE):
        assert line in text.splitlines()
    assert os.path.isdir("/vz/private/%s/root.hdd" % ctid)
    # vzctl knows it by name and by id
    assert emu_host.vzctl("status", "MyCT").stdout == "VEID %s exist unmounted down\n" % ctid
    # the dispatcher asks vzpkg for the cache as libvzctl does, and runs no vzctl
    assert [c["tool"] for c in emu_host.calls() if c["tool"] != "vzpkg"] == ["prlctl", "vzctl"]


@VZ7
def test_create_numeric_name_is_the_id(emu_host):
    assert _prlctl(emu_host, "create", "101", "--vmtype", "ct", "--ostemplate", TEMPLATE)[0] == 0
    text = emu_host.conf("101")
    assert 'VEID="101"' in text.splitlines() and "NAME=" not in text
    uuid = re.search(r'^UUID="(.*)"$', text, re.M).group(1)
    _out, rows = _listing(emu_host)
    assert rows == [{"uuid": uuid, "status": "stopped", "ip_configured": "-", "type": "CT",
                     "name": "-"}]


@VZ7
def test_list_json_as_prlctl_writes_it(emu_host):
    assert _listing(emu_host) == ("[\n\n]\n", [])
    emu_host.create("102", "--ipadd", "192.0.2.12", "--ipadd", "192.0.2.13")
    assert _prlctl(emu_host, "create", "web", "--vmtype", "ct", "--ostemplate", TEMPLATE)[0] == 0
    out, rows = _listing(emu_host)
    web = os.readlink("/etc/vz/names/web").split("/")[-2]
    uuid_102 = re.search(r'^UUID="(.*)"$', emu_host.conf("102"), re.M).group(1)
    # sorted by name (an unnamed one has the empty name), tabs, braces stripped
    assert out == ('[\n\t{\n\t\t"uuid": "%s",\n\t\t"status": "stopped",\n\t\t"ip_configured": '
                   '"192.0.2.12",\n\t\t"type": "CT",\n\t\t"name": "-"\n\t},\n\t{\n\t\t"uuid": '
                   '"%s",\n\t\t"status": "stopped",\n\t\t"ip_configured": "-",\n\t\t"type": "CT",'
                   '\n\t\t"name": "web"\n\t}\n]\n' % (uuid_102, web))
    assert emu_host.vzctl("start", "web").rc == 0
    assert [(r["name"], r["status"]) for r in rows] == [("-", "stopped"), ("web", "stopped")]
    _out, rows = _listing(emu_host)
    assert [(r["name"], r["status"]) for r in rows] == [("-", "stopped"), ("web", "running")]
    # without -a: the running ones only
    rc, out, _err = _prlctl(emu_host, "list", "-j")
    assert rc == 0 and [r["name"] for r in json.loads(out)] == ["web"]
    assert emu_host.vzctl("suspend", "web").rc == 0
    _out, rows = _listing(emu_host)
    assert rows[1]["status"] == "suspended"


@VZ7
def test_refusals(emu_host):
    assert _prlctl(emu_host, "create", "web", "--vmtype", "ct", "--ostemplate", TEMPLATE)[0] == 0
    before = emu_host.host.snapshot_files()
    # a name in use, a template that is not there, a bad UUID, a VM
    rc, out, err = _prlctl(emu_host, "create", "web", "--vmtype", "ct", "--ostemplate", TEMPLATE)
    assert (rc, out) == (255, "Creating the Container...\n")
    assert err == DEPRECATED + "Failed to create the virtual machine.\nThe name web is already in use.\n"
    rc, _out, err = _prlctl(emu_host, "create", "other", "--vmtype", "ct", "--ostemplate", "nosuch-9-x86_64")
    assert rc == 255 and err.endswith("Failed to create the virtual machine.\n")
    assert not os.path.lexists("/etc/vz/names/other")
    assert _prlctl(emu_host, "create", "x", "--vmtype", "ct", "--uuid", "nope")[0] == 255
    assert _prlctl(emu_host, "create", "x")[0] == 255
    assert emu_host.host.snapshot_files() == before
    assert _prlctl(emu_host, "create", "x", "--vmtype", "ct", "--bogus") == (
        1, "", "Unrecognized option: --bogus\n")
    assert _prlctl(emu_host, "frobnicate")[:2] == (1, "")
    assert _prlctl(emu_host, "frobnicate")[2].startswith("Unknown action: frobnicate\n")
    assert emu_host.host.snapshot_files() == before


@VZ7
def test_create_with_given_uuid(emu_host):
    given = "c1dee22f-2cd6-4b37-b94f-4f2e1a50cdec"
    assert _prlctl(emu_host, "create", "MyCT", "--vmtype", "ct", "--ostemplate", TEMPLATE,
                   "--uuid", "{%s}" % given.upper())[0] == 0
    assert os.readlink("/etc/vz/names/MyCT") == "/vz/private/%s/ve.conf" % given.upper()


@pytest.mark.parametrize("flavour", ["legacy", "vz7"])
def test_on_path_of_a_vz7_host_only(emu_host):
    found = [os.path.join(str(d), "prlctl") for d in emulator_bins(emu_host.flavour)]
    assert any(os.path.exists(path) for path in found) == (emu_host.flavour == "vz7")
    proc = emu_host.host.run(["sh", "-c", "command -v prlctl || echo none"])
    assert (proc.stdout.strip() == "none") == (emu_host.flavour == "legacy")
