"""HttpFetcher over real TLS on loopback: the CA bundle is loaded lazily, but verification is as before."""

import asyncio
import http.server
import shutil
import ssl
import subprocess
import threading

import httpx
import pytest

from feedwatch.ingest.http import FetchError, HttpFetcher, _LazyCAContext

FEED = b"<?xml version='1.0'?><rss><channel><title>t</title></channel></rss>"


@pytest.fixture
def tls_server(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(FEED)))
            self.end_headers()
            self.wfile.write(FEED)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/feed.xml", cert
    server.shutdown()
    server.server_close()


async def _get(url):
    async with HttpFetcher(timeout=5, retries=0) as f:
        return await f.get(url)


def test_tls_trusted_through_ssl_cert_file(tls_server, monkeypatch):
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    r = asyncio.run(_get(url))
    assert r.status == 200 and r.body == FEED


def test_tls_untrusted_certificate_is_refused(tls_server, monkeypatch):
    url, _ = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(FetchError, match="CERTIFICATE_VERIFY_FAILED"):
        asyncio.run(_get(url))


def test_lazy_context_matches_httpx_default(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    lazy, ref = _LazyCAContext(), httpx.create_ssl_context()
    lazy._load_ca()
    for attr in ("protocol", "verify_mode", "check_hostname", "options", "verify_flags", "minimum_version",
                 "maximum_version", "post_handshake_auth", "hostname_checks_common_name", "security_level"):
        assert getattr(lazy, attr) == getattr(ref, attr), attr
    assert lazy.get_ca_certs() == ref.get_ca_certs() and lazy.get_ca_certs()


def test_missing_ssl_cert_file_still_fails_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(FileNotFoundError):
        _LazyCAContext()
    with pytest.raises(FileNotFoundError):
        httpx.create_ssl_context()
