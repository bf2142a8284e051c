"""vzctl status lines -> distinct run states (libvirt folds mounted into running)."""
import pytest

from ansible_collections.openvz.vz.plugins.module_utils.vz_driver import parse_status
from ansible_collections.openvz.vz.plugins.module_utils.vz_errors import VzStateError


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
