"""``vztmpl-dl``, vzctl 4.x's template cache downloader (``bin/vztmpl-dl.in`` of
kolyshkin/vzctl, a POSIX sh script; see docs/openvz-tools.md).

The script sources ``/etc/vz/vz.conf`` and then ``/etc/vz/download.conf``,
fills unset variables with built-in defaults (``: ${VAR=default}``, so the
environment counts too), and fetches ``PREFIX/NAME.SUFFIX`` for each prefix in
TEMPLATE_REPOS and suffix in TMPL_SUFFIXES with ``wget -q --spider`` (is it
there?) and ``wget -P $TEMPLATE/cache -N URL`` (download in place; the script
removes the file if wget fails).  wget is emulated here with urllib: the
emulated host has no network, so only loopback hosts are reachable (a test
serves a mirror on 127.0.0.1 and points TMPL_REPO_PREFIX at it).
"""
import email.utils
import glob
import ipaddress
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from . import paths

SELF = "vztmpl-dl"
DOWNLOAD_CONF = "/etc/vz/download.conf"
DEFAULTS = (
    ("TMPL_REPO_PREFIX", "http://download.openvz.org/template/precreated"),
    ("TEMPLATE_REPOS", "${TMPL_REPO_PREFIX}"),
    ("TMPL_SUFFIXES", "tar.gz"),
    ("GPG_KEY", "security@openvz.org"),
    ("CHECK_TEMPLATE_SIG", "no"),
    ("UPDATE_TEMPLATE", "yes"),
    ("IGNORE_ERRORS", "no"),
    ("QUIET", "no"),
)
USAGE = """Usage:
  vztmpl-dl [option ...] <template> [<template> ...]
  vztmpl-dl [option ...] --update-all
  vztmpl-dl --list-remote | --list-local | --list-all | --list-orphans
  vztmpl-dl --config | --help
Options:
  --gpg-check\t\tCheck GPG signatures of downloaded files
  --no-gpg-check\tDo not check GPG signatures
  --ignore-errors\tDon't abort if a template can't be downloaded
  --update\t\tUpdate templates even if they exist locally
  --no-update\t\tDo not try to update existing templates
  --quiet\t\tBe less talkative (shut up wget)
  --no-quiet\t\tBe more talkative
  --update-all\t\tTry to update all locally available templates
  --list-remote\t\tOutput list of templates available for download
  --list-local\t\tOutput list of templates available locally
  --list-all\t\tOutput combined list of templates
  --list-orphans\tOutput list of local templates NOT available remotely
  --config\t\tOutput current configuration
  --help\t\tPrint this help
Arguments:
  <template>\t\tAn OS template name (like centos-6-x86_64)"""

# wget's exit codes (wget(1) EXIT STATUS)
WGET_OK, WGET_GENERIC, WGET_NETWORK, WGET_SERVER = 0, 1, 4, 8
WGET_TRIES = 20
WGET_TIMEOUT = 900


class Exit(Exception):
    def __init__(self, rc):
        Exception.__init__(self, rc)
        self.rc = rc


