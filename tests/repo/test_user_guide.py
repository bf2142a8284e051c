"""The user guide (docs/docsite, built by `make docs`) stays complete and in step.

docs/domain-xml.md (linked from the README) and the guide's
guide_domain_xml.rst hold the same mapping table; this keeps them equal.
"""
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DOCSITE = REPO / "docs" / "docsite"


def _markdown_table(text):
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    table = []
    for row in rows:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]
        table.append([re.sub(r"`([^`]+)`", r"\1", c) for c in cells])
    return table


def _rst_list_table(text):
    table = []
    for line in text.splitlines():
        if line.startswith("   * - "):
            table.append([line[len("   * - "):]])
        elif line.startswith("     - ") and table:
            table[-1].append(line[len("     - "):])
    return [[re.sub(r"``([^`]+)``", r"\1", c) for c in row] for row in table]


def test_domain_xml_tables_are_the_same():
    markdown = _markdown_table((REPO / "docs" / "domain-xml.md").read_text(encoding="utf-8"))
    rst = _rst_list_table((DOCSITE / "rst" / "guide_domain_xml.rst").read_text(encoding="utf-8"))
    assert len(markdown) > 30
    assert all(len(row) == 4 for row in markdown), [row for row in markdown if len(row) != 4]
    assert rst == markdown


def test_every_guide_page_is_listed_and_labelled():
    listed = [name for section in yaml.safe_load((DOCSITE / "extra-docs.yml").read_text())["sections"]
              for name in section["toctree"]]
    pages = sorted(p.stem for p in (DOCSITE / "rst").glob("*.rst"))
    assert sorted(listed) == pages
    for page in pages:
        first = (DOCSITE / "rst" / (page + ".rst")).read_text(encoding="utf-8").splitlines()[0]
        assert first == ".. _ansible_collections.openvz.vz.docsite.%s:" % page


def test_the_guide_covers_what_issue_7_asks_for():
    titles = " ".join((DOCSITE / "rst" / (p + ".rst")).read_text(encoding="utf-8").splitlines()[2]
                      for p in ("guide_install", "guide_first_playbook", "guide_domain_xml",
                                "guide_inventory_connection", "guide_migrating", "guide_roles"))
    for words in ("Installing", "first playbook", "domain XML", "inventory and connection",
                  "Migrating", "roles"):
        assert words in titles
