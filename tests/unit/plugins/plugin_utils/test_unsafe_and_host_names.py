"""plugin_utils.unsafe.make_unsafe and the inventory's host names (make_unsafe under
each core of the matrix: tests/repo/test_unsafe_on_each_core.py)."""
import pytest
from ansible.errors import AnsibleParserError

from ansible_collections.openvz.vz.plugins.inventory.openvz import parse_host_name_format, safe_host_name
from ansible_collections.openvz.vz.plugins.plugin_utils.unsafe import make_unsafe


def test_make_unsafe_copies_containers_and_keeps_scalars():
    data = {"a": ["{{ x }}", 1, None], "b": ("y", "{z}"), "c": {"{k}"}, "d": 2.5}
    safe = make_unsafe(data)
    assert safe == data and safe is not data and safe["a"] is not data["a"]
    assert isinstance(safe["b"], tuple) and isinstance(safe["c"], set)
    assert make_unsafe(None) is None and make_unsafe(7) == 7 and make_unsafe(b"{{ x }}") == b"{{ x }}"


@pytest.mark.parametrize("raw, safe", [
    ("hv1-101", "hv1-101"), ("web1.example.com", "web1.example.com"), ("bad name[1:2]", "bad_name_1_2_"),
    ("{{ 7*7 }}", "___7_7___"), ("-leading", "_leading"), ("--", "_-"), ("a,b:c#d'e\"f$g", "a_b_c_d_e_f_g"),
    ("caf\u00e9", "caf_"), ("tab\there\nnl", "tab_here_nl"), ("{% x %}", "___x___"), ("a!b&c~d*e", "a_b_c_d_e"),
])
def test_safe_host_name(raw, safe):
    assert safe_host_name(raw) == safe


@pytest.mark.parametrize("name_format, fields", [
    ("{hypervisor}-{ctid}", ["hypervisor", "ctid"]), ("{name}", ["name"]), ("ct{ctid}.{hostname}", ["ctid", "hostname"]),
    ("fixed", []), ("{{literal}}-{ctid}", ["ctid"]),
])
def test_host_name_format_fields(name_format, fields):
    assert parse_host_name_format(name_format) == fields


@pytest.mark.parametrize("name_format", ["{name.__class__}", "{name[0]}", "{ctid!r}", "{ctid:>9}", "{}", "{0}",
                                         "{secret}", "{name", "}"])
def test_host_name_format_refused(name_format):
    with pytest.raises(AnsibleParserError, match="bad host_name_format"):
        parse_host_name_format(name_format)
