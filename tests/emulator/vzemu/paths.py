"""Fixed locations on an OpenVZ host, and the emulator's own state directory."""
import os

VZ_CONF = "/etc/vz/vz.conf"
CONF_DIR = "/etc/vz/conf"
NAMES_DIR = "/etc/vz/names"
DISTS_DIR = "/etc/vz/dists"
VZ_ROOT_DIR = "/vz"

# Kernel-side facts (which CTs run) have no file on a real host; the emulator
# keeps them here.  Overridable only for the emulator's own unit tests.
STATE_DIR = os.environ.get("VZEMU_STATE_DIR", "/var/lib/vzemu")


def state_path(*parts):
    return os.path.join(STATE_DIR, *parts)


def ct_conf_path(ctid):
    return os.path.join(CONF_DIR, "%s.conf" % ctid)


def sample_path(name):
    return os.path.join(CONF_DIR, "ve-%s.conf-sample" % name)
