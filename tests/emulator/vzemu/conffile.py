"""Read and rewrite CT config files (CTID.conf, vz.conf) the way vzctl does.

Reading follows vzctl's line parser (util.c parse_line(), one port for
vzctl, vzlist and the emulator's own look-ups), rough edges included:
backslashes are dropped, a quoted value runs to the *last* quote of the
line, an unquoted one to the end of the line (comments included), a line
with an opening quote and no closing one is skipped with a warning.
``fgets_lines`` is how vzctl 4.x cuts a file into lines.

Writing follows vzctl's ``--save``: each changed key replaces the first line
that starts with ``KEY=``, other keys are appended, everything else (comments,
order, unknown keys) is kept, and values are written as ``KEY="value"``
without any escaping.
"""
import os

from . import cstr, params


class ParsedConf(object):
    """Raw string values of one config file, plus what the parser complained of."""

    def __init__(self, values, warnings):
        self.values = values
        self.warnings = warnings

    def get(self, key, default=None):
        return self.values.get(key, default)

    def __contains__(self, key):
        return key in self.values


STR_SIZE = 512      # vzctl 4.x vps_parse_config()'s ltoken[STR_SIZE]


def parse_line(raw, lsz=STR_SIZE):
    """util.c parse_line(), on str or bytes: ``(key, value, None)``,
    ``(None, None, None)`` for a blank or comment line, ``(None, None,
    reason)`` for a line it rejects (a key of ``lsz`` characters or more
    does not fit the caller's buffer)."""
    line = cstr.unescape(raw).strip(cstr.space(raw))
    if not line or line[:1] == cstr.lit(raw, "#"):
        return None, None, None
    eq = line.find(cstr.lit(raw, "="))
    if eq < 0:
        return None, None, "'=' not found"
    if eq >= lsz:
        return None, None, "too long value"
    key, value = line[:eq], line[eq + 1:]
    quote = cstr.lit(raw, '"')
    if value[:1] != quote:
        return key, value, None
    last = value.rfind(quote, 1)
    if last < 0:
        return None, None, "unmatched quotes"
    return key, value[1:last], None


def fgets_lines(path):
    """The lines vzctl 4.x's vps_parse_config() reads from ``path``, as bytes.

    It reads with fgets() into a buffer as large as the file, so a line is
    cut after (size - 1) bytes: a file that is one line without a final
    newline loses its last byte.  Raises OSError like fopen().
    """
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 4096
    if size <= 1:
        return []
    limit = size - 1
    lines = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos, pos + limit)
        if end < 0:
            chunk_end = min(len(data), pos + limit)
        else:
            chunk_end = end + 1
        lines.append(data[pos:chunk_end])
        pos = chunk_end
    return lines


def parse_text(text, path):
    values = {}
    warnings = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        key, value, err = parse_line(raw)
        if key is None:
            if err is not None:
                warnings.append("Warning: can't parse %s:%d (%s), skipping" % (path, lineno, err))
            continue
        if key in values:
            policy = params.dup_policy(key)
            if policy == params.DUP_ACCUMULATE:
                values[key] = (values[key] + " " + value).strip()
            elif policy == params.DUP_LAST:
                values[key] = value
            elif policy == params.DUP_FIRST_WARN:
                warnings.append('Warning at %s:%d: duplicate for %s ("%s"), ignored'
                                % (path, lineno, key, value))
            continue
        values[key] = value
    return ParsedConf(values, warnings)


def parse_file(path):
    with open(path, "r", encoding="utf-8", errors="surrogateescape") as handle:
        return parse_text(handle.read(), path)


def _render(key, value):
    return '%s="%s"' % (key, value)


def rewrite_text(text, updates):
    """Return ``text`` with ``updates`` (key -> value string) applied as vzctl saves."""
    return rewrite_entries(text, [(key, updates[key]) for key in params.save_order(updates)])


def rewrite_entries(text, entries):
    """Apply an ordered list of ``(key, value)`` the way vzctl's
    vps_merge_conf()/write_conf() do: replace the first ``KEY=`` line in
    place, append the others in the given order, end every entry holding no
    newline with one (so the file always ends with a newline; a value with an
    embedded newline runs into the next line)."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines = lines[:-1]
    if text == "":
        lines = []
    for key, value in entries:
        prefix = key + "="
        for index, line in enumerate(lines):
            if line.startswith(prefix):
                lines[index] = _render(key, value)
                break
        else:
            lines.append(_render(key, value))
    out = []
    for line in lines:
        out.append(line)
        if "\n" not in line:
            out.append("\n")
    return "".join(out)


def _write_atomic(path, new_text):
    real = os.path.realpath(path)
    tmp = real + ".tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(new_text)
    os.rename(tmp, real)


def _read_or_empty(path):
    try:
        with open(os.path.realpath(path), "r", encoding="utf-8", errors="surrogateescape") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""


def save_entries(path, entries):
    """Apply ordered ``(key, value)`` entries to the config at ``path``
    (following symlinks), atomically through ``<file>.tmp``."""
    _write_atomic(path, rewrite_entries(_read_or_empty(path), entries))


def save_file(path, updates):
    """Apply ``updates`` to the config at ``path`` (following symlinks), atomically."""
    _write_atomic(path, rewrite_text(_read_or_empty(path), updates))


def parse_line_vz7(raw):
    """libvzctl lib/common.c parse_line() on bytes: comments are cut, one pair
    of quotes is dropped (a value whose closing quote is on another line
    keeps its opening one off); (key, value) or None."""
    line = cstr.unescape(raw)
    out = bytearray()
    in_single = in_double = False
    in_word = True
    for byte in line:
        char = bytes((byte,))
        if in_single and char != b"'":
            out.append(byte)
            continue
        if in_double and char != b'"':
            out.append(byte)
            continue
        if char == b"'":
            in_single = not in_single
            in_word = False
        elif char == b'"':
            in_double = not in_double
            in_word = False
        elif char == b"#":
            if in_word:
                break
        else:
            in_word = char in cstr.space(char)
        out.append(byte)
    text = bytes(out).strip(cstr.space(line))
    if not text or text[:1] == b"#":
        return None
    if text[-1:] in (b'"', b"'"):
        text = text[:-1]
    eq = text.find(b"=")
    if eq < 0 or eq >= 4096:
        return None
    value = text[eq + 1:]
    if value[:1] in (b'"', b"'"):
        value = value[1:]
    return text[:eq], value
