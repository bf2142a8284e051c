"""The README's quick start: its playbook runs, and the check/diff output it shows is what a run prints."""
import re

import pytest

from harness.paths import REPO_ROOT


def _block(marker):
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    after = text[text.index("<!-- %s " % marker):]
    return after.split("```", 2)[1].split("\n", 1)[1]


def _diff_lines(text):
    """The lines that carry the diff and the verdict (task banners' padding and hunk headers vary)."""
    return [line for line in text.splitlines() if line[:1] in ("-", "+", " ") or line.startswith(("changed:", "ok:"))]


@pytest.mark.flavour("legacy")
def test_the_quick_start_shows_what_check_and_diff_print(openvz_host, run_playbook):
    playbook = _block("readme-playbook").replace("hosts: hypervisors", "hosts: localhost\n  gather_facts: false")
    first = run_playbook(playbook)
    assert first.rc == 0, str(first)
    before = openvz_host.snapshot_files()
    openvz_host.clear_calls()
    checked = run_playbook(playbook, extra_vars={"web1_memory": "1G"}, check=True, diff=True)
    assert checked.rc == 0, str(checked)
    assert openvz_host.snapshot_files() == before and not openvz_host.mutating_calls()
    shown = _block("readme-output").replace("[hv1]", "[localhost]")
    printed = checked.stdout
    start = printed.index("TASK [web1]")
    printed = printed[start:printed.index("PLAY RECAP")]
    wanted = _diff_lines(shown)
    got = _diff_lines(printed)
    # The README shows the part of the diff around the change.
    assert any(got[i:i + len(wanted)] == wanted for i in range(len(got))), "\n".join(got)
    assert re.search(r"^@@ .* @@$", printed, re.M)
