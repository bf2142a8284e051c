"""The collection reads config files as the emulator's vzctl reads and writes them.

The emulator is the reference built from vzctl's sources and transcripts; the
collection's reader (vz_conf, vz_facts) and its mask writer (vz_validate) are
held to it here, out of tests/unit, which `ansible-test units` runs without
the emulator.
"""
import pytest
from hypothesis import given, settings, strategies as st
from vzemu import conffile, params
from vzemu.vzctl import config as emulated_config

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_facts, vz_validate
from ansible_collections.openvz.vz.tests.unit.plugins.module_utils._vz.test_vz_conf import READ_CASES

PATH = "/etc/vz/conf/101.conf"
# Every key the emulator's config table knows, the UBC ones included, and
# every key the product's policy names.
KEYS = sorted(set(params.SAVE_ORDER) | set(params.UBC_DIVISOR) | set(params.DISK_DIVISOR)
              | set(params.LIST_KEYS) | vz_facts.ACCUMULATING_KEYS | vz_facts.LAST_WINS_KEYS
              | {"NAME", "HOSTNAME", "NETIF", "VE_LAYOUT", "LOCAL_UID", "LOCAL_GID", "UNKNOWN_KEY"})


@pytest.mark.parametrize("text, values", READ_CASES)
def test_the_emulator_reads_the_values_the_collection_reads(text, values):
    assert conffile.parse_text(text, PATH).values == values


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, vz_validate.MASK_BITS - 1), min_size=1, max_size=40), st.randoms())
def test_a_mask_is_written_as_vzctl_writes_it_back(bits, rnd):
    parts = [str(bit) for bit in bits]
    rnd.shuffle(parts)
    text = vz_validate.mask(",".join(parts), "cpumask")
    # vzctl's own writer (the emulator's port of bitmap_snprintf()) gives the same text.
    assert text == emulated_config.format_bitmap(bits, vz_validate.MASK_BITS)
    assert emulated_config.parse_bitmap(text, vz_validate.MASK_BITS) == bits


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
