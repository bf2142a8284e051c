"""The C library's string functions as vzctl and vzlist call them.

One port for both tools: each function takes ``str`` (vzctl's code, bytes
kept as surrogate escapes) or ``bytes`` (vzlist's) and answers in the same
type.  The C locale holds: only `` \\t\\n\\v\\f\\r`` are spaces and only
ASCII ``0-9`` are digits, whatever else Unicode counts as one.
"""
import decimal
import math
import re
import struct

LONG_MAX = 9223372036854775807
LONG_MIN = -LONG_MAX - 1
ULONG_MAX = 18446744073709551615
INT_MAX = 2147483647
INT_MIN = -INT_MAX - 1

SPACE = " \t\n\v\f\r"
_SPACE = {str: SPACE, bytes: SPACE.encode()}

_INT = r"[ \t\n\v\f\r]*([+-]?)([0-9]+)"
_FLOAT = r"[ \t\n\v\f\r]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_REGEX = {}
for _kind in (str, bytes):
    _REGEX[_kind] = tuple(re.compile(p if _kind is str else p.encode()) for p in (_INT, _FLOAT))


def lit(text, word):
    """The ASCII ``word`` in the type of ``text``."""
    return word if isinstance(text, str) else word.encode("ascii")


def space(text):
    """isspace()'s characters in the type of ``text``."""
    return _SPACE[type(text)]


def strtol(text):
    """strtol(.., 10) on a 64-bit long: (value, rest); value None when there
    are no digits (C returns 0 and leaves the tail at the start)."""
    match = _REGEX[type(text)][0].match(text)
    if not match:
        return None, text
    value = int(match.group(2))
    if match.group(1) == lit(text, "-"):
        value = -value
    return max(LONG_MIN, min(LONG_MAX, value)), text[match.end():]


def strtoull(text):
    """strtoull(.., 10): (value, rest, erange); a minus sign wraps around,
    no digits give (0, text, False)."""
    match = _REGEX[type(text)][0].match(text)
    if not match:
        return 0, text, False
    value = int(match.group(2))
    if value > ULONG_MAX:
        return ULONG_MAX, text[match.end():], True
    if match.group(1) == lit(text, "-"):
        value = (-value) % (ULONG_MAX + 1)
    return value, text[match.end():], False


def strtold(text):
    """strtold() of a decimal: (value, rest, erange); (0.0, text, False)
    when there is no number.  ERANGE when the number is beyond a long
    double's range (about 1e+-4932); below that, a double's inf stands for
    a long double too large for any integer type."""
    match = _REGEX[type(text)][1].match(text)
    if not match:
        return 0.0, text, False
    number = match.group(0)
    if isinstance(number, bytes):
        number = number.decode("ascii")
    value = float(number)
    erange = False
    mantissa = re.split("[eE]", number)[0]
    if math.isinf(value) or (value == 0.0 and re.search("[1-9]", mantissa)):
        exponent = decimal.Decimal(number.strip(SPACE)).adjusted()
        erange = exponent > 4931 or exponent < -4950
    return value, text[match.end():], erange


def to_int32(value):
    """What storing a long into an int does on x86_64."""
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value & 0x80000000 else value


def parse_int(text):
    """vzctl's util.c parse_int(): strtol() using up the whole string and
    within int; None if not (an empty string is 0)."""
    value, rest = strtol(text)
    if value is None:
        return None if text else 0
    if rest or value < INT_MIN or value > INT_MAX:
        return None
    return value


def parse_ul(text):
    """vzctl's util.c parse_ul(): "unlimited" (LONG_MAX), or strtoul() using
    up the whole string with a value <= LONG_MAX (an empty string is 0);
    None if not."""
    if text == lit(text, "unlimited"):
        return LONG_MAX
    value, rest, erange = strtoull(text)
    if rest or erange or value > LONG_MAX:
        return None
    return value


def float32(value):
    """A double stored into a C float."""
    try:
        return struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def sscanf_float(text):
    """sscanf("%f"): a float from the start of the text, or None."""
    match = _REGEX[type(text)][1].match(text)
    if not match:
        lowered = text.lstrip(space(text)).lower()
        for word, value in (("inf", float("inf")), ("+inf", float("inf")),
                            ("-inf", float("-inf")), ("nan", float("nan"))):
            if lowered.startswith(lit(text, word)):
                return value
        return None
    return float32(float(match.group(0)))


def strtok(text, seps):
    """The tokens a strtok() loop over ``text`` returns."""
    out = []
    start = None
    for index in range(len(text)):
        if text[index:index + 1] in seps:
            if start is not None:
                out.append(text[start:index])
                start = None
        elif start is None:
            start = index
    if start is not None:
        out.append(text[start:])
    return out


def strtok_view(text, seps):
    """What a C string that strtok() has run over still reads: strtok wrote
    a NUL after the first token, so it ends there (separators before the
    token stay)."""
    seen = False
    for index in range(len(text)):
        if text[index:index + 1] in seps:
            if seen:
                return text[:index]
        else:
            seen = True
    return text


def unescape(line):
    """vzctl's unescapestr(): a backslash escapes the next character and
    disappears."""
    backslash = lit(line, "\\")
    if backslash not in line:
        return line
    out = []
    escaped = False
    for index in range(len(line)):
        char = line[index:index + 1]
        if char == backslash and not escaped:
            escaped = True
            continue
        out.append(char)
        escaped = False
    return line[:0].join(out)


def clen(text):
    """strlen(): the length in bytes (a str holds UTF-8 with surrogate escapes)."""
    return len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogateescape"))


def c_upper(text):
    """toupper() over the string in the C locale: only ASCII letters change."""
    if isinstance(text, bytes):
        return text.upper()
    return "".join(char.upper() if char.isascii() else char for char in text)
