"""Property tests of the validators: whatever they accept is safe everywhere it goes.

Safe means: in an argv, between the double quotes of a shell-sourced
CTID.conf line, and (for names) as a file name under /etc/vz.  Each
validator either raises VzInputError naming the parameter or returns a value
inside its documented alphabet.
"""
import re
import subprocess

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_settings, vz_units, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError

DANGER = list("\n\r\"'$`%;=,\\ \t#&|<>(){}[]*?!~:/.-_+@") + [
    "\x00", "\x1b", "\x7f", "\u00b2", "\u0661", "\u0663", "\u2028", "\u2029", "\u202e", "\u0085",
    "\ufeff", "\ud800", "\xe9", "\uff10"]
TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(DANGER + list("aZ09fe")), max_size=40),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(["web1.example.com", "192.0.2.1", "fe80::1", "eth0",
                                                   "00:18:51:AA:BB:CC", "/vz/private/$VEID", "net/tun:rw",
                                                   "nfs", "net_admin", "101", "512M", "debian-12"]),
              st.text(alphabet=st.sampled_from(DANGER), max_size=6)),
)
SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True)

# validator, whole-string pattern every accepted value must match
SHAPES = [
    (vz_validate.hostname, r"[A-Za-z0-9.-]{1,253}"),
    (vz_validate.searchdomain, r"inherit|[A-Za-z0-9.-]{1,253}"),
    (vz_validate.name, r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}"),
    (vz_validate.ip_address, r"[0-9a-f:.]+(/[0-9]{1,3})?"),
    (vz_validate.nameserver, r"inherit|[0-9a-f:.]+"),
    (vz_validate.mac, r"[0-9A-F]{2}(:[0-9A-F]{2}){5}"),
    (vz_validate.ifname, r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}"),
    (vz_validate.ostemplate, r"[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}"),
    (vz_validate.path, r"(/([A-Za-z0-9_.+-]|\$VEID)+)+"),
    (vz_validate.feature, r"[a-z]+"),
    (vz_validate.capability, r"[A-Z_]+"),
    (vz_validate.devnode, r"[A-Za-z0-9_+-][A-Za-z0-9_.+/-]*:(r?w?q?|none)"),
    (vz_validate.ctid, r"[1-9][0-9]{0,9}"),
    (vz_validate.uuid, r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
]


@pytest.mark.parametrize("check, shape", SHAPES, ids=[str(i) for i in range(len(SHAPES))])
def test_accepted_values_stay_in_their_alphabet(check, shape):
    @SETTINGS
    @given(value=TEXT)
    def run(value):
        try:
            out = check(value, "param")
        except VzInputError as exc:
            assert exc.param == "param"
            return
        assert re.fullmatch(shape, out, re.ASCII), (value, out)
        assert ".." not in out.split("/") and "\n" not in out

    run()  # pylint: disable=no-value-for-parameter


@SETTINGS
@given(value=TEXT)
def test_accepted_free_text_reads_back_from_a_sourced_file(value, tmp_path_factory):
    try:
        text = vz_validate.safe_text(value, "description")
    except VzInputError as exc:
        assert exc.param == "description"
        return
    conf = tmp_path_factory.mktemp("conf") / "101.conf"
    conf.write_bytes(('DESCRIPTION="%s"\n' % text).encode("utf-8"))
    proc = subprocess.run(["/bin/sh", "-c", '. "$1" && printf "%s" "$DESCRIPTION"', "sh", str(conf)],
                          env={"PATH": "/nonexistent"}, capture_output=True, check=False)
    assert proc.returncode == 0 and proc.stderr == b"", proc.stderr
    assert proc.stdout.decode("utf-8") == text


@SETTINGS
@given(value=st.one_of(TEXT, st.integers(min_value=-2, max_value=2 ** 70)))
def test_sizes_are_ascii_and_below_unlimited(value):
    try:
        size = vz_units.parse_size(value, "memory")
    except VzInputError as exc:
        assert exc.param == "memory"
        return
    assert 0 <= size <= vz_units.MAX_SIZE
    if isinstance(value, str):
        assert re.fullmatch(r"[0-9]+([KMGTkmgt](i?[Bb])?|[Bb])?", value, re.ASCII), value


@SETTINGS
@given(value=st.one_of(TEXT, st.integers(), st.booleans()))
def test_setting_ints_take_ascii_digits_within_bounds(value):
    for setting in vz_settings.SETTINGS:
        if not hasattr(setting.parse, "bounds"):
            continue
        low, high = setting.parse.bounds
        try:
            number = setting.from_param(value)
        except VzInputError as exc:
            assert exc.param == setting.param
            continue
        assert low <= number <= high and not isinstance(value, bool)
        assert isinstance(value, int) or re.fullmatch("[0-9]+", value, re.ASCII)
