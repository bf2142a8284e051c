"""libvirt's installed domain.rng, with the one pattern OpenVZ template names need relaxed.

libvirt's genericName ([a-zA-Z0-9_+-]+) rejects real template names such as
debian-12.0-x86_64-minimal; the copy allows dots there and nothing else
changes. The copy lives in a temporary directory: libvirt's schema is never
committed.
"""
import functools
import os
import shutil
import tempfile

SCHEMA_DIR = "/usr/share/libvirt/schemas"
GENERIC_NAME = '<param name="pattern">[a-zA-Z0-9_\\+\\-]+</param>'
RELAXED_NAME = '<param name="pattern">[a-zA-Z0-9_.\\+\\-]+</param>'


@functools.lru_cache(maxsize=1)
def relaxed_schema_dir():
    target = tempfile.mkdtemp(prefix="libvirt-schema-")
    for entry in os.listdir(SCHEMA_DIR):
        shutil.copy(os.path.join(SCHEMA_DIR, entry), target)
    path = os.path.join(target, "basictypes.rng")
    with open(path) as handle:
        text = handle.read()
    if text.count(GENERIC_NAME) != 1:
        raise AssertionError("libvirt's genericName pattern changed; update tests/unit/support/libvirt_schema.py")
    with open(path, "w") as handle:
        handle.write(text.replace(GENERIC_NAME, RELAXED_NAME))
    return target


@functools.lru_cache(maxsize=1)
def validator():
    from lxml import etree
    return etree.RelaxNG(etree.parse(os.path.join(relaxed_schema_dir(), "domain.rng")))


def assert_valid(xml_text):
    from lxml import etree
    doc = etree.fromstring(xml_text.encode())
    schema = validator()
    assert schema.validate(doc), str(schema.error_log)
