"""A self-signed certificate and key for a bot on a LAN (``ftserver new-config --tls-self-signed``).

Browsers warn once about a self-signed certificate; after the user accepts it the connection is
encrypted, which is what matters on a home network. The certificate names localhost, the machine's
host name and the loopback addresses, plus any extra names or addresses given.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
from collections.abc import Iterable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

# Two years: long enough not to surprise a hobby bot, short enough that browsers still accept it
# (they cap publicly trusted certificates lower, but not self-signed ones the user accepted).
VALIDITY = dt.timedelta(days=730)


def _subject_names(names: Iterable[str]) -> list[x509.GeneralName]:
    general: list[x509.GeneralName] = []
    seen: set[str] = set()
    for name in names:
        if not name or name in seen:
            continue
        seen.add(name)
        try:
            general.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            general.append(x509.DNSName(name))
    return general


def write_self_signed(
    cert_path: Path, key_path: Path, *, names: Iterable[str] = (), now: dt.datetime | None = None
) -> None:
    """Write a PEM certificate and its unencrypted PEM key (mode 0600) for the given host names/addresses."""
    key = ec.generate_private_key(ec.SECP256R1())
    all_names = ["localhost", socket.gethostname(), "127.0.0.1", "::1", *names]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, all_names[1] or "localhost")])
    start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(minutes=5)  # tolerate a little clock skew
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(_subject_names(all_names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(b"")
    key_path.chmod(0o600)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