# ---------------------------------------------------------------- sh variables

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def _expand(text, env):
    """$VAR and ${VAR} as sh expands them in double quotes (unset = empty)."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '$`"\\':
            out.append(text[index + 1])
            index += 2
            continue
        if char == "$":
            if text.startswith("{", index + 1):
                end = text.find("}", index)
                if end > 0 and _NAME.fullmatch(text[index + 2:end]):
                    out.append(env.get(text[index + 2:end], ""))
                    index = end + 1
                    continue
            match = _NAME.match(text, index + 1)
            if match:
                out.append(env.get(match.group(0), ""))
                index = match.end()
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _word(text, env):
    """The value of ``KEY=text``: one sh word (quotes joined, unquoted part
    ending at a blank, so a trailing ``# comment`` is not part of it)."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "'":
            end = text.find("'", index + 1)
            end = len(text) if end < 0 else end
            out.append(text[index + 1:end])
            index = end + 1
        elif char == '"':
            end = index + 1
            while end < len(text) and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(_expand(text[index + 1:end], env))
            index = end + 1
        elif char in " \t":
            break
        else:
            end = index
            while end < len(text) and text[end] not in " \t'\"":
                end += 1
            out.append(_expand(text[index:end], env))
            index = end
    return "".join(out)


def source(path, env):
    """What ``. path`` does to the variables, for files of plain assignments."""
    try:
        with open(path, "r", errors="replace") as handle:
            lines = handle.read().split("\n")
    except OSError:
        return
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ASSIGN.match(line)
        if match:
            env[match.group(1)] = _word(match.group(2), env)


def load_config(environ):
    env = dict(environ)
    source(paths.VZ_CONF, env)
    if os.access(DOWNLOAD_CONF, os.R_OK):
        source(DOWNLOAD_CONF, env)
    for key, default in DEFAULTS:
        if key not in env:
            env[key] = _expand(default, env)
    return env


# ---------------------------------------------------------------- wget

def _stamp():
    return time.strftime("%Y-%m-%d %H:%M:%S")


def _loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _size(count):
    for unit in ("", "K", "M", "G"):
        if count < 1024 or unit == "G":
            return ("%d" % count) if not unit else "%.1f%s" % (count, unit)
        count /= 1024.0
    return str(count)


class Wget(object):
    """The parts of GNU wget 1.21 that vztmpl-dl uses: --spider, -N -P, -O -."""

    def __init__(self, out, quiet):
        self.out = out
        self.quiet = quiet

    def say(self, line):
        if not self.quiet:
            self.out.stderr(line)

    def _check(self, url):
        """None if ``url`` can be fetched from here, else wget's exit code."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https"):
            self.say("%s: Unsupported scheme \u2018%s\u2019." % (url, parts.scheme))
            return WGET_GENERIC
        host = parts.hostname or ""
        if not _loopback(host):
            # The emulated host has no network: every name fails to resolve.
            self.say("Resolving %s (%s)... failed: Name or service not known." % (host, host))
            self.say("wget: unable to resolve host address \u2018%s\u2019" % host)
            return WGET_NETWORK
        return None

    def _open(self, url, method="GET", headers=None):
        # wget sends the bytes of a URL that may not appear in one (controls,
        # blanks, 8-bit) percent-encoded (its url.c reencode_escapes()).
        raw = url.encode("utf-8", "surrogateescape")
        url = urllib.parse.quote(raw, safe="!#$%&'()*+,/:;=?@[]~")
        request = urllib.request.Request(url, method=method, headers=headers or {})
        request.add_header("User-Agent", "Wget/1.21.3")
        return urllib.request.urlopen(request, timeout=WGET_TIMEOUT)

    def spider(self, url):
        rc = self._check(url)
        if rc is not None:
            return rc
        try:
            with self._open(url, method="HEAD"):
                return WGET_OK
        except urllib.error.HTTPError:
            return WGET_SERVER
        except (urllib.error.URLError, OSError):
            return WGET_NETWORK

    def to_stdout(self, url):
        """``wget -q -O - URL``: the body, or None."""
        if self._check(url) is not None:
            return None
        try:
            with self._open(url) as response:
                return response.read()
        except (urllib.error.URLError, OSError):
            return None

    def timestamped(self, url, directory):
        """``wget -P DIR -N URL``: download into DIR/basename, in place."""
        rc = self._check(url)
        if rc is not None:
            return rc
        name = os.path.basename(urllib.parse.urlsplit(url).path)
        target = os.path.join(directory, name)
        headers = {}
        if os.path.exists(target):
            headers["If-Modified-Since"] = email.utils.formatdate(
                os.stat(target).st_mtime, usegmt=True)
        for attempt in range(1, WGET_TRIES + 1):
            self.say("--%s--  %s%s" % (_stamp(), "(try:%2d)  " % attempt if attempt > 1 else "", url))
            netloc = urllib.parse.urlsplit(url).netloc
            try:
                response = self._open(url, headers=headers)
            except urllib.error.HTTPError as exc:
                self.say("Connecting to %s... connected." % netloc)
                self.say("HTTP request sent, awaiting response... %d %s" % (exc.code, exc.reason))
                if exc.code == 304:
                    self.say("File \u2018%s\u2019 not modified on server. Omitting download." % target)
                    self.say("")
                    return WGET_OK
                self.say("%s ERROR %d: %s." % (_stamp(), exc.code, exc.reason))
                self.say("")
                return WGET_SERVER
            except (urllib.error.URLError, OSError) as exc:
                self.say("Connecting to %s... failed: %s." % (netloc, getattr(exc, "reason", exc)))
                return WGET_NETWORK
            with response:
                rc = self._save(response, target, netloc, attempt)
            if rc is not None:
                return rc
        return WGET_NETWORK

    def _save(self, response, target, netloc, attempt):
        """WGET_OK when saved, WGET_NETWORK after the last try, None to retry."""
        self.say("Connecting to %s... connected." % netloc)
        self.say("HTTP request sent, awaiting response... %d %s" % (response.status, response.reason))
        length = response.headers.get("Content-Length")
        length = int(length) if length and length.isdigit() else None
        kind = response.headers.get("Content-Type")
        self.say("Length: %s%s" % ("%d (%s)" % (length, _size(length)) if length is not None
                                   else "unspecified", " [%s]" % kind if kind else ""))
        modified = response.headers.get("Last-Modified")
        stamp = email.utils.parsedate_to_datetime(modified).timestamp() if modified else None
        if stamp is not None and os.path.exists(target):
            local = os.stat(target)
            if stamp <= local.st_mtime and length == local.st_size:
                self.say("Server file no newer than local file \u2018%s\u2019 -- not retrieving." % target)
                self.say("")
                return WGET_OK
        self.say("Saving to: \u2018%s\u2019" % target)
        self.say("")
        received = 0
        try:
            with open(target, "wb") as handle:
                while True:
                    chunk = response.read(65536)
                    if not chunk:
                        break
                    handle.write(chunk)
                    received += len(chunk)
        except OSError:
            pass
        if length is not None and received < length:
            self.say("%s - Connection closed at byte %d. %s" % (
                _stamp(), received, "Giving up." if attempt == WGET_TRIES else "Retrying."))
            self.say("")
            # wget waits 1, 2, ... 10 s between tries; the emulator does not.
            return WGET_NETWORK if attempt == WGET_TRIES else None
        if stamp is None:
            self.say("Last-modified header missing -- time-stamps turned off.")
        else:
            os.utime(target, (stamp, stamp))
        self.say("%s - \u2018%s\u2019 saved [%d%s]" % (
            _stamp(), target, received, "/%d" % length if length is not None else ""))
        self.say("")
        return WGET_OK


# ---------------------------------------------------------------- the script

class Script(object):
    def __init__(self, out, env):
        self.out = out
        self.env = env
        self.cache = os.path.join(env["TEMPLATE"], "cache")

    def var(self, key):
        return self.env.get(key, "")

    def usage(self, rc):
        self.out.stderr(USAGE)
        raise Exit(rc)

    def gpg_working(self):
        if self.var("CHECK_TEMPLATE_SIG") != "yes":
            return
        # The emulated host has no gpg binary.
        self.env["CHECK_TEMPLATE_SIG"] = "no"
        self.out.stderr("%s WARNING: gpg binary not found, signature check disabled" % SELF)

    def show_config(self):
        self.gpg_working()
        lines = [
            "Current %s configuration is below. Defaults are built-in and can be" % SELF,
            "overwritten by setting an appropriate variables in %s" % DOWNLOAD_CONF,
            "",
            "* Try to update template files ($UPDATE_TEMPLATE): %s" % self.var("UPDATE_TEMPLATE"),
            "* Check template signatures ($CHECK_TEMPLATE_SIG): %s" % self.var("CHECK_TEMPLATE_SIG"),
            "* GPG public key name to check ($GPG_KEY):         %s" % self.var("GPG_KEY"),
            "* List of template suffixes ($TMPL_SUFFIXES):      %s" % self.var("TMPL_SUFFIXES"),
            "* Prefix to template cache repository URL ($TMPL_REPO_PREFIX):",
            "  %s" % self.var("TMPL_REPO_PREFIX"),
            "* List of template URLs to try ($TEMPLATE_REPOS):",
        ]
        lines += ["  %s" % url for url in self.var("TEMPLATE_REPOS").split()]
        for line in lines:
            self.out.stdout(line)

    def list_remote(self):
        # The real script keeps this for a minute in /tmp/vztmpl-dl-list;
        # /tmp is not part of an emulated host, so nothing is cached.
        wget = Wget(self.out, True)
        text = b""
        for url in self.var("TEMPLATE_REPOS").split():
            text += wget.to_stdout(url + "/.listing") or b""
        return text.decode("utf-8", "replace")

    def list_local(self):
        files = []
        for pattern in ("*.tar", "*.tar.gz", "*.tar.xz", "*.tar.bz2"):
            files += glob.glob(os.path.join(self.cache, pattern))
        names = []
        for path in sorted(files):
            # sed -e "s#^${TCACHEDIR}/##" -e 's#\.tar\.*[gbxz2]*$##'
            names.append(re.sub(r"\.tar\.*[gbxz2]*$", "", os.path.basename(path)))
        return names

    def download(self, tmpl, wget):
        for prefix in self.var("TEMPLATE_REPOS").split():
            for suffix in self.var("TMPL_SUFFIXES").split():
                src = "%s/%s.%s" % (prefix, tmpl, suffix)
                dst = os.path.join(self.cache, "%s.%s" % (tmpl, suffix))
                if os.path.isfile(dst) and self.var("UPDATE_TEMPLATE") == "no":
                    self.out.stderr("%s ERROR: file %s is present, not updating." % (SELF, dst))
                    return 2
                if Wget(self.out, True).spider(src) == WGET_OK:
                    return self.do_download(src, dst, wget)
        self.out.stderr("%s ERROR: template %s not found!" % (SELF, tmpl))
        return 1

    def do_download(self, src, dst, wget):
        rc = wget.timestamped(src, os.path.dirname(dst))
        if rc == 0:
            return 0
        self.out.stderr("%s ERROR: failed to download %s!" % (SELF, src))
        try:
            os.unlink(dst)
        except OSError:
            pass
        return 1

    def main(self, args):
        update_list = None
        while args and args[0].startswith("-") and args[0] != "-n":
            opt = args.pop(0)
            if opt == "--gpg-check":
                self.env["CHECK_TEMPLATE_SIG"] = "yes"
            elif opt == "--no-gpg-check":
                self.env["CHECK_TEMPLATE_SIG"] = "no"
            elif opt == "--ignore-errors":
                self.env["IGNORE_ERRORS"] = "yes"
            elif opt == "--update":
                self.env["UPDATE_TEMPLATE"] = "yes"
            elif opt == "--no-update":
                self.env["UPDATE_TEMPLATE"] = "no"
            elif opt == "--quiet":
                self.env["QUIET"] = "yes"
            elif opt == "--no-quiet":
                self.env["QUIET"] = "no"
            elif opt == "--update-all":
                update_list = self.list_local()
                self.env["UPDATE_TEMPLATE"] = "yes"
                self.env["IGNORE_ERRORS"] = "yes"
            elif opt == "--config":
                self.show_config()
                return 0
            elif opt in ("--list-all", "--list-remote", "--list-local", "--list-orphans"):
                return self.listing(opt)
            elif opt == "--help":
                self.usage(0)
            else:
                self.out.stderr("%s ERROR: unknown option: %s" % (SELF, opt))
                self.usage(3)
        if update_list:
            if len(args) > 1:
                self.out.stderr("%s ERROR: too many arguments" % SELF)
                self.usage(3)
        elif not args:
            self.out.stderr("%s ERROR: no arguments" % SELF)
            self.usage(3)
        self.gpg_working()
        wget = Wget(self.out, self.var("QUIET") == "yes")
        failed = []
        # for TMPL in ${UPDATE_LIST:-$*}: unquoted, so split on blanks
        for tmpl in " ".join(update_list or args).split():
            rc = self.download(tmpl, wget)
            if rc:
                if self.var("IGNORE_ERRORS") == "yes":
                    failed.append(tmpl)
                else:
                    return rc
        if failed:
            self.out.stdout("WARNING: the following templates were not found remotely and "
                            "can't be updated:")
            for tmpl in failed:
                self.out.stderr("  %s" % tmpl)
        return 0

    def listing(self, opt):
        if opt == "--list-local":
            names = self.list_local()
        elif opt == "--list-remote":
            self.out.raw_stdout(self.list_remote())
            return 0
        else:
            remote = [line for line in self.list_remote().split("\n") if line]
            local = self.list_local()
            if opt == "--list-all":
                names = sorted(set(local + remote))
            else:
                names = sorted(set(name for name in local if name not in remote))
        for name in names:
            self.out.stdout(name)
        return 0


def main(host, argv, out):  # pylint: disable=unused-argument
    env = load_config(os.environ)
    if not env.get("TEMPLATE"):
        # vps-functions' vzcheckvar, before any option is looked at
        out.stderr("%s ERROR: Missing parameter: TEMPLATE" % SELF)
        return 20
    try:
        return Script(out, env).main(list(argv))
    except Exit as exc:
        return exc.rc
