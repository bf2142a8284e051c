"""docs/docsite/rst/guide_flavours.rst: its settings table is the Setting table's
flavours, as the module enforces them.  ``python tests/repo/test_flavour_guide.py``
prints the table this test expects."""
import sys
from pathlib import Path

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_settings

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "docsite" / "rst" / "guide_flavours.rst"
BEGIN = ".. settings table (tests/repo/test_flavour_guide.py)"


def _cell(setting, flavour):
    if flavour not in setting.flavours:
        return "refused"
    if flavour in setting.stored_as:
        return "yes (see below)"
    return "yes"


def expected_table():
    rows = [("``%s``" % s.param, _cell(s, vz_settings.LEGACY), _cell(s, vz_settings.VZ7))
            for s in vz_settings.SETTINGS if s.param]
    header = ("Parameter", "OpenVZ 6 (vzctl 4.x)", "OpenVZ 7 (vzctl 7)")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(3)]
    rule = "  ".join("=" * width for width in widths)

    def line(row):
        return "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()

    return "\n".join([rule, line(header), rule] + [line(row) for row in rows] + [rule])


def _documented_table():
    text = GUIDE.read_text(encoding="utf-8")
    lines = text[text.index(BEGIN) + len(BEGIN):].lstrip("\n").splitlines()
    # A simple table: a rule, the header, a rule, the rows, a closing rule.
    rules = [index for index, line in enumerate(lines) if line.startswith("=")]
    return "\n".join(lines[:rules[2] + 1])


def test_the_guide_says_where_each_setting_works():
    assert _documented_table() == expected_table()


def test_every_refusal_and_stored_form_is_explained_in_the_guide():
    text = GUIDE.read_text(encoding="utf-8")
    for setting in vz_settings.SETTINGS:
        if setting.param and (set(vz_settings.FLAVOURS) - set(setting.flavours) or setting.stored_as):
            assert "``%s``:" % setting.param in text.split(BEGIN)[1], setting.param


if __name__ == "__main__":
    sys.stdout.write(expected_table() + "\n")
