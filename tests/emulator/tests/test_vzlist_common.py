"""vzlist stand-in: what holds on both emulated flavours."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vzlist_fixtures as F  # noqa: E402

pytestmark = pytest.mark.skipif(F.unavailable_reason() is not None,
                                reason=str(F.unavailable_reason()))


@pytest.fixture(params=["legacy", "vz7"])
def vzlist_host(request, tmp_path):
    with F.emulated_host(str(tmp_path), request.param) as host:
        yield host


def conf(hostname):
    return ('HOSTNAME="%s"\nVE_ROOT="/vz/root/$VEID"\nVE_PRIVATE="/vz/private/$VEID"\n'
            'IP_ADDRESS="10.0.0.9"\nNAME="n%s"\n' % (hostname, hostname))


def ids(host, *ctids):
    width = 10 if host.flavour == "legacy" else 36
    return "".join("%*s\n" % (width, ctid) for ctid in ctids)


def snapshot():
    out = {}
    for top in ("/etc/vz", "/vz/private", "/var/lib/vzemu/running"):
        for base, _dirs, files in os.walk(top):
            for name in files:
                path = os.path.join(base, name)
                with open(path, "rb") as handle:
                    out[path] = (handle.read(), os.stat(path).st_mtime)
    return out


def test_all_stopped_running_and_patterns(vzlist_host):
    h = vzlist_host
    for ctid in (101, 102, 103):
        h.write_conf(ctid, conf("h%d.example.com" % ctid))
    h.set_running(102)
    assert h.vzlist("-a", "-H", "-o", "ctid").stdout == ids(h, 101, 102, 103)
    assert h.vzlist("-S", "-H", "-o", "ctid").stdout == ids(h, 101, 103)
    assert h.vzlist("-H", "-o", "ctid").stdout == ids(h, 102)
    assert h.vzlist("-a", "-H", "-o", "ctid", "-h", "h10[13].*").stdout == ids(h, 101, 103)
    assert h.vzlist("-a", "-H", "-o", "ctid", "-s", "-hostname").stdout == ids(h, 103, 102, 101)
    assert h.vzlist("103", "-H", "-o", "ctid,hostname").stdout.split() == ["103", "h103.example.com"]


def test_json_is_parseable_with_plain_values(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("plain"))
    data = json.loads(h.vzlist("-a", "-j").stdout)
    assert data[0]["ctid"] == (101 if h.flavour == "legacy" else "101")
    assert data[0]["hostname"] == "plain" and data[0]["status"] == "stopped"
    assert data[0]["ip"] == ["10.0.0.9"]


def test_read_only_and_logged(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h"))
    h.set_running(101)
    before = snapshot()
    for argv in (["-a"], ["-a", "-j"], ["-S"], ["101"], ["-o", "bad"]):
        h.vzlist(*argv)
    assert snapshot() == before
    with open("/var/lib/vzemu/calls.jsonl") as handle:
        calls = [json.loads(line) for line in handle]
    assert [(c["tool"], c["argv"], c["rc"]) for c in calls] == [
        ("vzlist", ["-a"], 0), ("vzlist", ["-a", "-j"], 0), ("vzlist", ["-S"], 0),
        ("vzlist", ["101"], 0), ("vzlist", ["-o", "bad"], 1)]


def test_injected_fault(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h"))
    with open("/var/lib/vzemu/faults.json", "w") as handle:
        json.dump([{"tool": "vzlist", "match": ["-j"], "rc": 3, "stderr": "boom", "times": 1}],
                  handle)
    result = h.vzlist("-a", "-j")
    assert (result.stdout, result.stderr, result.rc) == ("", "boom\n", 3)
    assert h.vzlist("-a", "-j").rc == 0


def test_names_resolve(vzlist_host):
    h = vzlist_host
    h.write_conf(101, conf("h"))
    h.name("nh", 101)
    assert h.vzlist("nh", "-H", "-o", "ctid").stdout == ids(h, 101)
