"""Hostile and colliding input through openvz.vz.container, as a user runs it.

Every refusal names the parameter, makes no tool call and leaves the host
byte-identical; every value that is taken reads back the same from the config
file when a shell sources it.
"""
import json

import pytest

BASE = {"ctid": "101", "ostemplate": "debian-12.0-x86_64-minimal"}


def _play(tasks):
    return json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], indent=1)


def _task(name, args, check=False):
    task = {"name": name, "openvz.vz.container": args, "register": "r", "ignore_errors": True}
    if check:
        task["check_mode"] = True
    return task


def _refused(host, run_playbook, args, param):
    before = host.snapshot_files()
    host.clear_calls()
    result = run_playbook(_play([_task("hostile", args)]))
    task = result.task("hostile")
    assert task["failed"], str(result)
    assert task["result"]["msg"].startswith(param), task["result"]["msg"]
    assert not task["changed"]
    assert host.mutating_calls() == []
    assert host.snapshot_files() == before
    return task["result"]["msg"]


@pytest.mark.parametrize("args, param", [
    # class 1: shell code through an IPv6 scope id
    ({"nameservers": ["fe80::1%$(touch${IFS}x)"]}, "nameservers"),
    ({"nameservers": ["fe80::1%x\nNAME=\"y\""]}, "nameservers"),
    ({"ip_addresses": ["fe80::1%`id`"]}, "ip_addresses"),
    ({"nameservers": ["192.0.2.1/24"]}, "nameservers"),
    # class 2: a trailing newline
    ({"hostname": "a.b\n"}, "hostname"),
    ({"searchdomains": ["example.com\n"]}, "searchdomains"),
    ({"netifs": [{"ifname": "eth0\n"}]}, "netifs[0].ifname"),
    ({"netifs": [{"ifname": "eth0", "bridge": "br0\n"}]}, "netifs[0].bridge"),
    ({"features": {"nfsd\n": True}}, "features"),
    ({"devnodes": ["net/tun:rw\n"]}, "devnodes"),
    # class 3: non-ASCII digits
    ({"ctid": "\u00b2"}, "ctid"),
    ({"ctid": "\u0661\u0660\u0661"}, "ctid"),
    ({"diskinodes": "10:\u00b2"}, "diskinodes"),
    ({"cpus": "\u0662"}, "cpus"),
    # class 4: values vzctl refuses only after create
    ({"memory": "99999999999999999999T"}, "memory"),
    ({"name": "."}, "name"),
    ({"name": ".."}, "name"),
    ({"name": "a" * 300}, "name"),
    ({"devnodes": ["/etc/passwd:rw"]}, "devnodes"),
    ({"devnodes": ["../etc/passwd:rw"]}, "devnodes"),
    ({"devnodes": ["no-such-device:rw"]}, "devnodes"),
    ({"features": {"frobnicate": True}}, "features"),
    ({"description": "x" * 5000}, "description"),
    ({"description": "right\u202eto-left"}, "description"),
    # class 5: paths that collide
    ({"root": "/"}, "root"),
    ({"root": "/etc"}, "root"),
    ({"private": "/vz/private"}, "private"),
    ({"private": "/usr/local/ct"}, "private"),
    ({"private": "/vz/template/cache/x"}, "private"),
    ({"root": "/vz/private/$VEID"}, "root"),
])
def test_refused_before_the_create(openvz_host, run_playbook, args, param):
    wanted = dict(BASE, **args)
    if param in ("nameservers", "ip_addresses"):
        wanted["state"] = "started"
    _refused(openvz_host, run_playbook, wanted, param)


def test_memory_on_a_ubc_profile_without_swap_is_refused_up_front(legacy_host, run_playbook):
    msg = _refused(legacy_host, run_playbook, dict(BASE, config="basic", memory="512M"), "memory")
    assert "swap" in msg
    made = run_playbook(_play([_task("both", dict(BASE, config="basic", memory="512M", swap="256M"))]))
    assert not made.task("both")["failed"], str(made)
    assert 'SWAPPAGES="0:65536"' in legacy_host.conf_text(101)


def _create(host, run_playbook, args):
    made = run_playbook(_play([_task("create", args)]))
    assert not made.task("create")["failed"], str(made)


def test_areas_of_other_containers_are_refused(openvz_host, run_playbook):
    _create(openvz_host, run_playbook, dict(BASE, ip_addresses=["192.0.2.7"]))
    other = dict(BASE, ctid="102")
    _refused(openvz_host, run_playbook, dict(other, private="/vz/private/101/inner"), "private")
    _refused(openvz_host, run_playbook, dict(other, root="/vz/root/101"), "root")
    _refused(openvz_host, run_playbook, dict(other, private="/vz/root/101/srv"), "private")
    msg = _refused(openvz_host, run_playbook, dict(other, ip_addresses=["192.0.2.7"]), "ip_addresses")
    assert "container 101" in msg


