"""plugin_utils.unsafe.make_unsafe, run under the oldest ansible-core the collection claims
(.venv-core216, from `make venv-core216`) and the development one, each in a subprocess,
because what "unsafe" means differs: 2.16-2.18 template every string that is not an
AnsibleUnsafe, 2.19 only strings trusted as templates.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORE_VENVS = {"2.19": REPO / ".venv" / "bin" / "python", "2.16": REPO / ".venv-core216" / "bin" / "python"}

# Run by each core's Python: templates container-like data made unsafe, prints what came out.
PROBE = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
try:
    from ansible.template import trust_as_template, is_trusted_as_template
except ImportError:  # before 2.19 every plain string is a template
    trust_as_template = lambda value: value
    is_trusted_as_template = None
from ansible.utils.unsafe_proxy import AnsibleUnsafe
from ansible_collections.openvz.vz.plugins.plugin_utils.unsafe import make_unsafe

planted = "{{ 7*7 }}"
data = {"description": trust_as_template(planted), "ip_addresses": [trust_as_template("{% if 1 %}x{% endif %}")],
        "nested": {trust_as_template("{# k #}"): (trust_as_template(planted), 3)}, "plain": "web1", "n": 5,
        "none": None, "flag": True}
safe = make_unsafe(data)
templar = Templar(loader=DataLoader(), variables={"c": safe})
out = {
    "description": templar.template(trust_as_template("{{ c.description }}")),
    "whole": templar.template(trust_as_template("{{ c }}")),
    "ip": templar.template(trust_as_template("{{ c.ip_addresses[0] }}")),
    "plain_is_same_object": safe["plain"] is data["plain"],
    "types": [type(safe["n"]).__name__, repr(safe["none"]), type(safe["flag"]).__name__,
              type(safe["nested"][next(iter(safe["nested"]))]).__name__],
}
if is_trusted_as_template is None:
    out["marked"] = [isinstance(v, AnsibleUnsafe) for v in (safe["description"], safe["ip_addresses"][0],
                                                            next(iter(safe["nested"])))]
    out["plain_marked"] = isinstance(safe["plain"], AnsibleUnsafe)
else:
    out["marked"] = [not is_trusted_as_template(v) for v in (safe["description"], safe["ip_addresses"][0],
                                                             next(iter(safe["nested"])))]
    out["plain_marked"] = False
print(json.dumps(out, default=repr))
'''


@pytest.mark.parametrize("minor", sorted(CORE_VENVS), ids=lambda v: "core" + v)
def test_make_unsafe_means_never_templated_on_each_core(minor, tmp_path):
    python = CORE_VENVS[minor]
    if not python.exists():
        message = "no ansible-core %s venv at %s: run `make venv-core216`" % (minor, python.parent.parent)
        if os.environ.get("CI") or os.environ.get("MAKELEVEL"):
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path / "collections"
    link = root / "ansible_collections" / "openvz" / "vz"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO, target_is_directory=True)
    proc = subprocess.run([str(python), "-c", PROBE, str(root)], capture_output=True, text=True, check=False,
                          env={k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1])
    version = subprocess.run([str(python), "-c", "import ansible.release as r; print(r.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version.startswith(minor + "."), version
    assert out["description"] == "{{ 7*7 }}"
    assert out["ip"] == "{% if 1 %}x{% endif %}"
    whole = out["whole"]
    assert whole["description"] == "{{ 7*7 }}" and whole["ip_addresses"] == ["{% if 1 %}x{% endif %}"]
    assert whole["nested"] == {"{# k #}": ["{{ 7*7 }}", 3]}
    assert out["marked"] == [True, True, True]
    # Strings without braces are never templates: left as they are (plain in ansible-inventory output).
    assert out["plain_is_same_object"] and not out["plain_marked"]
    assert out["types"] == ["int", "None", "bool", "tuple"]
