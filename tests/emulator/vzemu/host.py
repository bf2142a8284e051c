"""The emulated host: which OpenVZ flavour it runs, and its global vz.conf."""
import json
import os

from . import conffile, paths

LEGACY = "legacy"
VZ7 = "vz7"


class Host(object):
    def __init__(self, flavour, cpus, ploop, vswap, globals_):
        self.flavour = flavour
        self.cpus = cpus
        self.ploop = ploop
        self.vswap = vswap
        self.globals = globals_

    @property
    def legacy(self):
        return self.flavour == LEGACY

    def setting(self, key, default=None):
        return self.globals.get(key, default)

    @property
    def lockdir(self):
        return self.setting("LOCKDIR", "/vz/lock")

    @property
    def dumpdir(self):
        return self.setting("DUMPDIR", "/vz/dump")

    @property
    def template_dir(self):
        return self.setting("TEMPLATE", "/vz/template")

    @property
    def default_layout(self):
        return self.setting("VE_LAYOUT", "simfs" if self.legacy else "ploop")


def load():
    with open(paths.state_path("host.json"), "r") as handle:
        desc = json.load(handle)
    globals_ = conffile.parse_file(paths.VZ_CONF).values if os.path.exists(paths.VZ_CONF) else {}
    host = Host(desc.get("flavour", LEGACY), int(desc.get("cpus", 2)),
                bool(desc.get("ploop", True)), bool(desc.get("vswap", True)), globals_)
    # The first "link/ether" address of the host: vzctl hashes it into the
    # MACs it generates for veth devices (src/lib/veth.c get_hwid()).
    host.hwaddr = desc.get("hwaddr", "00:00:00:00:00:00")
    # vz7: whether vzpkg (the EZ template tool, package vztt) is installed
    host.vzpkg = bool(desc.get("vzpkg", not host.legacy))
    return host
