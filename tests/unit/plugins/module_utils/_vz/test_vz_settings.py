"""The Setting table: one declaration per setting, and what is generated from it.

Every module's DOCUMENTATION must equal the argument spec it runs with, the
containers role must take exactly the generated parameters, and parameters
and domain XML must go through the same parser (the three drift bugs of
issue 11 are pinned here).
"""
import importlib
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.openvz.vz.plugins.module_utils._vz import (
    vz_conf, vz_model, vz_params, vz_plan, vz_settings, vz_xml)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError
from ansible_collections.openvz.vz.tests.unit.support import module_docs

REPO = Path(__file__).resolve().parents[5]
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
NS = vz_xml.NS


# ----------------------------------------------------------- DOCUMENTATION == spec

_documented_options = module_docs.documented_options


class _Captured(Exception):
    pass


def _runtime_spec(module, monkeypatch):
    """The argument_spec the module hands AnsibleModule, captured before it parses anything."""
    mod = importlib.import_module("ansible_collections.openvz.vz.plugins.modules." + module)
    seen = {}

    def capture(self, argument_spec, **kwargs):
        seen.update(argument_spec)
        raise _Captured()

    monkeypatch.setattr(mod, "AnsibleModule", type("Capture", (), {"__init__": capture}))
    with pytest.raises(_Captured):
        mod.main()
    return seen


def _normalise(spec):
    """The keys DOCUMENTATION and argument_spec share, with Ansible's defaults filled in."""
    result = {
        "type": spec.get("type", "str"),
        "required": bool(spec.get("required", False)),
        "default": spec.get("default"),
        "choices": list(spec["choices"]) if spec.get("choices") is not None else None,
        "elements": spec.get("elements"),
    }
    sub = spec.get("options") or spec.get("suboptions")
    if sub:
        result["options"] = dict((key, _normalise(value)) for key, value in sub.items())
    return result


@pytest.mark.parametrize("module", MODULES)
def test_documentation_options_equal_the_argument_spec(module, monkeypatch):
    runtime = _runtime_spec(module, monkeypatch)
    documented = _documented_options(module)
    assert sorted(documented) == sorted(runtime)
    for name in runtime:
        assert _normalise(documented[name]) == _normalise(runtime[name]), name
        # DOCUMENTATION has no no_log key: a secret option says so in words, and only it does.
        description = documented[name]["description"]
        text = " ".join(description) if isinstance(description, list) else description
        assert ("C(no_log)" in text) == bool(runtime[name].get("no_log")), name


@pytest.mark.parametrize("module", MODULES)
def test_options_named_like_secrets_say_whether_they_are(module, monkeypatch):
    """AnsibleModule warns on every task for an option whose name looks like a
    password (its PASSWORD_MATCH) unless the spec sets no_log either way."""
    from ansible.module_utils.basic import PASSWORD_MATCH

    def walk(spec, prefix=""):
        for name, option in spec.items():
            yield prefix + name, name, option
            yield from walk(option.get("options") or {}, prefix + name + ".")

    unsaid = [path for path, name, option in walk(_runtime_spec(module, monkeypatch))
              if PASSWORD_MATCH.search(name) and option.get("no_log") is None]
    assert unsaid == []


def test_the_container_module_runs_with_the_generated_spec(monkeypatch):
    runtime = _runtime_spec("container", monkeypatch)
    for setting in vz_settings.SETTINGS:
        if setting.param:
            assert runtime[setting.param] == setting.spec, setting.name
    # Secrets never show, whatever the table says elsewhere.
    assert runtime["root_password"]["no_log"] is True


# ----------------------------------------------------------- the roles

ROLE = REPO / "roles" / "containers"


def test_role_items_take_the_generated_parameters_with_their_types():
    spec = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]
    items = spec["options"]["openvz_containers"]["options"]
    assert sorted(items) == sorted(vz_params.ARGUMENT_SPEC)
    for setting in vz_settings.SETTINGS:
        if setting.param:
            assert _normalise(items[setting.param]) == _normalise(setting.spec), setting.param


def test_role_vars_list_the_generated_setting_and_integer_keys():
    role_vars = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    # `xml` excludes every setting but the name, which may select the container.
    assert sorted(role_vars["openvz_containers__setting_keys"]) == sorted(
        param for param in vz_settings.PARAMS if param != "name")
    integers = [s.param for s in vz_settings.SETTINGS if s.param and hasattr(s.parse, "bounds")]
    assert sorted(role_vars["openvz_containers__integer_keys"]) == sorted(["ctid"] + integers)


