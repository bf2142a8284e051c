# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openvz.vz contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OS template caches: ``$TEMPLATE/cache/NAME.tar[.gz|.bz2|.xz]``.

vzctl create looks for ``NAME.tar``, ``.tar.gz``, ``.tar.bz2``, ``.tar.xz`` in
that order and unpacks the first it finds.  A new cache file is written under
a hidden temporary name in the cache directory (which neither vzctl nor
``vztmpl-dl --list-local`` ever picks up), checked (checksum, and the archive
read to its end so a short or corrupt file is caught by its compression
trailer or tar structure, and every member checked so the archive unpacks
inside the container), and only then renamed into place.

vzctl create unpacks a cache with GNU tar into the container's private area
(4.x scripts/vps-create.in, libvzctl scripts/vz-create_prvt.in).  GNU tar
guards that by itself (it strips a leading ``/``, refuses ``..`` members and
does not write through a symlink it has just made), but then the create
fails half way; and an archive built that way is not a template.  So the
module refuses, before the file becomes a cache entry, members with an
absolute name or a ``..`` component, members below a symlink that the
archive made earlier, and hard links whose target is absolute, has a ``..``
component or is not an earlier member.  Symlink targets are not judged (an
absolute symlink such as ``etc/localtime -> /usr/share/zoneinfo/UTC``
resolves inside the running container), nor are device nodes: a container's
/dev is static and vzctl itself makes nodes there (4.x src/lib/dev.c
create_static_dev()); which devices a container may open is its DEVICES
setting, not the nodes present.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import bz2
import gzip
import hashlib
import os
import re
import tarfile
import tempfile

try:
    import lzma
    HAS_LZMA = True
except ImportError:  # some minimal Python builds lack it
    HAS_LZMA = False

from ansible_collections.openvz.vz.plugins.module_utils._vz import vz_conf, vz_validate
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_errors import (
    VzInputError, VzStateError, VzToolError)
from ansible_collections.openvz.vz.plugins.module_utils._vz.vz_facts import exit_meaning

DEFAULT_TEMPLATE_DIR = "/vz/template"
# vzctl's lookup order (4.x create.c, libvzctl create.c)
SUFFIXES = (".tar", ".tar.gz", ".tar.bz2", ".tar.xz")
_CACHE_FILE = re.compile(r"^(.+)\.tar(\.gz|\.bz2|\.xz)?$")
_MAGIC = ((b"\x1f\x8b", ".tar.gz"), (b"BZh", ".tar.bz2"), (b"\xfd7zXZ\x00", ".tar.xz"))
_CHUNK = 1024 * 1024


class SourceNeeded(VzStateError):
    """state=present without a source, and the cache does not already match."""

    def __init__(self, message, details):
        super(SourceNeeded, self).__init__(message)
        self.details = details

    def to_result(self):
        result = dict(self.details)
        result.update(msg=str(self), source_needed=True)
        return result


def cache_dir(globals_=None):
    globals_ = vz_conf.read_globals() if globals_ is None else globals_
    return os.path.join(globals_.get("TEMPLATE") or DEFAULT_TEMPLATE_DIR, "cache")


def entries(cache, name):
    """The cache files of ``name``, in vzctl's lookup order (the first one is used)."""
    return [os.path.join(cache, name + suffix) for suffix in SUFFIXES
            if os.path.isfile(os.path.join(cache, name + suffix))]


def listing(cache):
    """Every cache file, as vztmpl-dl --list-local sees them (hidden files never)."""
    result = []
    try:
        names = sorted(os.listdir(cache))
    except OSError:
        return result
    for filename in names:
        match = _CACHE_FILE.match(filename)
        path = os.path.join(cache, filename)
        if filename.startswith(".") or not match or not os.path.isfile(path):
            continue
        result.append({"name": match.group(1), "file": filename, "path": path,
                       "size": os.path.getsize(path)})
    return result


def file_digest(path, algorithm):
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def suffix_of(path):
    """The cache suffix the content calls for, by magic number (as vps-create detects it)."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return suffix
    return ".tar"


class _Counter(object):
    """A read-only file object that counts what was read through it."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.count += len(data)
        return data


