"""vz_migrate: what the migrate module takes as a destination, and the vzmigrate argv it builds."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_migrate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError


@pytest.mark.parametrize("value, legacy, expected", [
    ("hv2", True, (None, "hv2")),
    ("hv2.example.com", False, (None, "hv2.example.com")),
    ("root@10.0.0.2", True, ("root", "10.0.0.2")),
    ("migrator@hv2", False, ("migrator", "hv2")),
    ("2001:db8::2", False, (None, "2001:db8::2")),
])
def test_destinations_taken(value, legacy, expected):
    assert vz_migrate.destination(value, legacy) == expected


@pytest.mark.parametrize("value, legacy", [
    ("-oProxyCommand=x", False), ("hv2 -p 2", False), ("hv2;id", False), ("$(id)", False),
    ("hv2\n", False), ("", False), ("@hv2", False), ("Root@hv2", False), ("a@b@c", False),
    ("hv-.example", False), ("bob@hv2", True), ("hv2\x00", False), ("h\u00e9", False),
    ("a" * 64, False), ("[2001:db8::2]", False),
])
def test_destinations_refused_naming_dest(value, legacy):
    with pytest.raises(VzInputError) as caught:
        vz_migrate.destination(value, legacy)
    assert str(caught.value).startswith("dest: ")


def test_bridges_of_netif():
    netif = ("ifname=eth0,mac=00:18:51:AA:BB:CC,host_ifname=veth101.0,bridge=br0;"
             "ifname=eth1,bridge=vmbr1;ifname=eth2,bridge=br0;ifname=eth3")
    assert vz_migrate.bridges(netif) == ["br0", "vmbr1"]
    assert vz_migrate.bridges(None) == []


def _wanted(**over):
    wanted = {"user": None, "host": "hv2", "online": False, "keep_source": False, "start": True,
              "new_ctid": None}
    wanted.update(over)
    return wanted


@pytest.mark.parametrize("vz7, wanted, dry_run, argv", [
    (False, _wanted(), False, ["vzmigrate", "-r", "yes", "hv2", "101"]),
    (False, _wanted(user="root", online=True, keep_source=True), True,
     ["vzmigrate", "-r", "no", "--online", "--dry-run", "hv2", "101"]),
    (True, _wanted(user="root", start=False, new_ctid="202"), False,
     ["vzmigrate", "-r", "yes", "--nostart", "--new-id=202", "root@hv2", "101"]),
])
def test_command(vz7, wanted, dry_run, argv):
    assert vz_migrate.Migration(None, False, vz7).command(wanted, "101", dry_run=dry_run) == argv


@pytest.mark.parametrize("params, param", [
    ({"dest": "hv2"}, "ctid"),
    ({"ctid": "1;2", "dest": "hv2"}, "ctid"),
    ({"ctid": "101", "dest": "hv2", "new_ctid": "x"}, "new_ctid"),
    ({"name": "a/b", "dest": "hv2"}, "name"),
])
def test_validate_names_the_parameter(params, param):
    full = {"ctid": None, "name": None, "new_ctid": None, "online": False, "keep_source": False,
            "start": True}
    full.update(params)
    with pytest.raises(VzInputError) as caught:
        vz_migrate.Migration(None, False, True).validate(full)
    assert str(caught.value).startswith(param + ": ")


def test_legacy_refuses_what_its_vzmigrate_lacks():
    base = {"ctid": "101", "name": None, "dest": "hv2", "new_ctid": None, "online": False,
            "keep_source": False, "start": True}
    for over, param in (({"new_ctid": "102"}, "new_ctid"), ({"start": False}, "start")):
        with pytest.raises(VzInputError) as caught:
            vz_migrate.Migration(None, False, False).validate(dict(base, **over))
        assert str(caught.value).startswith(param + ": ")