def test_role_passes_its_items_whole_so_every_generated_parameter_reaches_the_module():
    tasks = yaml.safe_load((ROLE / "tasks" / "main.yml").read_text())
    converging = [task["openvz.vz.containers"] for task in tasks if "openvz.vz.containers" in task]
    assert [args["containers"] for args in converging] == ["{{ openvz_containers }}"]
    assert converging[0]["defaults"] == "{{ openvz_containers_defaults }}"
    assert not [task for task in tasks if "openvz.vz.container" in task]


# ----------------------------------------------------------- the table itself

def test_each_conf_key_and_option_belongs_to_one_setting():
    keys = vz_settings.conf_keys()
    assert len(keys) == len(set(keys))
    flags = [s.create_flag for s in vz_settings.SETTINGS if s.create_flag]
    assert len(flags) == len(set(flags))


def test_model_fields_are_the_settings_plus_identity():
    assert vz_model.Container.__slots__ == vz_settings.FIELDS + ("status",)


def test_a_setting_missing_on_a_flavour_says_why():
    for setting in vz_settings.SETTINGS:
        for flavour in vz_settings.FLAVOURS:
            if flavour not in setting.flavours:
                assert setting.unsupported.get(flavour), (setting.name, flavour)


# ----------------------------------------------------------- one parser for params and XML

def _xml(body, meta=""):
    return ("<domain type='openvz' id='101'><name>101</name>"
            "<metadata><vz:container xmlns:vz='%s'>%s</vz:container></metadata>%s</domain>"
            % (NS, meta, body))


@pytest.mark.parametrize("params, xml, label", [
    # RAM is whole pages: 1025 KiB is refused both ways (it used to plan --ram 1025K from XML).
    ({"memory": "1025K"}, _xml("<memory unit='KiB'>1025</memory>"), "memory"),
    # cpulimit has one bound, 409600 (an XML quota of 1e9 used to plan --cpulimit 1000000).
    ({"cpulimit": "1000000"}, _xml("<cputune><period>100000</period><quota>1000000000</quota></cputune>"),
     "cpulimit"),
    # DISKSPACE is whole KiB (1025 bytes in XML used to become --diskspace 1K:1K).
    ({"diskspace": "1025"}, _xml("<devices><filesystem type='template'><source name='d'/><target dir='/'/>"
                                 "<space_hard_limit unit='bytes'>1025</space_hard_limit></filesystem></devices>"),
     "diskspace"),
    ({"cpuunits": "7"}, _xml("<cputune><shares>7</shares></cputune>"), "cpuunits"),
    ({"stop_timeout": "86401"}, _xml("", "<vz:stop_timeout>86401</vz:stop_timeout>"), "stop_timeout"),
    ({"iolimit": "2G"}, _xml("", "<vz:iolimit>2147483648</vz:iolimit>"), "iolimit"),
    ({"iopslimit": "\u0662"}, _xml("", "<vz:iopslimit>\u0662</vz:iopslimit>"), "iopslimit"),
    ({"diskinodes": "10:5"}, _xml("", "<vz:diskinodes soft='10' hard='5'/>"), "diskinodes"),
    ({"cpumask": "1-0"}, _xml("", "<vz:cpumask>1-0</vz:cpumask>"), "cpumask"),
    ({"nodemask": "auto"}, _xml("", "<vz:nodemask>auto</vz:nodemask>"), "nodemask"),
    ({"memguarantee": "\u0665"}, _xml("", "<vz:memguarantee>\u0665</vz:memguarantee>"), "memguarantee"),
    ({"bindmounts": [{"dst": "/mnt/a b"}]}, _xml("", "<vz:bindmounts><vz:bindmount dst='/mnt/a b'/></vz:bindmounts>"),
     "bindmounts dst"),
    ({"netifs": [{"ifname": "eth0", "gateway": "192.0.2.1/24"}]},
     _xml("<devices><interface type='bridge'><guest dev='eth0'/>"
          "<route family='ipv4' address='0.0.0.0' prefix='0' gateway='192.0.2.1/24'/></interface></devices>"),
     "netifs[0].gateway"),
])
def test_parameters_and_xml_refuse_the_same_values(params, xml, label):
    with pytest.raises(VzInputError) as from_params:
        vz_params.container_from_params(params)
    assert from_params.value.param == label
    with pytest.raises(VzInputError) as from_xml:
        vz_xml.from_xml(xml)
    assert from_xml.value.param.startswith("xml: ")


