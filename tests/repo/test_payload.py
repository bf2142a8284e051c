"""Each module's AnsiballZ payload carries only what it uses (benchmarks/payload_size.py)."""
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
XML_AND_DRIVER = {"vz_lxml", "vz_xml", "vz_driver", "vz_plan", "vz_fields", "vz_params", "vz_preflight",
                  "vz_pending"}


def test_modules_without_xml_ship_neither_lxml_nor_the_container_driver():
    out = subprocess.run([sys.executable, os.path.join(REPO, "benchmarks", "payload_size.py"), "--json"],
                         check=True, stdout=subprocess.PIPE, cwd=REPO).stdout
    table = json.loads(out)
    for module in ("container_exec", "snapshot", "template"):
        row = table[module]
        assert sorted(XML_AND_DRIVER & set(row["utils"])) == [], module
        assert (row["lxml shipped"], row["import loads lxml"]) == ("no", "no"), module
    assert table["container_exec"]["utils"] == ["vz_errors", "vz_exec", "vz_facts", "vz_runner", "vz_validate"]
    # container_info ships the XML codec for xml=true but loads it only then.
    assert table["container_info"]["import loads lxml"] == "no"
    assert table["container_info"]["import loads vz_driver"] == "no"
    assert table["container"]["import loads lxml"] == "yes"
