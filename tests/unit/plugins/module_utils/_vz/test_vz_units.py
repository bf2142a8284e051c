"""vz_units: sizes as users write them (512M, 2G, bytes) and as vzctl stores them in CTID.conf."""
import pytest
from hypothesis import given, strategies as st

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_units
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import VzInputError
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import KIB, LONG_MAX, PAGE
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_units import (
    MAX_SIZE, format_size, parse_conf_number, parse_conf_pair, parse_size, whole_kib, whole_pages)

UNITS = {"": 1, "K": KIB, "M": KIB ** 2, "G": KIB ** 3, "T": KIB ** 4}


# ------------------------------------------------------------------ parse_size

@pytest.mark.parametrize("text, nbytes", [
    ("0", 0),
    ("1024", 1024),
    ("512M", 512 * KIB ** 2),
    ("512m", 512 * KIB ** 2),
    ("512MB", 512 * KIB ** 2),
    ("512MiB", 512 * KIB ** 2),
    ("1kib", KIB),
    ("2G", 2 * KIB ** 3),
    ("1T", KIB ** 4),
    ("1024B", 1024),
    ("00012K", 12 * KIB),
    (str(MAX_SIZE), MAX_SIZE),
])
def test_sizes_users_write(text, nbytes):
    assert parse_size(text, "memory") == nbytes


def test_integers_are_bytes_and_bounded():
    assert parse_size(4096, "memory") == 4096
    assert parse_size(MAX_SIZE, "memory") == MAX_SIZE
    for value in (-1, MAX_SIZE + 1, LONG_MAX):
        with pytest.raises(VzInputError, match="^memory: a size must be between 0 and %d bytes" % MAX_SIZE):
            parse_size(value, "memory")


@pytest.mark.parametrize("value", [
    "",
    " 512M",
    "512M ",
    "1 K",
    "1.5G",
    "-1",
    "+1",
    "0x10",
    "1_000",
    "1e3",
    "8P",  # P (pages) exists in CTID.conf, not in task parameters
    "1KK",
    "K",
    "\u0662",  # ARABIC-INDIC DIGIT TWO: int() would take it
    "1\uff10",  # FULLWIDTH DIGIT ZERO
    "\u0661\u0662M",
    "1" * 21,  # more digits than any size has
    None,
])
def test_what_is_not_a_size_is_refused_naming_the_parameter(value):
    with pytest.raises(VzInputError) as info:
        parse_size(value, "swap")
    assert str(info.value).startswith("swap: expected a size such as 512M, 2G, 1T or a number of bytes (ASCII digits)")
    assert info.value.param == "swap"


@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_sizes(value):
    # YAML's yes/no arrive as booleans; they are not 1 and 0 bytes.
    with pytest.raises(VzInputError, match="^memory: expected a size"):
        parse_size(value, "memory")


def test_the_largest_size_each_suffix_allows():
    assert parse_size("8388607T", "memory") == 8388607 * KIB ** 4
    with pytest.raises(VzInputError, match="between 0 and"):
        parse_size("8388608T", "memory")  # exactly 2**63
    with pytest.raises(VzInputError, match="between 0 and"):
        parse_size("9" * 20, "memory")


def test_a_kelvin_sign_is_not_a_suffix():
    with pytest.raises(VzInputError):
        parse_size("1\u212a", "memory")


@pytest.mark.parametrize("text", ["1K\u0131B", "1K\u0130B"])
def test_non_ascii_letters_are_not_part_of_a_suffix(text):
    with pytest.raises(VzInputError):
        parse_size(text, "memory")


# ------------------------------------------------------------------ whole_pages / whole_kib

def test_whole_pages():
    assert whole_pages(0, "memory") == 0
    assert whole_pages(PAGE, "memory") == PAGE
    assert whole_pages(parse_size("1G", "memory"), "memory") == KIB ** 3
    for nbytes in (1, PAGE - 1, PAGE + KIB, parse_size("1025K", "swap")):
        with pytest.raises(VzInputError) as info:
            whole_pages(nbytes, "swap")
        assert str(info.value) == "swap: must be a multiple of 4 KiB (one page), got %d bytes" % nbytes


def test_whole_kib():
    assert whole_kib(KIB, "diskspace") == KIB
    assert whole_kib(3 * KIB, "diskspace") == 3 * KIB  # not a whole page: fine for DISKSPACE
    for nbytes in (1, 1023, KIB + 1):
        with pytest.raises(VzInputError) as info:
            whole_kib(nbytes, "diskspace")
        assert str(info.value) == "diskspace: must be a whole number of KiB, got %d bytes" % nbytes


# ------------------------------------------------------------------ format_size

@pytest.mark.parametrize("nbytes, text", [
    (0, "0B"),
    (1, "1B"),
    (1023, "1023B"),
    (1024, "1K"),
    (1536 * KIB ** 2, "1536M"),
    (2 * KIB ** 3, "2G"),
    (1024 * KIB ** 4, "1024T"),
    (MAX_SIZE, "%dB" % MAX_SIZE),
])
def test_format_size(nbytes, text):
    assert format_size(nbytes) == text


@given(st.integers(min_value=0, max_value=MAX_SIZE))
def test_every_size_reads_back_as_itself(nbytes):
    assert parse_size(format_size(nbytes), "memory") == nbytes


