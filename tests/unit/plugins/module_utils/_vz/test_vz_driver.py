"""The driver builds the before-document only when a diff is asked for; the resulting one always."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_facts, vz_model, vz_xml
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_driver import Driver
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_model import Container

GLOBALS = vz_conf.ConfFile("vz.conf", {"VE_ROOT": "/vz/root/$VEID", "VE_PRIVATE": "/vz/private/$VEID"})
CONF = vz_conf.parse_conf_text('HOSTNAME="before.example"\nOSTEMPLATE="debian-12.0-x86_64-minimal"\n'
                               'VE_LAYOUT="simfs"\n', "/etc/vz/conf/101.conf")


@pytest.mark.parametrize("diff, documents", [(False, ["after.example"]),
                                             (True, ["before.example", "after.example"])])
def test_before_document_only_for_a_diff(monkeypatch, diff, documents):
    built = []
    monkeypatch.setattr(vz_xml, "to_xml", lambda ct, *args: built.append(ct.hostname) or "<%s/>" % ct.hostname)
    monkeypatch.setattr(vz_facts, "VZ7_RELEASE_FILE", "/nonexistent/virtuozzo-release")  # a 4.x host

    def read(ctid, with_status=True):
        current = vz_model.container_from_conf(ctid, CONF, GLOBALS)
        current.status = "stopped"
        return current, CONF

    driver = Driver(runner=None, check_mode=True, diff=diff)
    driver._globals = GLOBALS
    monkeypatch.setattr(driver, "_read_with_conf", read)
    result = driver.converge(Container(ctid="101", hostname="after.example"), "present")
    assert result["commands"] == [["vzctl", "set", "101", "--hostname", "after.example", "--save"]]
    assert built == documents
    assert result["xml"] == "<after.example/>"
    assert result["diff"]["before"] == ("<before.example/>" if diff else "")
