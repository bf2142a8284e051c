"""One container's state as the real tools see it: config, areas, mount, run state."""
import os

from . import conffile, paths


def expand(path_template, ctid):
    # vzctl substitutes $VEID (and nothing else) in VE_ROOT and VE_PRIVATE.
    return path_template.replace("$VEID", str(ctid)).replace("${VEID}", str(ctid))


def mount_points():
    points = set()
    with open("/proc/self/mountinfo", "r") as handle:
        for line in handle:
            fields = line.split(" ")
            points.add(fields[4].encode("latin-1").decode("unicode_escape"))
    return points


class Container(object):
    def __init__(self, host, ctid):
        self.host = host
        self.ctid = str(ctid)
        self.conf_path = paths.ct_conf_path(self.ctid)
        self._conf = None

    @property
    def has_conf(self):
        return os.path.lexists(self.conf_path) and os.path.exists(self.conf_path)

    @property
    def conf(self):
        if self._conf is None:
            self._conf = (conffile.parse_file(self.conf_path) if self.has_conf
                          else conffile.ParsedConf({}, []))
        return self._conf

    def reload(self):
        self._conf = None

    def value(self, key, default=None):
        """A CT setting, falling back to the global vz.conf as vzctl does."""
        if key in self.conf:
            return self.conf.get(key)
        return self.host.setting(key, default)

    @property
    def private(self):
        value = self.value("VE_PRIVATE")
        return expand(value, self.ctid) if value else None

    @property
    def root(self):
        value = self.value("VE_ROOT")
        return expand(value, self.ctid) if value else None

    @property
    def layout(self):
        return self.value("VE_LAYOUT", self.host.default_layout)

    @property
    def private_exists(self):
        return bool(self.private) and os.path.isdir(self.private)

    @property
    def exists(self):
        return self.has_conf and self.private_exists

    @property
    def mounted(self):
        return bool(self.root) and os.path.realpath(self.root) in mount_points()

    @property
    def running(self):
        return os.path.exists(paths.state_path("running", self.ctid))

    @property
    def dump_file(self):
        return os.path.join(self.host.dumpdir, "Dump.%s" % self.ctid)

    @property
    def suspended(self):
        return not self.running and os.path.exists(self.dump_file)

    @property
    def status_word(self):
        """The word vzlist prints in its STATUS column."""
        if self.running:
            return "running"
        if self.suspended:
            return "suspended"
        if self.mounted:
            return "mounted"
        return "stopped"

    @property
    def fs_source(self):
        """What gets mounted on VE_ROOT: the private area, or the emulated ploop image's files."""
        if self.layout.startswith("ploop"):
            return os.path.join(self.private, "root.hdd", "fs")
        return self.private


def name_to_ctid(name):
    link = os.path.join(paths.NAMES_DIR, name)
    if not os.path.islink(link):
        return None
    target = os.path.basename(os.readlink(link))
    return target[:-len(".conf")] if target.endswith(".conf") else None
