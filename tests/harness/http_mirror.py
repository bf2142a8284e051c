"""A small HTTP(S) file server on 127.0.0.1 for download tests.

The emulated host has no network; tests that download (``openvz.vz.template``
with ``url``, the ``vztmpl-dl`` stand-in) serve a directory with this.  It
runs in a daemon thread of the test process, answers only on the loopback
address, and stops itself after ``lifetime`` seconds even if a test forgets
to.  ``rules`` make chosen paths misbehave:

* ``{"truncate": N}``: send the right ``Content-Length`` but only N bytes
  of the body, then close (a connection cut mid-download);
* ``{"truncate": N, "length": False}``: send N bytes and no length (the
  client cannot tell the file is short);
* ``{"stall": S}``: wait S seconds before answering (timeouts).
"""

import contextlib
import datetime
import http.server
import os
import ssl
import threading
import time


class _Handler(http.server.SimpleHTTPRequestHandler):
    server_version = "harness-mirror/1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):
        self._answer(body=True)

    def do_HEAD(self):
        self._answer(body=False)

    def _answer(self, body):
        mirror = self.server.mirror
        path = self.path.split("?", 1)[0]
        mirror.requests.append((self.command, path))
        rule = mirror.rules.get(path)
        if rule and rule.get("stall"):
            time.sleep(min(float(rule["stall"]), mirror.lifetime))
        if not rule or "truncate" not in rule or not body:
            if body:
                super().do_GET()
            else:
                super().do_HEAD()
            return
        local = self.translate_path(path)
        with open(local, "rb") as handle:
            data = handle.read()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(local))
        if rule.get("length", True):
            self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data[:int(rule["truncate"])])
        self.wfile.flush()
        self.close_connection = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (a timeout test) is not an error here.
        pass


class Mirror:
    """A running server: ``url`` (no trailing slash), ``requests`` seen, ``rules``."""

    def __init__(self, directory, lifetime, tls=None):
        self.directory = str(directory)
        self.lifetime = lifetime
        self.requests = []
        self.rules = {}
        directory = self.directory

        def handler(*args, **kwargs):
            return _Handler(*args, directory=directory, **kwargs)

        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.mirror = self
        scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        daemon=True)
        self._timer = threading.Timer(lifetime, self.server.shutdown)
        self._timer.daemon = True

    def start(self):
        self._thread.start()
        self._timer.start()
        return self

    def stop(self):
        self._timer.cancel()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def serve(directory, lifetime=120, tls=None):
    """Serve ``directory`` on 127.0.0.1 for at most ``lifetime`` seconds.

    ``tls`` is a ``(certfile, keyfile)`` pair for HTTPS (see self_signed()).
    """
    mirror = Mirror(directory, lifetime, tls).start()
    try:
        yield mirror
    finally:
        mirror.stop()


def self_signed(directory, host="127.0.0.1"):
    """A throw-away self-signed certificate for ``host``: (certfile, keyfile)."""
    # cryptography comes with ansible-core.
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import ec  # pylint: disable=import-outside-toplevel
    from cryptography.x509.oid import NameOID  # pylint: disable=import-outside-toplevel
    import ipaddress  # pylint: disable=import-outside-toplevel

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    certfile = os.path.join(str(directory), "mirror.crt")
    keyfile = os.path.join(str(directory), "mirror.key")
    with open(certfile, "wb") as handle:
        handle.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(keyfile, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    return certfile, keyfile
