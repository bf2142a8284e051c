"""Pieces both vzlist flavours share: output, getopt, fnmatch, qsort, the
field table entry and the fields both print alike.

Everything works on bytes: the real tools format with printf, so widths and
truncation count bytes, and config values are passed through undecoded.
"""
import re
import sys

from .. import conffile, cstr, getopt

LONG_MAX = cstr.LONG_MAX
PROG = "vzlist"
# vps_parse_config()'s fgets() reads (the reader is vzctl's; tests use this name)
read_lines_like_fgets = conffile.fgets_lines


def b(text):
    """str -> bytes the way the emulator stores odd bytes (surrogateescape)."""
    if isinstance(text, bytes):
        return text
    return text.encode("utf-8", "surrogateescape")


class Console(object):
    """stdout is buffered and written at exit (as a piped C program's is);
    stderr goes out at once.  Both as raw bytes."""

    def __init__(self):
        self.chunks = []

    def out(self, data):
        self.chunks.append(b(data))

    def err(self, data):
        stream = getattr(sys.stderr, "buffer", None)
        if stream is None:
            sys.stderr.write(b(data).decode("utf-8", "surrogateescape"))
            sys.stderr.flush()
            return
        stream.write(b(data))
        stream.flush()

    def flush(self):
        data = b"".join(self.chunks)
        self.chunks = []
        if not data:
            return
        stream = getattr(sys.stdout, "buffer", None)
        if stream is None:
            sys.stdout.write(data.decode("utf-8", "surrogateescape"))
        else:
            stream.write(data)
        sys.stdout.flush()


# ---------------------------------------------------------------- getopt --

GetoptError = getopt.GetoptError


class Options(object):
    """vzemu.getopt over vzlist's option table: iterating yields (val, optarg)
    one option at a time, as vzlist's getopt_long loop sees them (an option
    the loop acts on, -L or a bad -s, comes before a getopt error further
    right); then ``rest`` holds the non-options.  ``longopts`` is a list of
    (name, has_arg, val) in table order.  Raises GetoptError after printing
    the message of the bad option."""

    def __init__(self, argv, shortopts, longopts, console):
        table = [getopt.LongOpt(name, getopt.REQ_ARG if has_arg else getopt.NO_ARG, val)
                 for name, has_arg, val in longopts]
        self._getter = getopt.Getopt(argv, table, lambda line: console.err(line + "\n"),
                                     shortopts, PROG)
        self.rest = self._getter.rest

    def __iter__(self):
        for opt, value, _spelled in self._getter:
            yield (opt if isinstance(opt, str) else opt.key), value


def getopt_long(argv, shortopts, longopts, console):
    """All of Options() at once: ([(val, optarg)...], non-options)."""
    options = Options(argv, shortopts, longopts, console)
    return list(options), options.rest


# ---------------------------------------------------------------- fnmatch --

