"""Property tests: hostile strings in every parameter that reaches vzctl, a config file or a path.

Each generated value, given as a task parameter or inside domain XML, has one
of two outcomes:

- refused with an error naming the parameter, no mutating vzctl call, and the
  host byte-identical; or
- taken, and then the CT config, sourced by ``sh`` with an empty PATH, runs
  nothing (a canary file planted in the payloads never appears, sh prints no
  error), the shell reads back what the driver's own reader reads, and a
  re-run plans nothing.

The driver runs in-process against the emulated host (the real emulated
vzctl through subprocess), so hundreds of values cost seconds, not an
ansible-playbook run each.
"""
import os
import re
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_params, vz_xml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError, VzToolError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import exit_meaning

TEMPLATE = "debian-12.0-x86_64-minimal"
CANARY = "/tmp/openvz-vz-canary-%d" % os.getpid()
PAYLOADS = [p.replace("CANARY", CANARY) for p in (
    "$(: >CANARY)", "`: >CANARY`", '";: >CANARY;"', "\n: >CANARY\n", "%$(: >CANARY)",
    "'; : >CANARY; '", '\nNAME="evil"', '\\"; : >CANARY; \\"', "%x\nNAME=\"y\"", "${IFS}:>CANARY",
    "\r: >CANARY", "\x00", "\u2028: >CANARY", "&& : >CANARY", "|: >CANARY", ";: >CANARY",
)]
DANGER = list("\n\r\"'$`%;=,\\ \t#&|<>(){}[]*?!~:/.-_") + ["\x00", "\u00b2", "\u0661", "\u0663", "\u2028",
                                                           "\u202e", "\u0085", "\ufeff", "\xe9"]
SETTINGS = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def hostile(*valid):
    """Strings from dangerous alphabets, payloads, and valid values with payloads attached."""
    core = st.text(alphabet=st.sampled_from(DANGER + list("az09")), max_size=24)
    attack = st.one_of(core, st.sampled_from(PAYLOADS))
    choices = [core, st.sampled_from(PAYLOADS), st.text(min_size=300, max_size=1500)]
    if valid:
        choices += [st.builds(lambda v, a: v + a, st.sampled_from(valid), attack),
                    st.builds(lambda a, v: a + v, attack, st.sampled_from(valid)),
                    st.sampled_from(valid)]
    return st.one_of(*choices)


