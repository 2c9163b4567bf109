"""A network namespace of a test's own, for WebRTC: Janus never gathers ICE candidates on a
loopback interface, so the tests that carry media run Janus, the Plenary server and
Chromium in a namespace that holds ``lo`` and a veth pair whose one end carries a private
address (10.213.x.y/24) that exists nowhere else. Nothing in it can reach the machine's
own interfaces or the outside, and nothing outside can reach it.

A process joins the namespace by being started while the calling thread is in it
(``with namespace.entered(): subprocess.Popen(…)``): a child inherits its parent thread's
network namespace. Sockets keep the namespace they were made in, so the test's own
connections to the server in the namespace are opened inside ``entered()`` too. The
namespace is deleted when the ``network_namespace()`` block ends, failed test or not.
"""

import contextlib
import ctypes
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

CLONE_NEWNET = 0x40000000
INTERFACE = "media0"
PEER = "media1"
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"setns: {os.strerror(errno)}")


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@dataclass(frozen=True)
class NetworkNamespace:
    """A named namespace (``ip netns``) with one private address on ``INTERFACE``."""

    name: str
    address: str

    @property
    def path(self) -> str:
        return f"/run/netns/{self.name}"

    @contextlib.contextmanager
    def entered(self) -> Iterator[None]:
        """The calling thread in the namespace for the block (its children stay there)."""
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(self.path, os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield
            finally:
                _setns(own)
        finally:
            os.close(target)
            os.close(own)

    def addresses(self) -> list[str]:
        """Every address in the namespace, ``ip -brief``'s third column onwards."""
        listing = subprocess.run(
            ["ip", "-n", self.name, "-brief", "address"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [address for line in listing.splitlines() for address in line.split()[2:]]


def namespace_create() -> NetworkNamespace:
    """A new namespace: IPv6 off (no link-local candidates), ``lo`` up, a veth pair inside
    with a random 10.213.x.y/24 on one end."""
    name = f"plenary-{secrets.token_hex(4)}"
    address = f"10.213.{secrets.randbelow(254) + 1}.{secrets.randbelow(253) + 2}"
    _ip("netns", "add", name)
    try:
        for key in ("all", "default"):
            _ip("netns", "exec", name, "sysctl", "-qw", f"net.ipv6.conf.{key}.disable_ipv6=1")
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "link", "add", INTERFACE, "type", "veth", "peer", "name", PEER)
        _ip("-n", name, "address", "add", f"{address}/24", "dev", INTERFACE)
        _ip("-n", name, "link", "set", INTERFACE, "up")
        _ip("-n", name, "link", "set", PEER, "up")
    except BaseException:
        _ip("netns", "delete", name)
        raise
    return NetworkNamespace(name, address)


def namespace_delete(namespace: NetworkNamespace) -> None:
    """Gone, with its interfaces (processes still in it should be stopped first)."""
    _ip("netns", "delete", namespace.name)


@contextlib.contextmanager
def network_namespace() -> Iterator[NetworkNamespace]:
    namespace = namespace_create()
    try:
        yield namespace
    finally:
        namespace_delete(namespace)