_CLASSES = {
    b"alpha": b"a-zA-Z", b"digit": b"0-9", b"alnum": b"a-zA-Z0-9", b"upper": b"A-Z",
    b"lower": b"a-z", b"space": b" \\t\\n\\r\\f\\v", b"blank": b" \\t",
    b"punct": re.escape(b"!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    b"xdigit": b"0-9A-Fa-f", b"cntrl": b"\\x00-\\x1f\\x7f",
    b"print": b"\\x20-\\x7e", b"graph": b"\\x21-\\x7e",
}


def _translate(pattern):
    """fnmatch(3) with flags 0 in the C locale -> a bytes regex (or None if
    the pattern can match nothing special and must be compared literally)."""
    out = []
    i = 0
    n = len(pattern)
    while i < n:
        c = pattern[i:i + 1]
        i += 1
        if c == b"*":
            out.append(b".*")
        elif c == b"?":
            out.append(b".")
        elif c == b"\\":
            if i < n:
                out.append(re.escape(pattern[i:i + 1]))
                i += 1
            else:
                out.append(re.escape(b"\\"))
        elif c == b"[":
            j = i
            negate = False
            if j < n and pattern[j:j + 1] in (b"!", b"^"):
                negate = True
                j += 1
            items = []
            first = True
            closed = False
            while j < n:
                ch = pattern[j:j + 1]
                if ch == b"]" and not first:
                    closed = True
                    j += 1
                    break
                first = False
                if ch == b"[" and pattern[j + 1:j + 2] == b":":
                    end = pattern.find(b":]", j + 2)
                    if end >= 0 and pattern[j + 2:end] in _CLASSES:
                        items.append(_CLASSES[pattern[j + 2:end]])
                        j = end + 2
                        continue
                if ch == b"\\" and j + 1 < n:
                    j += 1
                    ch = pattern[j:j + 1]
                if pattern[j + 1:j + 2] == b"-" and j + 2 < n and pattern[j + 2:j + 3] != b"]":
                    hi = pattern[j + 2:j + 3]
                    if hi == b"\\" and j + 3 < n:
                        hi = pattern[j + 3:j + 4]
                        j += 1
                    items.append(re.escape(ch) + b"-" + re.escape(hi))
                    j += 3
                    continue
                items.append(re.escape(ch))
                j += 1
            if not closed:
                # An unterminated bracket is an ordinary '['.
                out.append(re.escape(b"["))
                continue
            out.append(b"[" + (b"^" if negate else b"") + b"".join(items) + b"]")
            i = j
        else:
            out.append(re.escape(c))
    return re.compile(b"(?s:" + b"".join(out) + b")\\Z")


_PATTERNS = {}


def fnmatch(pattern, string):
    regex = _PATTERNS.get(pattern)
    if regex is None:
        try:
            regex = _translate(pattern)
        except re.error:
            regex = re.compile(re.escape(pattern) + b"\\Z")
        _PATTERNS[pattern] = regex
    return regex.match(string) is not None


# ------------------------------------------------------------------ qsort --

def qsort(items, cmp):
    """glibc qsort (merge sort): ``cmp(a, b) <= 0`` keeps ``a`` first.

    Reproduced exactly because vzlist's comparators mostly return only 0 or
    1, which a sort asking "less than?" would not order at all.
    """
    items = list(items)
    _msort(items, 0, len(items), cmp)
    return items


def _msort(items, lo, n, cmp):
    if n <= 1:
        return
    n1 = n // 2
    n2 = n - n1
    _msort(items, lo, n1, cmp)
    _msort(items, lo + n1, n2, cmp)
    left = items[lo:lo + n1]
    right = items[lo + n1:lo + n]
    li = ri = 0
    pos = lo
    while li < n1 and ri < n2:
        if cmp(left[li], right[ri]) <= 0:
            items[pos] = left[li]
            li += 1
        else:
            items[pos] = right[ri]
            ri += 1
        pos += 1
    while li < n1:
        items[pos] = left[li]
        li += 1
        pos += 1


def strcmp(a, b_):
    return (a > b_) - (a < b_)


def check_empty(a, b_):
    """vzlist's check_empty_param(): 0/-1/1 for NULLs, 2 when both are set."""
    if a is None and b_ is None:
        return 0
    if a is None:
        return -1
    if b_ is None:
        return 1
    return 2


# ------------------------------------------------- fields both print --

# The beancounters in the order of both vzlist.c field tables (DCACHESIZE
# before NUMFILE there, after it in vzctl's config[]); no AVNUMPROC.
UBC_NAMES = ["kmemsize", "lockedpages", "privvmpages", "shmpages", "numproc",
             "physpages", "vmguarpages", "oomguarpages", "numtcpsock", "numflock",
             "numpty", "numsiginfo", "tcpsndbuf", "tcprcvbuf", "othersockbuf",
             "dgramrcvbuf", "numothersock", "dcachesize", "numfile", "numiptent",
             "swappages"]

# A text printer returns (bytes snprintf wrote, how far p_buf moves); a JSON
# printer returns bytes; a comparator is qsort()'s.


class Field(object):
    """One entry of vzlist's field table."""

    def __init__(self, name, hdr, hdr_fmt, index, res, printers, sort):
        self.name = name
        self.hdr = hdr
        self.hdr_fmt = hdr_fmt
        self.index = index
        self.res = res
        self.text, self.json = printers
        self.sort = sort


def field_index(fields):
    """search_field()'s answer for each name: the first field of that name."""
    index = {}
    for number, field in enumerate(fields):
        index.setdefault(field.name, number)
    return index


UBC_HEADERS = ["KMEMSIZE", "LOCKEDP", "PRIVVMP", "SHMP", "NPROC", "PHYSP", "VMGUARP",
               "OOMGUARP", "NTCPSOCK", "NFLOCK", "NPTY", "NSIGINFO", "TCPSNDB", "TCPRCVB",
               "OTHSOCKB", "DGRAMRB", "NOTHSOCK", "DCACHESZ", "NFILE", "NIPTENT", "SWAPP"]


def ubc_fields(printers, res):
    """The five fields of each beancounter (name, .m, .b, .l, .f: held,
    maxheld, barrier, limit, failcnt), ``printers(name)`` printing them.
    SORT_UBC() maps .l to element 2 (barrier) and .b to 3 (limit): the sort
    keys of .b and .l are swapped in the real tool."""
    fields = []
    for name, hdr in zip(UBC_NAMES, UBC_HEADERS):
        pair = printers(name)
        for suffix, index, sort_index in (("", 0, 0), (".m", 1, 1), (".b", 2, 3),
                                          (".l", 3, 2), (".f", 4, 4)):
            fields.append(Field(name + suffix, hdr + suffix.upper(), "%10s", index, res,
                                pair, ubc_cmp(name, sort_index)))
    return fields


def ubc_json(res, running):
    """A beancounter in JSON; held, maxheld and failcnt are 0 unless running."""
    return (b'{\n      "held": %d,\n      "maxheld": %d,\n      "barrier": %d,\n'
            b'      "limit": %d,\n      "failcnt": %d\n    }'
            % (res[0] if running else 0, res[1] if running else 0, res[2], res[3],
               res[4] if running else 0))


def json_str(value):
    return b"null" if value is None else b'"' + value + b'"'


def json_list(value):
    if value is None:
        return b"[]"
    return b"[" + b", ".join(b'"' + item + b'"' for item in value.replace(b"\t", b" ").split(b" ") if item) + b"]"


def laverage_text(ct, index, last, ctx):
    if ct.cpustat is None:
        text = b"%14s" % b"-"
    else:
        text = b"%1.2f/%1.2f/%1.2f" % ct.cpustat[0]
    return text, len(text)


def laverage_json(ct, index):
    if ct.cpustat is None:
        return b"null"
    return b"[%1.2f, %1.2f, %1.2f]" % ct.cpustat[0]


def format_uptime(uptime):
    days = int(uptime / (60 * 60 * 24))
    minutes = int(uptime / 60)
    hours = (minutes // 60) % 24
    minutes %= 60
    secs = int(uptime - (60 * minutes + 3600 * hours + 86400 * days))
    return b"%.3dd%.2dh:%.2dm:%.2ds" % (days, hours, minutes, secs)


def uptime_text(ct, index, last, ctx):
    text = b"%15s" % b"-" if ct.cpustat is None else format_uptime(ct.cpustat[1])
    return text, len(text)


def uptime_json(ct, index):
    return b"%.3f" % (ct.cpustat[1] if ct.cpustat else 0.0)


def str_cmp(attr):
    def cmp(a, c):
        x, y = getattr(a, attr), getattr(c, attr)
        ret = check_empty(x, y)
        return strcmp(x, y) if ret == 2 else ret
    return cmp


def ubc_cmp(name, index):
    def cmp(a, c):
        return int(a.ubc[name][index] > c.ubc[name][index])
    return cmp


def c_int(value):
    """A float difference returned as int (C truncates toward zero)."""
    return int(value)


def laverage_cmp(a, c):
    ret = check_empty(a.cpustat, c.cpustat)
    if ret != 2:
        return ret
    for i in range(3):
        res = c_int((a.cpustat[0][i] - c.cpustat[0][i]) * 100)
        if res or i == 2:
            return res
    return 0


def uptime_cmp(a, c):
    ret = check_empty(a.cpustat, c.cpustat)
    if ret != 2:
        return ret
    return c_int(c.cpustat[1] - a.cpustat[1])


def none_cmp(a, c):
    return 0


# ------------------------------------------------------------- printf --

def cfmt(fmt, value):
    """printf-style formatting on bytes (value bytes or number)."""
    if isinstance(value, str):
        value = b(value)
    return b(fmt) % value


def rstrip_c(data):
    """trim_eol_space(): drop trailing isspace() bytes."""
    return data.rstrip(cstr.space(data))