@pytest.mark.parametrize("params, xml", [
    ({"memory": "1M"}, _xml("<memory unit='KiB'>1024</memory>")),
    ({"cpulimit": "150"}, _xml("<cputune><period>100000</period><quota>150000</quota></cputune>")),
    ({"iolimit": "10M"}, _xml("", "<vz:iolimit>10485760</vz:iolimit>")),
    ({"iopslimit": 100}, _xml("", "<vz:iopslimit>100</vz:iopslimit>")),
    ({"diskinodes": "200000:220000"}, _xml("", "<vz:diskinodes soft='200000' hard='220000'/>")),
    ({"cpumask": "3,0-1", "nodemask": "all"}, _xml("", "<vz:cpumask>0-1,3</vz:cpumask><vz:nodemask>all</vz:nodemask>")),
    ({"memguarantee": "40", "autostop": "stop"}, _xml("", "<vz:memguarantee>40</vz:memguarantee>"
                                                          "<vz:autostop>stop</vz:autostop>")),
    ({"bindmounts": [{"src": "/srv/a", "dst": "/mnt/a", "options": ["ro", "nosuid"]}]},
     _xml("", "<vz:bindmounts><vz:bindmount src='/srv/a' dst='/mnt/a' options='nosuid,ro'/></vz:bindmounts>")),
])
def test_parameters_and_xml_accept_the_same_values_alike(params, xml):
    wanted = vz_params.container_from_params(params)
    read = vz_xml.from_xml(xml)
    for name in params:
        assert getattr(read, name) == getattr(wanted, name), name


