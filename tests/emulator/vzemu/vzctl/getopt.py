"""GNU getopt_long as vzctl uses it: argument permutation, unique-prefix
long options, ``--opt=value``, glibc's error messages.

Returns the options in the order they appear and the non-option arguments
(which getopt permutes to the end).  Errors are reported the way glibc does,
on stderr, prefixed with the program name; the caller then gets a
``GetoptError`` (vzctl turns getopt's '?' into exit code 21 or 20).
"""

NO_ARG = 0
REQ_ARG = 1


class GetoptError(Exception):
    pass


class LongOpt(object):
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
        table[ch] = takes
        index += 2 if takes else 1
    return table


class Getopt(object):
    """Iterate over the options of ``argv`` (without the program name).

    Yields ``(LongOpt-or-short-char, value, spelled)`` one at a time, in the
    order given, so that a caller's per-option error comes before a getopt
    error further right, as with the real getopt_long loop.  After the loop
    ``rest`` holds the non-option arguments.  ``err(line)`` prints to stderr.
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


def _iterate(state, argv, longopts, err, optstring, prog):
    shorts = _short_table(optstring)
    rest = state.rest
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rest.extend(argv[index:])
            break
        if arg.startswith("--"):
            body = arg[2:]
            name, eq, value = body.partition("=")
            exact = [o for o in longopts if o.name == name]
            if exact:
                found = exact[0]
            else:
                cands = [o for o in longopts if o.name.startswith(name)]
                if not cands:
                    err("%s: unrecognized option '--%s'" % (prog, body))
                    raise GetoptError(body)
                first = cands[0]
                if any((c.has_arg, c.key) != (first.has_arg, first.key) for c in cands[1:]):
                    err("%s: option '--%s' is ambiguous; possibilities:%s"
                        % (prog, body, "".join(" '--%s'" % c.name for c in cands)))
                    raise GetoptError(body)
                found = first
            if found.has_arg == NO_ARG:
                if eq:
                    err("%s: option '--%s' doesn't allow an argument" % (prog, found.name))
                    raise GetoptError(body)
                yield (found, None, "--" + found.name)
            else:
                if not eq:
                    if index >= len(argv):
                        err("%s: option '--%s' requires an argument" % (prog, found.name))
                        raise GetoptError(body)
                    value = argv[index]
                    index += 1
                yield (found, value, "--" + found.name)
            continue
        if arg.startswith("-") and arg != "-":
            pos = 1
            while pos < len(arg):
                ch = arg[pos]
                pos += 1
                if ch not in shorts:
                    err("%s: invalid option -- '%s'" % (prog, ch))
                    raise GetoptError(ch)
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
            continue
        rest.append(arg)
