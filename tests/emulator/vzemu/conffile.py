"""Read and rewrite CT config files (CTID.conf, vz.conf) the way vzctl does.

Reading follows vzctl's line parser, rough edges included: backslashes are
dropped, a quoted value runs to the *last* quote of the line, an unquoted one
to the end of the line (comments included), a line with an opening quote and
no closing one is skipped with a warning.

Writing follows vzctl's ``--save``: each changed key replaces the first line
that starts with ``KEY=``, other keys are appended, everything else (comments,
order, unknown keys) is kept, and values are written as ``KEY="value"``
without any escaping.
"""
import os

from . import params


class ParsedConf(object):
    """Raw string values of one config file, plus what the parser complained of."""

    def __init__(self, values, warnings):
        self.values = values
        self.warnings = warnings

    def get(self, key, default=None):
        return self.values.get(key, default)

    def __contains__(self, key):
        return key in self.values


def _drop_backslashes(line):
    out = []
    escaped = False
    for ch in line:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        else:
            out.append(ch)
    return "".join(out)


def parse_text(text, path):
    values = {}
    warnings = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = _drop_backslashes(raw).strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if value.startswith('"'):
            last = value.rfind('"')
            if last == 0:
                warnings.append("Warning: can't parse %s:%d (unmatched quotes), skipping"
                                % (path, lineno))
                continue
            value = value[1:last]
        kind = params.kind_of(key)
        if key in values:
            if kind == params.LIST:
                values[key] = (values[key] + " " + value).strip()
            elif kind in (params.UBC, params.DISK):
                values[key] = value
            else:
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
    lines = text.split("\n")
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines = lines[:-1]
    pending = []
    for key in params.save_order(updates):
        prefix = key + "="
        for index, line in enumerate(lines):
            if line.startswith(prefix):
                lines[index] = _render(key, updates[key])
                break
        else:
            pending.append(_render(key, updates[key]))
    out = []
    for line in lines + pending:
        out.append(line)
        # vzctl ends an entry with a newline only when it holds none; a value
        # with an embedded newline therefore runs into the next line.
        if "\n" not in line:
            out.append("\n")
    if not trailing_newline and not pending and out and out[-1] == "\n" and lines:
        out.pop()
    return "".join(out)


def save_file(path, updates):
    """Apply ``updates`` to the config at ``path`` (following symlinks), atomically."""
    real = os.path.realpath(path)
    try:
        with open(real, "r", encoding="utf-8", errors="surrogateescape") as handle:
            text = handle.read()
    except FileNotFoundError:
        text = ""
    new_text = rewrite_text(text, updates)
    tmp = real + ".tmp"
    with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(new_text)
    os.rename(tmp, real)
