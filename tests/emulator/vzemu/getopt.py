"""glibc getopt_long as vzctl and vzlist use it (posix/getopt.c).

Argument permutation (``POSIXLY_CORRECT`` in the environment stops at the
first non-option instead), clustered and attached short options,
unique-prefix long options, ``--opt=value``, ``--``, and glibc's messages,
prefixed with the program name.  An abbreviation is ambiguous when a later
match differs from the first in ``has_arg`` or ``key``; the message lists
the first match and those that differ from it, in table order
(process_long_option()).

``Getopt`` yields the options one at a time, as the C loop sees them, so a
caller's own per-option error comes before a getopt error further right;
after the loop ``rest`` holds the non-option arguments.  On an error the
message goes to ``err(line)`` (without the newline) and ``GetoptError`` is
raised (getopt_long returned '?').
"""
import os

NO_ARG = 0
REQ_ARG = 1
OPT_ARG = 2  # optional_argument: only as --name=VALUE or -cVALUE


class GetoptError(Exception):
    pass


class LongOpt(object):
    """One ``struct option``: name, has_arg, and the value getopt returns."""
    __slots__ = ("name", "has_arg", "key")

    def __init__(self, name, has_arg, key):
        self.name = name
        self.has_arg = has_arg
        self.key = key


def _short_table(optstring):
    table = {}
    index = 0
    while index < len(optstring):
        ch = optstring[index]
        takes = index + 1 < len(optstring) and optstring[index + 1] == ":"
        optional = takes and index + 2 < len(optstring) and optstring[index + 2] == ":"
        table[ch] = OPT_ARG if optional else takes
        index += 3 if optional else 2 if takes else 1
    return table


class Getopt(object):
    """Iterate over the options of ``argv`` (without the program name).

    Yields ``(LongOpt-or-short-char, value, spelled)``; ``value`` is None
    for an option without an argument, ``spelled`` is ``--name`` or ``-c``.
    """

    def __init__(self, argv, longopts, err, optstring="", prog="vzctl"):
        self.argv = list(argv)
        self.longopts = longopts
        self.err = err
        self.optstring = optstring
        self.prog = prog
        self.rest = []

    def __iter__(self):
        return _iterate(self, self.argv, self.longopts, self.err, self.optstring, self.prog)


def _long_option(longopts, body, err, prog):
    """The LongOpt ``--body`` names (exact, else a unique prefix)."""
    name = body.partition("=")[0]
    exact = [o for o in longopts if o.name == name]
    if exact:
        return exact[0]
    cands = [o for o in longopts if o.name.startswith(name)]
    if not cands:
        err("%s: unrecognized option '--%s'" % (prog, body))
        raise GetoptError(body)
    first = cands[0]
    differ = [c for c in cands[1:] if (c.has_arg, c.key) != (first.has_arg, first.key)]
    if differ:
        err("%s: option '--%s' is ambiguous; possibilities:%s"
            % (prog, body, "".join(" '--%s'" % c.name for c in [first] + differ)))
        raise GetoptError(body)
    return first


def _iterate(state, argv, longopts, err, optstring, prog):
    shorts = _short_table(optstring)
    posix = "POSIXLY_CORRECT" in os.environ
    rest = state.rest
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rest.extend(argv[index:])
            break
        if not arg.startswith("-") or arg == "-":
            if posix:
                rest.extend(argv[index - 1:])
                break
            rest.append(arg)
            continue
        if arg.startswith("--"):
            body = arg[2:]
            found = _long_option(longopts, body, err, prog)
            _name, eq, value = body.partition("=")
            if found.has_arg == NO_ARG:
                if eq:
                    err("%s: option '--%s' doesn't allow an argument" % (prog, found.name))
                    raise GetoptError(body)
                yield (found, None, "--" + found.name)
            elif found.has_arg == OPT_ARG:
                yield (found, value if eq else None, "--" + found.name)
            else:
                if not eq:
                    if index >= len(argv):
                        err("%s: option '--%s' requires an argument" % (prog, found.name))
                        raise GetoptError(body)
                    value = argv[index]
                    index += 1
                yield (found, value, "--" + found.name)
            continue
        pos = 1
        while pos < len(arg):
            ch = arg[pos]
            pos += 1
            if ch not in shorts:
                err("%s: invalid option -- '%s'" % (prog, ch))
                raise GetoptError(ch)
            if shorts[ch] == OPT_ARG:
                yield (ch, arg[pos:] or None, "-" + ch)
                break
            if shorts[ch]:
                if pos < len(arg):
                    value = arg[pos:]
                elif index < len(argv):
                    value = argv[index]
                    index += 1
                else:
                    err("%s: option requires an argument -- '%s'" % (prog, ch))
                    raise GetoptError(ch)
                yield (ch, value, "-" + ch)
                break
            yield (ch, None, "-" + ch)