def test_destroy_never_deletes_another_containers_files(openvz_host, run_playbook):
    _create(openvz_host, run_playbook, dict(BASE))
    # Made behind the collection's back: vzctl itself takes any path.
    made = openvz_host.run(["vzctl", "create", "102", "--ostemplate", BASE["ostemplate"],
                            "--private", "/vz/private/101/nested"])
    assert made.returncode == 0, made.stderr
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    result = run_playbook(_play([_task("absent", {"ctid": "102", "state": "absent"})]))
    task = result.task("absent")
    assert task["failed"] and "container 101" in task["result"]["msg"], task["result"]["msg"]
    assert openvz_host.mutating_calls() == []
    assert openvz_host.snapshot_files() == before


def test_absent_by_a_name_nobody_has_is_ok(openvz_host, run_playbook):
    result = run_playbook(_play([_task("absent", {"name": "nobody-has-it", "state": "absent"})]))
    task = result.task("absent")
    assert not task["failed"] and not task["changed"], str(result)
    assert openvz_host.mutating_calls() == []


def test_xml_declared_encoding_is_honoured(openvz_host, run_playbook):
    xml = ("<?xml version='1.0' encoding='ISO-8859-1'?>\n<domain type='openvz' id='101'>"
           "<name>101</name><description>caf\u00e9</description>"
           "<devices><filesystem type='template'><source name='debian-12.0-x86_64-minimal'/>"
           "<target dir='/'/></filesystem></devices></domain>")
    result = run_playbook(_play([_task("xml", {"xml": xml})]))
    assert not result.task("xml")["failed"], str(result)
    assert 'DESCRIPTION="caf\u00e9"' in openvz_host.conf_text(101)
    again = run_playbook(_play([_task("xml", {"xml": xml})]))
    assert not again.task("xml")["changed"]


@pytest.mark.parametrize("xml, param", [
    ("<domain type='openvz' id='101'><uuid>not-a-uuid;reboot</uuid></domain>", "xml: <uuid>"),
    ("<domain type='openvz' id='\u00b2'/>", "xml: domain id"),
    ("<domain type='openvz' id='101'><memory>\u00b2</memory></domain>", "xml: <memory>"),
    ("<domain type='openvz' id='101'><memory unit='KiB'>1025</memory></domain>", "xml: <memory>"),
    ("<domain type='openvz' id='101'><cputune><quota>1000000000</quota></cputune></domain>",
     "xml: <cputune><quota>"),
    ("<domain type='openvz' id='101'><devices><filesystem type='template'><source name='d'/>"
     "<space_hard_limit unit='bytes'>1025</space_hard_limit></filesystem></devices></domain>",
     "xml: <space_hard_limit>"),
    ("<domain type='openvz' id='101'><metadata><vz:container xmlns:vz='https://github.com/"
     "openvz-collections/openvz.vz/xmlns/container/1.0'><vz:nameservers><vz:nameserver>fe80::1%$(id)"
     "</vz:nameserver></vz:nameservers></vz:container></metadata></domain>", "xml: <vz:nameserver>"),
])
def test_hostile_xml_is_refused(openvz_host, run_playbook, xml, param):
    _create(openvz_host, run_playbook, dict(BASE))
    _refused(openvz_host, run_playbook, {"xml": xml}, param)


def test_a_host_config_with_any_bytes_is_read_not_crashed_on(openvz_host, run_playbook):
    """vzctl stores what it is given; another tool (or a panel) may have written anything."""
    _create(openvz_host, run_playbook, dict(BASE))
    path = "/etc/vz/conf/101.conf"
    with open(path, "ab") as handle:
        handle.write(b'DESCRIPTION="ctl\x01 \xff\xfe latin-1 caf\xe9"\nHOSTNAME="h\x1b[31m.example.com"\n')
    result = run_playbook(_play([
        _task("container", {"ctid": "101", "onboot": True}),
        {"name": "info", "openvz.vz.container_info": {"ctid": ["101"]}, "register": "i"},
    ]))
    task = result.task("container")
    assert not task["failed"], str(result)
    assert "\ufffd" in task["result"]["xml"] and "<description>" in task["result"]["xml"]
    info = result.task("info")
    assert not info["failed"], str(result)
    assert "\ufffd" in info["result"]["xml"]["101"]