class UnsafeMember(VzStateError):
    """An archive member that would not unpack inside the container."""

    def __init__(self, member, reason):
        super(UnsafeMember, self).__init__("member %s %s" % (_quote(member), reason))
        self.member = member
        self.reason = reason


def _quote(name):
    """A member name for a message: quoted, undecodable bytes shown as \\xNN."""
    try:
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeError:
        shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return "'%s'" % shown


def _parts(name):
    """The components of a member name as tar resolves it (``./a//b`` is ``a/b``)."""
    return tuple(part for part in name.split("/") if part not in ("", "."))


class MemberCheck(object):
    """Judges members in archive order (see the module docstring)."""

    def __init__(self):
        self.symlinks = set()
        self.files = set()

    def check(self, member):
        name = member.name
        if name.startswith("/"):
            raise UnsafeMember(name, "has an absolute name")
        parts = _parts(name)
        if ".." in parts:
            raise UnsafeMember(name, "has a '..' component")
        for end in range(1, len(parts)):
            if parts[:end] in self.symlinks:
                raise UnsafeMember(name, "would be written through the symlink %s the archive makes"
                                   % _quote("/".join(parts[:end])))
        if member.islnk():
            target = member.linkname
            if target.startswith("/"):
                raise UnsafeMember(name, "is a hard link to an absolute path, %s" % _quote(target))
            target_parts = _parts(target)
            if ".." in target_parts:
                raise UnsafeMember(name, "is a hard link to %s, which has a '..' component"
                                   % _quote(target))
            if target_parts not in self.files:
                raise UnsafeMember(name, "is a hard link to %s, which is not an earlier member"
                                   % _quote(target))
            if target_parts in self.symlinks:
                self.symlinks.add(parts)
        if member.issym():
            self.symlinks.add(parts)
        if not member.isdir():
            self.files.add(parts)


def verify_archive(path, suffix):
    """Raise VzStateError unless ``path`` is a complete tar archive (compressed per
    ``suffix``) whose members all unpack inside the container (UnsafeMember)."""
    openers = {".tar": lambda p: open(p, "rb"), ".tar.gz": gzip.open, ".tar.bz2": bz2.open}
    if HAS_LZMA:
        openers[".tar.xz"] = lzma.open
    if suffix not in openers:
        # Its members cannot be read, so they cannot be checked either.
        raise VzStateError("%s is a %s archive, which this host's Python cannot read (no lzma "
                           "module), so its members cannot be checked" % (path, suffix.lstrip(".")))
    errors = (EOFError, OSError, tarfile.TarError, ValueError)
    if HAS_LZMA:
        errors += (lzma.LZMAError,)
    judge = MemberCheck()
    try:
        with openers[suffix](path) as raw:
            stream = _Counter(raw)
            archive = tarfile.open(fileobj=stream, mode="r|")
            members = 0
            for member in archive:
                members += 1
                judge.check(member)
            end = archive.offset
            # Read to the end: the compressor checks its own trailer (CRC, size).
            for _chunk in iter(lambda: stream.read(_CHUNK), b""):
                pass
    except errors as exc:
        raise VzStateError("%s is not a complete %s archive: %s" % (path, suffix.lstrip("."), exc))
    # A tar archive ends with two zero blocks after the last member's data.
    if not members or stream.count < end + 2 * tarfile.BLOCKSIZE:
        raise VzStateError("%s is not a complete %s archive: it ends before the end-of-archive marker"
                           % (path, suffix.lstrip(".")))


def _refused(param, source, exc):
    return VzInputError(param, "%s is not a template cache vzctl create can unpack: %s; it was "
                               "not cached" % (source, exc))


def _check_digest(path, algorithm, expected, what):
    """A digest of ``path`` other than ``expected`` (None: nothing to match) is an error about ``what``."""
    actual = file_digest(path, algorithm)
    if expected is not None and actual != expected:
        raise VzStateError("checksum mismatch for %s: expected %s:%s, got %s:%s"
                           % (what, algorithm, expected, algorithm, actual))