class _Runner(object):
    """The tools as the module runs them, minus AnsibleModule: argv lists only."""

    def __init__(self, env):
        self.env = env

    def run(self, argv, stdin=None, check_rc=True):
        proc = subprocess.run(list(argv), input=stdin, env=self.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode and check_rc:
            raise VzToolError(argv, proc.returncode, out, err, exit_meaning(argv[0], proc.returncode))
        return proc.returncode, out, err


@pytest.fixture
def ct101(openvz_host):
    made = openvz_host.run(["vzctl", "create", "101", "--ostemplate", TEMPLATE])
    assert made.returncode == 0, made.stderr
    return openvz_host


def _converge(host, desired, state="present"):
    return Driver(_Runner(host.env)).converge(desired, state)


def _sourced(path, key, ctid):
    """KEY as a host script sees it: sourced by sh with VEID set and no PATH (no command found)."""
    proc = subprocess.run(["/bin/sh", "-c", '. "$1" && printf "%%s" "${%s-}"' % key, "sh", path],
                          env={"PATH": "/nonexistent", "VEID": ctid}, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def _check_outcome(host, build, expected_param, conf_keys, ctid="101"):
    """Run ``build()`` (-> desired Container, may raise VzInputError) through the driver."""
    if os.path.exists(CANARY):
        os.unlink(CANARY)
    before = host.snapshot_files()
    host.clear_calls()
    try:
        desired = build()
        _converge(host, desired)
    except VzInputError as exc:
        assert exc.param.startswith(expected_param), (exc.param, str(exc))
        assert host.mutating_calls() == []
        assert host.snapshot_files() == before
        return "refused"
    path = vz_conf.ct_conf_path(ctid)
    for key in conf_keys:
        rc, value, err = _sourced(path, key, ctid)
        assert rc == 0 and err == "", (key, err)
        # $VEID is the one '$' a value may hold: VE_PRIVATE and VE_ROOT use it.
        assert value == vz_conf.expand_veid(vz_conf.read_conf(path).get(key) or "", ctid), key
    assert not os.path.exists(CANARY)
    again = _converge(host, build())
    assert not again["changed"], again["commands"]
    return "taken"


PARAMS = [
    # parameter, strategy, params builder, CTID.conf keys the value reaches
    ("hostname", hostile("web1.example.com", "a.b"), lambda v: {"hostname": v}, ["HOSTNAME"]),
    ("name", hostile("web1", "db-2.x"), lambda v: {"name": v}, ["NAME"]),
    ("description", hostile("web server", "caf\xe9 n\xb01"), lambda v: {"description": v}, ["DESCRIPTION"]),
    ("ip_addresses", hostile("192.0.2.5", "2001:db8::5/64", "fe80::1%"),
     lambda v: {"ip_addresses": [v]}, ["IP_ADDRESS"]),
    ("nameservers", hostile("192.0.2.53", "fe80::1%", "inherit"), lambda v: {"nameservers": [v]}, ["NAMESERVER"]),
    ("searchdomains", hostile("example.com", "inherit"), lambda v: {"searchdomains": [v]}, ["SEARCHDOMAIN"]),
    ("netifs[0].ifname", hostile("eth0", "eth1"), lambda v: {"netifs": [{"ifname": v}]}, ["NETIF"]),
    ("netifs[0].bridge", hostile("br0", "vmbr1"), lambda v: {"netifs": [{"ifname": "eth0", "bridge": v}]},
     ["NETIF"]),
    ("netifs[0].mac", hostile("00:18:51:AA:BB:CC"), lambda v: {"netifs": [{"ifname": "eth0", "mac": v}]},
     ["NETIF"]),
    ("netifs[0].host_ifname", hostile("veth101.0"),
     lambda v: {"netifs": [{"ifname": "eth0", "host_ifname": v}]}, ["NETIF"]),
    ("memory", hostile("512M", "1G", "4096"), lambda v: {"memory": v, "swap": "256M"}, ["PHYSPAGES"]),
    ("diskspace", hostile("10G:11G", "2G"), lambda v: {"diskspace": v}, ["DISKSPACE"]),
    ("diskinodes", hostile("200000:220000", "1M"), lambda v: {"diskinodes": v}, ["DISKINODES"]),
    ("cpus", hostile("2", "1"), lambda v: {"cpus": v}, ["CPUS"]),
    ("cpuunits", hostile("1000"), lambda v: {"cpuunits": v}, ["CPUUNITS"]),
    ("stop_timeout", hostile("60"), lambda v: {"stop_timeout": v}, ["STOP_TIMEOUT"]),
    ("features", hostile("nfs", "sysfs"), lambda v: {"features": {v: True}}, ["FEATURES"]),
    ("devnodes", hostile("net/tun:rw", "null:r"), lambda v: {"devnodes": [v]}, ["DEVNODES"]),
    ("cpumask", hostile("0-1", "all", "auto"), lambda v: {"cpumask": v}, ["CPUMASK"]),
    ("nodemask", hostile("0", "0-1,3"), lambda v: {"nodemask": v}, ["NODEMASK", "CPUMASK"]),
    # OpenVZ 7's alone: refused by name on OpenVZ 6.
    ("memguarantee", hostile("50", "auto"), lambda v: {"memguarantee": v}, ["MEMGUARANTEE"]),
    ("autostop", hostile("stop", "suspend"), lambda v: {"autostop": v}, ["AUTOSTOP"]),
    ("bindmounts", hostile("/srv/data", "/mnt/x"), lambda v: {"bindmounts": [{"src": v, "dst": "/mnt/data"}]},
     ["BINDMOUNT"]),
    ("netifs[0].gateway", hostile("192.0.2.1"), lambda v: {"netifs": [{"ifname": "eth0", "gateway": v}]},
     ["NETIF"]),
    ("netifs[0].ip_addresses", hostile("192.0.2.5/24", "2001:db8::5/64"),
     lambda v: {"netifs": [{"ifname": "eth0", "ip_addresses": [v]}]}, ["NETIF"]),
]


@SETTINGS
@given(value=hostile("101", "2147483644"))
def test_ctid_is_ascii_digits_within_bounds_or_a_uuid(value):
    try:
        ctid = vz_params.container_from_params({"ctid": value}).ctid
    except VzInputError as exc:
        assert exc.param == "ctid"
        return
    if not re.fullmatch("[1-9][0-9]*", ctid):
        # OpenVZ 7's other form, in canonical lower case.
        assert re.fullmatch("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", ctid), ctid
        return
    assert 1 <= int(ctid) <= 2147483644, ctid


@pytest.mark.parametrize("param, strategy, make, keys", PARAMS, ids=[p[0] for p in PARAMS])
def test_parameter(ct101, param, strategy, make, keys):
    @SETTINGS
    @given(value=strategy)
    def check(value):
        params = dict({"ctid": "101"}, **make(value))
        _check_outcome(ct101, lambda: vz_params.container_from_params(params), param, keys)

    check()  # pylint: disable=no-value-for-parameter


CREATE_ONLY = [
    ("ostemplate", hostile(TEMPLATE), lambda v: {"ostemplate": v}),
    ("config", hostile("vswap-256m", "basic"), lambda v: {"config": v, "ostemplate": TEMPLATE}),
    ("private", hostile("/vz/private/$VEID", "/vz/private/ct-$VEID"), lambda v: {"private": v, "ostemplate": TEMPLATE}),
    ("root", hostile("/vz/root/$VEID", "/vz/root/ct-$VEID"), lambda v: {"root": v, "ostemplate": TEMPLATE}),
]


@pytest.mark.parametrize("param, strategy, make", CREATE_ONLY, ids=[p[0] for p in CREATE_ONLY])
def test_create_only_parameter(openvz_host, param, strategy, make):
    counter = iter(range(200, 10000))

    @SETTINGS
    @given(value=strategy)
    def check(value):
        ctid = str(next(counter))
        params = dict({"ctid": ctid}, **make(value))
        try:
            outcome = _check_outcome(openvz_host, lambda: vz_params.container_from_params(params), param,
                                     ["OSTEMPLATE", "ORIGIN_SAMPLE", "VE_PRIVATE", "VE_ROOT"], ctid=ctid)
        except VzToolError as exc:
            # vzctl's own refusals at create (a template or profile that does not
            # exist) leave no container behind: that is not half-way.
            assert exc.argv[1] == "create", str(exc)
            assert not os.path.exists(vz_conf.ct_conf_path(ctid))
            return
        if outcome == "taken":
            openvz_host.run(["vzctl", "destroy", ctid])

    check()  # pylint: disable=no-value-for-parameter


def _domain(**parts):
    """A domain document with hostile values placed by lxml (so they are escaped, not markup)."""
    domain = etree.Element("domain", type="openvz", id=parts.pop("id", "101"))
    etree.SubElement(domain, "name").text = parts.pop("name", "101")
    for tag in ("uuid", "description", "memory"):
        if tag in parts:
            etree.SubElement(domain, tag).text = parts.pop(tag)
    meta = etree.SubElement(etree.SubElement(domain, "metadata"), "{%s}container" % vz_xml.NS,
                            nsmap=vz_xml.NSMAP)
    for tag in ("hostname",):
        if tag in parts:
            etree.SubElement(meta, "{%s}%s" % (vz_xml.NS, tag)).text = parts.pop(tag)
    if "nameserver" in parts:
        group = etree.SubElement(meta, "{%s}nameservers" % vz_xml.NS)
        etree.SubElement(group, "{%s}nameserver" % vz_xml.NS).text = parts.pop("nameserver")
    devices = etree.SubElement(domain, "devices")
    if "ip" in parts:
        etree.SubElement(etree.SubElement(devices, "interface", type="ethernet"), "ip", address=parts.pop("ip"))
    if "bridge" in parts or "guest" in parts:
        interface = etree.SubElement(devices, "interface", type="bridge")
        bridge = parts.pop("bridge", "br0")
        if bridge is not None:
            etree.SubElement(interface, "source", bridge=bridge)
        etree.SubElement(interface, "guest", dev=parts.pop("guest", "eth0"))
    assert not parts
    return etree.tostring(domain, encoding="unicode")


XML_PARTS = [
    ("xml: <description>", hostile("web server"), "description", ["DESCRIPTION"]),
    ("xml: <name>", hostile("web1"), "name", ["NAME"]),
    ("xml: <uuid>", hostile("8a3a5b1e-4e4b-4d39-9a1b-0c6f5e1f2a3b"), "uuid", []),
    ("xml: <memory>", hostile("524288"), "memory", ["PHYSPAGES"]),
    ("xml: <vz:hostname>", hostile("web1.example.com"), "hostname", ["HOSTNAME"]),
    ("xml: <vz:nameserver>", hostile("192.0.2.53", "fe80::1%"), "nameserver", ["NAMESERVER"]),
    ("xml: <interface><ip>", hostile("192.0.2.9", "fe80::1%"), "ip", ["IP_ADDRESS"]),
    ("xml: <source bridge>", hostile("br0"), "bridge", ["NETIF"]),
    ("xml: <guest dev>", hostile("eth0"), "guest", ["NETIF"]),
    ("xml: domain id", hostile("101"), "id", ["NAME"]),
]


@pytest.mark.parametrize("param, strategy, part, keys", XML_PARTS, ids=[p[2] for p in XML_PARTS])
def test_xml_part(ct101, param, strategy, part, keys):
    @SETTINGS
    @given(value=strategy)
    def check(value):
        parts = {part: value}
        expected = param
        if ct101.flavour == "vz7" and part == "guest":
            parts["bridge"] = None  # vzctl 7 has no bridges: a veth without one
        elif ct101.flavour == "vz7" and part == "bridge":
            # Refused either way there: as a bad name, or as a bridge vzctl 7 cannot set.
            expected = (param, "netifs[0].bridge")
        try:
            text = _domain(**parts)
        except ValueError:
            return  # not representable in XML at all (NUL, control characters)
        _check_outcome(ct101, lambda: vz_xml.from_xml(text), expected, keys)

    check()  # pylint: disable=no-value-for-parameter
