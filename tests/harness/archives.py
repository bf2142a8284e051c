"""Template-like tarballs with chosen (possibly hostile) members, for archive tests."""
import io
import tarfile

MTIME = 1700000000


def add_member(tar, name, data=b"x\n", **attrs):
    """One member; ``attrs`` set TarInfo fields (type, linkname, mode, devmajor, ...)."""
    info = tarfile.TarInfo(name)
    info.mtime = MTIME
    for key, value in attrs.items():
        setattr(info, key, value)
    if info.type == tarfile.REGTYPE:
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    else:
        tar.addfile(info)


def template_tarball(path, members, compression="gz", hostname=True):
    """``./``, ``./etc/`` (and ``./etc/hostname``) plus ``members``, (name, attrs) pairs."""
    with tarfile.open(str(path), "w:" + compression, format=tarfile.GNU_FORMAT) as tar:
        add_member(tar, "./", type=tarfile.DIRTYPE, mode=0o755)
        add_member(tar, "./etc/", type=tarfile.DIRTYPE, mode=0o755)
        if hostname:
            add_member(tar, "./etc/hostname", data=b"ct\n")
        for name, attrs in members:
            add_member(tar, name, **attrs)
    return str(path)
