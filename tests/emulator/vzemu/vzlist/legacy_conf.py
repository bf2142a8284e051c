"""How vzlist 4.11 reads CT configs: with vzctl's own reader.

vzlist links the libvzctl of vzctl 4.11 and reads vz.conf and CTID.conf with
its vps_parse_config() and parse() (src/lib/config.c), so it uses the
emulator's one port of them, vzemu/vzctl/config.py, as the vzctl stand-in
does.  What is vzlist's own is here: the logger it reads with (vzctl's, at
verbosity 0 and without a log file: level -1 messages on stderr, level 0 on
stdout, through vzlist's byte console) and the names its fields print.
The shared parsers take bytes as well as str.
"""
from .. import conffile
from ..vzctl import config as cfg
from ..vzctl import log as log_mod
from .common import b

# src/lib/cap.c cap_names[] and vzfeatures.c features[], as vzlist prints them.
CAP_NAMES = [b(name) for name in cfg.CAP_NAMES]
FEATURES = [b(name) for name, _mask in cfg.FEATURES]
STR_SIZE = conffile.STR_SIZE

# The shared parsers by the names vzlist's unit tests know them.
ERR_INVAL = cfg.ERR_INVAL
ERR_LONG_TRUNC = cfg.ERR_LONG_TRUNC
parse_line = conffile.parse_line
parse_twoul_sfx = cfg.parse_twoul_sfx
parse_ip = cfg.parse_ip
canon_ip = cfg.canon_ip
find_feature = cfg.find_feature


def logger(console, quiet=False):
    """vzctl's logger as vzlist runs it, onto ``console`` (or nowhere)."""
    log = log_mod.Logger()
    log.console = console
    log.quiet = quiet
    return log


def read(host, veid, path, log):
    """vps_parse_config() of ``path`` for CT ``veid``: the typed values
    (vzctl's Params; strings as str), its messages sent to ``log``."""
    param = cfg.Params()
    cfg.load_conf(path, veid, param, host, log)
    return param
