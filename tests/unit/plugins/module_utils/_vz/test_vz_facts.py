"""vz_facts: vzctl status lines -> run states (repeated config keys and the unit tables are
held to the emulator's in tests/emulator/tests/test_collection_agrees.py)."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import parse_status


# libvirt folds mounted into running; these stay distinct.
@pytest.mark.parametrize("line, state", [
    ("CTID 101 exist unmounted down", "stopped"),
    ("CTID 101 exist mounted down", "mounted"),
    ("CTID 101 exist mounted running", "running"),
    ("CTID 101 exist unmounted down suspended", "suspended"),
    ("CTID 999 deleted unmounted down", "absent"),
    ("VEID 101 exist mounted running", "running"),
    ("VEID 101 exist unmounted down suspended", "suspended"),
])
def test_each_status_is_its_own_state(line, state):
    assert parse_status(line + "\n") == state


@pytest.mark.parametrize("line", ["", "garbage", "Container 101 is running"])
def test_unexpected_status_output_is_an_error(line):
    with pytest.raises(VzStateError):
        parse_status(line)