@given(st.integers(min_value=0, max_value=MAX_SIZE))
def test_format_size_is_the_shortest_spelling(nbytes):
    text = format_size(nbytes)
    number, suffix = int(text[:-1]), text[-1]
    assert suffix in "KMGTB"
    if nbytes == 0:
        assert text == "0B"
    elif suffix == "B":
        assert nbytes % KIB  # a whole number of KiB would have a suffix
    elif suffix != "T":
        assert number % KIB  # otherwise the next larger suffix would be shorter


_SPELLINGS = st.tuples(
    st.sampled_from(sorted(UNITS)),
    st.sampled_from(["", "B", "iB"]),
    st.booleans(),
).flatmap(lambda spec: st.tuples(
    st.just(spec),
    st.integers(min_value=0, max_value=MAX_SIZE // UNITS[spec[0]]),
    st.integers(min_value=0, max_value=3),
))


@given(_SPELLINGS)
def test_any_spelling_formats_as_the_canonical_one(case):
    """format_size(parse_size(x)): 'x' as users write it, canonical as vzctl would take it."""
    (suffix, tail, lower), number, zeros = case
    if not suffix and tail == "iB":
        tail = ""  # "10iB" is not a spelling
    text = "0" * zeros + str(number) + suffix + tail
    if len(text) - len(suffix + tail) > 20:
        return
    if lower:
        text = text.lower()
    nbytes = number * UNITS[suffix]
    canonical = format_size(nbytes)
    assert format_size(parse_size(text, "memory")) == canonical
    # The canonical spelling is itself a fixed point.
    assert format_size(parse_size(canonical, "memory")) == canonical


# ------------------------------------------------------------------ CTID.conf numbers

@pytest.mark.parametrize("text, divisor, value", [
    ("10", PAGE, 10),  # a bare number is already in the key's unit
    ("10", 1, 10),
    ("10", 0, 10),
    ("262144", PAGE, 262144),
    ("1G", PAGE, 262144),  # a suffixed one is bytes, scaled to pages
    ("1g", PAGE, 262144),
    ("10K", PAGE, 2),  # rounded down, as vzctl does
    ("10K", 1, 10240),
    ("10P", 1, 10 * PAGE),
    ("10P", PAGE, 10),
    ("1B", 1, 1),
    ("1.5M", PAGE, 384),
    ("1.5M", 1, 1536 * KIB),
    ("1.", 1, 1),
    ("1T", KIB, KIB ** 3),
    ("unlimited", PAGE, LONG_MAX),
    ("unlimited", 0, LONG_MAX),
    (str(LONG_MAX), 1, LONG_MAX),
    (str(LONG_MAX + 1), 1, LONG_MAX),  # clamped, not wrapped
    ("99999999999T", 1, LONG_MAX),
])
def test_conf_numbers_in_the_keys_unit(text, divisor, value):
    assert parse_conf_number(text, divisor) == value


@pytest.mark.parametrize("text", ["", "-1", "1e3", "10Q", "0x10", ".5", "1 0", "\u0662", "1\u0662", "infinity",
                                  "nan", "unlimite"])
def test_what_is_not_a_conf_number_is_a_value_error(text):
    with pytest.raises(ValueError, match="^not a number: "):
        parse_conf_number(text, PAGE)


def test_unlimited_takes_no_suffix():
    with pytest.raises(ValueError):
        parse_conf_number("unlimitedK", PAGE)


def test_a_suffix_on_a_count_is_refused():
    # NUMPROC and the like have divisor 0: a count takes no unit.
    with pytest.raises(ValueError, match="^unit suffix not allowed: '10K'$"):
        parse_conf_number("10K", 0)
    assert parse_conf_number("10", 0) == 10


@pytest.mark.parametrize("text, pair", [
    ("1:2", (1, 2)),
    ("1", (1, 1)),  # a single value stands for both
    ("unlimited", (LONG_MAX, LONG_MAX)),
    ("0:unlimited", (0, LONG_MAX)),
    ("10M:20M", (2560, 5120)),
    ("1048576:1153434", (1048576, 1153434)),
])
def test_conf_pairs(text, pair):
    assert parse_conf_pair(text, PAGE) == pair


@pytest.mark.parametrize("text, message", [
    ("1:2:3", "expected value or value:value, got '1:2:3'"),
    (":2", "expected value or value:value, got ':2'"),
    ("", "expected value or value:value, got ''"),
    ("1:", "not a number: ''"),
    ("1:x", "not a number: 'x'"),
])
def test_malformed_conf_pairs(text, message):
    with pytest.raises(ValueError) as info:
        parse_conf_pair(text, PAGE)
    assert str(info.value) == message


@given(st.integers(min_value=0, max_value=LONG_MAX), st.integers(min_value=0, max_value=LONG_MAX))
def test_conf_pairs_read_back(barrier, limit):
    assert parse_conf_pair("%d:%d" % (barrier, limit), PAGE) == (barrier, limit)


def test_the_module_bound_is_below_unlimited():
    # A size in bytes never reaches vzctl's "unlimited", whatever the unit it is stored in.
    assert vz_units.MAX_SIZE == LONG_MAX - 1
