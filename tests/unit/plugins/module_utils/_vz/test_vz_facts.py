"""vz_facts: vzctl status lines -> run states, and vzctl's reading of repeated config keys
against the emulator (the reference built from vzctl's source and transcripts)."""
import pytest
from vzemu import conffile, params

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_facts
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzStateError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import parse_status

PATH = "/etc/vz/conf/101.conf"
# Every key the emulator's config table knows, the UBC ones included, and
# every key the product's policy names.
KEYS = sorted(set(params.SAVE_ORDER) | set(params.UBC_DIVISOR) | set(params.DISK_DIVISOR)
              | set(params.LIST_KEYS) | vz_facts.ACCUMULATING_KEYS | vz_facts.LAST_WINS_KEYS
              | {"NAME", "HOSTNAME", "NETIF", "VE_LAYOUT", "LOCAL_UID", "LOCAL_GID", "UNKNOWN_KEY"})


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


def _texts(key):
    """Config texts repeating ``key``: quoted, unquoted, empty values, other keys between."""
    return [
        '%s="first"\n%s="second"\n' % (key, key),
        '%s=a b\nOTHER="x"\n%s=c\n# %s="comment"\n%s=""\n' % (key, key, key, key),
        '%s=""\n%s="1:2"\n%s="3:4"\n' % (key, key, key),
        'HOSTNAME="h"\n%s="only"\n' % key,
    ]


def test_duplicate_keys_are_read_as_the_emulator_reads_them():
    """Same texts, same values: which keys keep the first, the last, or add up."""
    emulator_policy = {params.DUP_FIRST_WARN: vz_facts.DUP_FIRST, params.DUP_FIRST: vz_facts.DUP_FIRST,
                       params.DUP_LAST: vz_facts.DUP_LAST, params.DUP_ACCUMULATE: vz_facts.DUP_ACCUMULATE}
    policies, values = {}, {}
    for key in KEYS:
        policies[key] = (vz_facts.duplicate_policy(key), emulator_policy[params.dup_policy(key)])
        for text in _texts(key):
            values[text] = (vz_conf.parse_conf_text(text, PATH).values, conffile.parse_text(text, PATH).values)
    assert {key: pair for key, pair in policies.items() if pair[0] != pair[1]} == {}
    assert {text: pair for text, pair in values.items() if pair[0] != pair[1]} == {}
    # The keys issue #11 found read against vzctl's rules.
    assert [vz_facts.duplicate_policy(key) for key in ("FEATURES", "DEVNODES", "CAPABILITY", "VE_LAYOUT",
                                                       "DISKSPACE", "DISKINODES")] == [
        "accumulate", "accumulate", "accumulate", "last", "first", "first"]


def test_units_and_limit_tables_are_the_emulators():
    assert (vz_facts.PAGE, vz_facts.LONG_MAX) == (params.PAGE_SIZE, params.LONG_MAX)
    assert vz_facts.UBC_DIVISORS == params.UBC_DIVISOR
    assert vz_facts.DISK_DIVISORS == params.DISK_DIVISOR
