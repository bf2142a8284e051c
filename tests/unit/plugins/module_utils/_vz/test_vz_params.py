"""Task parameters: every hostile value is refused with an error naming the parameter."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_params
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError


def _params(**values):
    params = {key: None for key in vz_params.ARGUMENT_SPEC}
    params.update(values)
    return params


@pytest.mark.parametrize("param, value", [
    ("ctid", "abc"), ("ctid", "0"), ("ctid", "2147483645"), ("ctid", "101; reboot"), ("ctid", "-5"),
    ("hostname", "web1;reboot"), ("hostname", "a b"), ("hostname", "web$(id)"), ("hostname", "a\nb"),
    ("name", 'we"b'), ("name", "web\n1"), ("name", "web`id`"), ("name", "101"), ("name", "a b"),
    ("description", 'say "hi"'), ("description", "back\\slash"), ("description", "$HOME"),
    ("description", "line1\nline2"), ("description", "`id`"),
    ("ip_addresses", ["10.0.0.256"]), ("ip_addresses", ["10.0.0.1/33"]), ("ip_addresses", ["10.0.0.1 10.0.0.2"]),
    ("memory", "12Q"), ("memory", "-1G"), ("memory", "1000"), ("swap", "lots"),
    ("diskspace", "10G:1G"), ("diskspace", "12Q"), ("diskinodes", "x"),
    ("cpuunits", 1), ("cpus", 0), ("cpulimit", -1),
    ("nameservers", ["8.8.8.8; rm"]), ("searchdomains", ["ex ample.com"]),
    ("ostemplate", "../../etc/passwd"), ("ostemplate", "--config=x"), ("config", "basic;id"),
    ("private", "relative/path"), ("private", "/vz/private/$(id)"), ("root", "/vz/../etc"),
    ("features", {"nfs;x": True}), ("features", {"nfs": "maybe"}), ("capabilities", {"net admin": True}),
    ("devnodes", ["../sda:rw"]), ("devnodes", ["tun:rwx"]),
])
def test_hostile_values_are_refused_naming_the_parameter(param, value):
    with pytest.raises(VzInputError) as info:
        vz_params.container_from_params(_params(**{param: value}))
    assert str(info.value).startswith(param)


@pytest.mark.parametrize("netif, field", [
    ({"ifname": "eth0;x"}, "ifname"), ({"ifname": "eth0", "mac": "00:18:51:zz:00:00"}, "mac"),
    ({"ifname": "eth0", "bridge": "br 0"}, "bridge"), ({"ifname": "eth0", "host_mac": "1:2:3"}, "host_mac"),
])
def test_hostile_netifs_are_refused(netif, field):
    full = {"mac": None, "host_ifname": None, "host_mac": None, "bridge": None}
    full.update(netif)
    with pytest.raises(VzInputError) as info:
        vz_params.container_from_params(_params(netifs=[full]))
    assert str(info.value).startswith("netifs[0].%s" % field)


def test_sizes_and_pairs_are_normalised():
    ct = vz_params.container_from_params(_params(
        ctid="101", memory="512M", swap="1G", diskspace="10G:11G", diskinodes="200000",
        ip_addresses=["2001:DB8::0005/64", "10.0.0.1"], capabilities={"net_admin": "on"}))
    assert ct.memory == 512 * 1024 ** 2
    assert ct.swap == 1024 ** 3
    assert ct.diskspace == (10 * 1024 ** 3, 11 * 1024 ** 3)
    assert ct.diskinodes == (200000, 200000)
    assert ct.ip_addresses == ["2001:db8::5/64", "10.0.0.1"]
    assert ct.capabilities == {"NET_ADMIN": True}


def test_unset_parameters_stay_unset():
    ct = vz_params.container_from_params(_params(ctid="101"))
    assert all(getattr(ct, field) is None for field in ("hostname", "memory", "ip_addresses", "onboot"))


def test_password_goes_to_stdin_only():
    assert vz_params.password_stdin({"root_password": "s3cr3t"}) == b"root:s3cr3t\n"
    with pytest.raises(VzInputError):
        vz_params.password_stdin({"root_password": "a\nroot:owned"})