GLOBALS = vz_conf.ConfFile("/etc/vz/vz.conf", {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"})


def _host(text):
    return vz_model.container_from_conf("101", vz_conf.parse_conf_text(text, "101.conf"), GLOBALS)


def test_a_bridge_name_compares_exactly_and_a_mac_address_case_insensitively():
    current = _host('NETIF="ifname=eth0,mac=00:18:51:AA:BB:CC,host_ifname=veth101.0,'
                    'host_mac=00:18:51:DD:EE:FF,bridge=vmbr0"\n')
    same_mac = vz_params.container_from_params({"netifs": [{"ifname": "eth0", "mac": "00:18:51:aa:bb:cc"}]})
    assert vz_plan.settings_args(current, same_mac) == ([], [], [])
    other_bridge = vz_params.container_from_params({"netifs": [{"ifname": "eth0", "bridge": "VMBR0"}]})
    args, _restart, _calls = vz_plan.settings_args(current, other_bridge)
    assert args == ["--netif_del", "all", "--netif_add",
                    "eth0,00:18:51:AA:BB:CC,veth101.0,00:18:51:DD:EE:FF,VMBR0"]


def test_iolimit_round_trips_through_conf_plan_and_xml():
    current = _host('IOLIMIT="10485760"\nIOPSLIMIT="100"\n')
    assert (current.iolimit, current.iopslimit) == (10485760, 100)
    same = vz_params.container_from_params({"iolimit": "10M", "iopslimit": "100"})
    assert vz_plan.settings_args(current, same) == ([], [], [])
    wanted = vz_params.container_from_params({"iolimit": "0", "iopslimit": 250})
    assert vz_plan.settings_args(current, wanted)[0] == ["--iolimit", "0B", "--iopslimit", "250"]
    document = vz_xml.to_xml(current)
    assert "<vz:iolimit>10485760</vz:iolimit>" in document
    assert "<vz:iopslimit>100</vz:iopslimit>" in document
    back = vz_xml.from_xml(document)
    assert (back.iolimit, back.iopslimit) == (10485760, 100)


def test_the_mapping_doc_has_a_row_for_every_setting_with_its_key():
    rows = {}
    for line in (REPO / "docs" / "domain-xml.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 4 and cells[0].startswith("`"):
            rows.setdefault(cells[0].split("`")[1].split("[")[0], []).append(cells)
    for setting in vz_settings.SETTINGS:
        if setting.param:
            assert setting.param in rows, setting.param
            keys = " ".join(row[3] for row in rows[setting.param])
            assert all(key in keys for key in setting.key.keys), setting.param


def _host_driver(vz7):
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver
    driver = Driver(runner=None)
    driver._vz7 = vz7  # pylint: disable=protected-access
    return driver


def test_a_vz7_host_refuses_what_its_vzctl_lacks_and_plans_diskspace_as_it_stores_it():
    for param, value in (("stop_timeout", 0), ("capabilities", {"net_admin": True})):
        with pytest.raises(VzInputError) as refused:
            _host_driver(True).check_host_support(vz_params.container_from_params({param: value}), [])
        assert refused.value.param == param and "OpenVZ 7" in str(refused.value)
    desired = vz_params.container_from_params({"diskspace": "10G:11G"})
    warnings = []
    _host_driver(True).check_host_support(desired, warnings)
    assert desired.diskspace == (11 * 1024 ** 3, 11 * 1024 ** 3)
    assert len(warnings) == 1 and warnings[0].startswith("diskspace: OpenVZ 7")
    legacy = vz_params.container_from_params({"diskspace": "10G:11G", "stop_timeout": 0})
    warnings = []
    _host_driver(False).check_host_support(legacy, warnings)
    assert legacy.diskspace == (10 * 1024 ** 3, 11 * 1024 ** 3) and warnings == []


def test_a_netmask_as_vzctl_7_stores_it_is_the_prefix_asked_for():
    current = _host('IP_ADDRESS="10.0.0.102 10.0.0.103/255.255.255.0 2001:db8::5 "\n')
    same = vz_params.container_from_params({"ip_addresses": ["10.0.0.102", "10.0.0.103/24", "2001:db8::5"]})
    assert vz_plan.settings_args(current, same) == ([], [], [])
    other = vz_params.container_from_params({"ip_addresses": ["10.0.0.102", "10.0.0.103/25", "2001:db8::5"]})
    assert vz_plan.settings_args(current, other)[0][:2] == ["--ipdel", "all"]


def test_a_vzctl_7_netif_with_several_addresses_is_read():
    # 07-set-net.txt: vzctl 7 joins a veth's IPv6 addresses with ','.
    current = _host('NETIF="ifname=eth0,mac=C4:37:72:4D:D7:27,host_mac=FE:37:72:5F:2C:A2,host_ifname=veth724dd727,'
                    'network=Bridged,gw=192.168.1.1,gw6=2001:db8::1,configure=all,ip=192.168.1.5/255.255.255.0,'
                    'ip6=2001:db8::10/64,2001:db8::11/64"\n')
    assert current.netifs == [{"ifname": "eth0", "mac": "C4:37:72:4D:D7:27", "host_ifname": "veth724dd727",
                               "host_mac": "FE:37:72:5F:2C:A2", "bridge": None, "network": "Bridged",
                               "gateway": "192.168.1.1", "gateway6": "2001:db8::1", "dhcp": None, "dhcp6": None,
                               "ip_addresses": ["192.168.1.5/24", "2001:db8::10/64", "2001:db8::11/64"]}]
    from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzConfigError
    with pytest.raises(VzConfigError):
        _host('NETIF="ifname=eth0,mac=C4:37:72:4D:D7:27,junk"\n')


def test_vzctl_7_veths_are_set_in_calls_of_their_own_with_one_ifname_each():
    current = _host('NETIF="ifname=eth0,mac=C4:37:72:4D:D7:27,host_mac=FE:37:72:5F:2C:A2,host_ifname=veth724dd727"\n'
                    'HOSTNAME="a.example.com"\n')
    desired = vz_params.container_from_params({
        "hostname": "b.example.com", "ip_addresses": ["10.0.0.5"],
        "netifs": [{"ifname": "eth0", "network": "Bridged"}, {"ifname": "eth1"}]})
    args, _restart, calls = vz_plan.settings_args(current, desired, vz_settings.VZ7)
    # --ipadd beside --netif_add or --ifname would go to the veth on vzctl 7: never in those calls.
    assert args == ["--hostname", "b.example.com", "--ipdel", "all", "--ipadd", "10.0.0.5"]
    # libvzctl knows no "--netif_del all": names go one by one, and only fields that differ.
    assert calls == [["--netif_add", "eth1"], ["--ifname", "eth0", "--network", "Bridged"]]
    _args, _restart, calls = vz_plan.settings_args(
        current, vz_params.container_from_params({"netifs": [{"ifname": "eth2", "mac": "00:18:51:AA:BB:CC"}]}),
        vz_settings.VZ7)
    assert calls == [["--netif_del", "eth0", "--netif_add", "eth2"], ["--ifname", "eth2", "--mac", "00:18:51:AA:BB:CC"]]
    # The same task on OpenVZ 6: one call, the whole list in it.
    legacy_args, _restart, legacy_calls = vz_plan.settings_args(current, desired)
    assert legacy_calls == [] and "--netif_add" in legacy_args


@pytest.mark.parametrize("vz7, field, value", [(True, "bridge", "vmbr0"), (False, "network", "Bridged")])
def test_a_netif_field_the_flavour_lacks_is_refused(vz7, field, value):
    desired = vz_params.container_from_params({"netifs": [{"ifname": "eth0"}, {"ifname": "eth1", field: value}]})
    with pytest.raises(VzInputError) as refused:
        _host_driver(vz7).check_host_support(desired, [])
    assert refused.value.param == "netifs[1].%s" % field