def _check_archive(path, param, source):
    """The archive suffix of ``path``, which must be a cache vzctl create can unpack."""
    suffix = suffix_of(path)
    try:
        verify_archive(path, suffix)
    except UnsafeMember as exc:
        raise _refused(param, source, exc)
    return suffix


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _describe(path, checksum):
    return "%s %s\n" % (path, checksum) if path else ""


class TemplateCache(object):
    """What the template module does; ``fetch(url)`` returns fetch_url's (response, info)."""

    def __init__(self, runner, check_mode=False, fetch=None, find_tool=None, globals_=None):
        self.runner = runner
        self.check_mode = check_mode
        self.fetch = fetch
        self.find_tool = find_tool
        self.cache = cache_dir(globals_)
        self.commands = []

    # ------------------------------------------------------------ helpers

    def _entry(self, name):
        found = entries(self.cache, name)
        return found[0] if found else None

    def _temp(self, name):
        handle, path = tempfile.mkstemp(prefix=".%s." % name, suffix=".part", dir=self.cache)
        return os.fdopen(handle, "wb"), path

    def _install(self, name, temp, algorithm, expected, source, param):
        """Check the finished temporary file and rename it into place; returns the entry path."""
        try:
            _check_digest(temp, algorithm, expected, source)
            suffix = _check_archive(temp, param, source)
            os.chmod(temp, 0o644)
            final = os.path.join(self.cache, name + suffix)
            os.rename(temp, final)
        finally:
            _remove(temp)
        for other in entries(self.cache, name):
            if other != final:
                os.unlink(other)
        return final

    def _copy_from(self, name, path, algorithm, expected):
        out, temp = self._temp(name)
        try:
            with out, open(path, "rb") as source:
                for chunk in iter(lambda: source.read(_CHUNK), b""):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except (IOError, OSError) as exc:
            _remove(temp)
            raise VzStateError("cannot copy %s into %s: %s" % (path, self.cache, exc))
        return self._install(name, temp, algorithm, expected, path, "src")

    def _download(self, name, url, algorithm, expected):
        response, info = self.fetch(url)
        status = info.get("status")
        if response is None or status != 200:
            if isinstance(status, int) and status > 0:
                raise VzStateError("download of %s failed: HTTP status %d (%s)" % (url, status, info.get("msg", "")))
            raise VzStateError("download of %s failed: %s" % (url, info.get("msg", "no response")))
        length = info.get("content-length")
        length = int(length) if length and length.isdigit() and not info.get("content-encoding") else None
        out, temp = self._temp(name)
        received = 0
        try:
            with out:
                for chunk in iter(lambda: response.read(_CHUNK), b""):
                    out.write(chunk)
                    received += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        except Exception as exc:  # pylint: disable=broad-except
            # socket timeouts, connection resets, ...
            _remove(temp)
            raise VzStateError("download of %s failed: %s: %s" % (url, type(exc).__name__, exc))
        if length is not None and received != length:
            # http.client's read(n) ends quietly when the server closes early.
            _remove(temp)
            raise VzStateError("download of %s failed: the connection closed after %d of %d bytes"
                               % (url, received, length))
        return self._install(name, temp, algorithm, expected, url, "url")

    def _vztmpl_dl(self, name, algorithm, expected):
        if self.find_tool is None or not self.find_tool("vztmpl-dl"):
            raise VzStateError("download: vztmpl-dl is not installed on this host; give url (with "
                               "checksum) or src instead")
        # An existing entry is set aside, so vztmpl-dl downloads afresh and a
        # failure can put it back.
        backups = []
        for path in entries(self.cache, name):
            out, backup = self._temp(name)
            out.close()
            os.rename(path, backup)
            backups.append((backup, path))

        def restore():
            for path in entries(self.cache, name):
                os.unlink(path)
            for backup, path in backups:
                os.rename(backup, path)

        argv = ["vztmpl-dl", name]
        self.commands.append(argv)
        try:
            rc, out, err = self.runner.run(argv, check_rc=False)
            found = entries(self.cache, name)
            if rc != 0:
                raise VzToolError(argv, rc, out, err, exit_meaning("vztmpl-dl", rc))
            if not found:
                raise VzStateError("vztmpl-dl %s succeeded but left no cache file in %s" % (name, self.cache))
            entry = found[0]
            _check_digest(entry, algorithm, expected, "%s downloaded by vztmpl-dl" % entry)
            suffix = _check_archive(entry, "download", "%s (fetched by vztmpl-dl)" % entry)
            if not entry.endswith(suffix):
                raise VzStateError("%s downloaded by vztmpl-dl holds a %s archive" % (entry, suffix))
        except Exception:
            restore()
            raise
        for backup, _path in backups:
            _remove(backup)
        return entry

    # ------------------------------------------------------------ converging

    def converge(self, name, state, src=None, url=None, download=False, checksum=None):
        name = vz_validate.ostemplate(name, "name")
        if name.startswith("."):
            raise VzInputError("name", "%r must not start with '.' (hidden files are not cache entries)" % (name,))
        algorithm, expected = vz_validate.checksum(checksum) if checksum is not None else ("sha256", None)
        if state == "absent":
            src = url = None  # sources do not matter for a removal
            download = False
        if url is not None:
            url = vz_validate.url(url)
            if expected is None:
                raise VzInputError("checksum", "is required with url (for example sha256:...)")
        if src is not None and not os.path.isabs(src):
            raise VzInputError("src", "%r must be an absolute path on the host" % (src,))
        if src is not None and not os.path.isfile(src):
            raise VzInputError("src", "%s is not a file on the host" % (src,))
        if not os.path.isdir(self.cache):
            raise VzStateError("template cache directory %s does not exist (TEMPLATE in %s)"
                               % (self.cache, vz_conf.VZ_CONF))
        current = self._entry(name)
        current_sum = "%s:%s" % (algorithm, file_digest(current, algorithm)) if current else None
        source = "url" if url else "src" if src else "download" if download else None
        result = {"changed": False, "cache_dir": self.cache, "source": source}

        if state == "absent":
            doomed = entries(self.cache, name)
            if doomed and not self.check_mode:
                for path in doomed:
                    os.unlink(path)
            result.update(changed=bool(doomed), path=None, checksum=None)
            return self._finish(result, current, current_sum, None, None)

        if src is not None and expected is None:
            expected = file_digest(src, algorithm)
        elif src is not None:
            _check_digest(src, algorithm, expected, src)
        wanted = "%s:%s" % (algorithm, expected) if expected else None
        if current and (wanted is None or current_sum == wanted):
            result.update(path=current, checksum=current_sum)
            return self._finish(result, current, current_sum, current, current_sum)
        if source is None:
            details = {"path": current, "checksum": current_sum, "cache_dir": self.cache,
                       "templates": listing(self.cache)}
            if current:
                raise SourceNeeded("template %s is cached as %s with checksum %s, not %s, and no "
                                   "source (src, url or download) was given"
                                   % (name, current, current_sum, wanted), details)
            raise SourceNeeded("template %s is not cached in %s and no source (src, url or download) "
                               "was given" % (name, self.cache), details)
        result["changed"] = True
        if self.check_mode:
            if src is not None:
                predicted = os.path.join(self.cache, name + suffix_of(src))
            else:
                predicted = current or os.path.join(self.cache, name + ".tar*")
            result.update(path=current, checksum=current_sum, commands=[["vztmpl-dl", name]] if download else [])
            return self._finish(result, current, current_sum, predicted, wanted or "(downloaded)")
        if url is not None:
            path = self._download(name, url, algorithm, expected)
        elif src is not None:
            path = self._copy_from(name, src, algorithm, expected)
        else:
            path = self._vztmpl_dl(name, algorithm, expected)
        after_sum = "%s:%s" % (algorithm, file_digest(path, algorithm))
        result.update(path=path, checksum=after_sum)
        return self._finish(result, current, current_sum, path, after_sum)

    def _finish(self, result, before_path, before_sum, after_path, after_sum):
        result.setdefault("commands", list(self.commands))
        result["templates"] = listing(self.cache)
        result["diff"] = {"before": _describe(before_path, before_sum),
                          "after": _describe(after_path, after_sum),
                          "before_header": self.cache, "after_header": self.cache}
        return result
