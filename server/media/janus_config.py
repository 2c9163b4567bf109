"""The configuration of the Janus Plenary runs (docs/media.md): the VideoRoom plugin (the
floor), the AudioBridge and Streaming plugins (interpretation's booths and channels), and the
WebSocket and HTTP transports only (linked into folders of their own), the APIs on the
loopback (or the private address ``PLENARY_JANUS_BIND``), the admin API behind
``admin_secret``, signed tokens, and the ICE settings of the deployment."""

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

JANUS_LIBRARIES = Path("/usr/lib/x86_64-linux-gnu/janus")
PLUGINS = ("libjanus_videoroom.so", "libjanus_audiobridge.so", "libjanus_streaming.so")
TRANSPORTS = ("libjanus_websockets.so", "libjanus_http.so")


@dataclass(frozen=True)
class JanusConfig:
    ws_port: int
    admin_port: int
    admin_path: str
    admin_secret: str
    token_secret: str
    rtp_ports: str
    interface: str
    public_ip: str
    bind: str = "127.0.0.1"
    stun: str = ""  # host:port

    @classmethod
    def from_settings(cls) -> "JanusConfig":
        ws, admin = urlsplit(settings.JANUS_WS_URL), urlsplit(settings.JANUS_ADMIN_URL)
        return cls(
            ws_port=ws.port or 8188,
            admin_port=admin.port or 7088,
            admin_path=admin.path or "/admin",
            admin_secret=settings.JANUS_ADMIN_SECRET,
            token_secret=settings.JANUS_TOKEN_SECRET,
            rtp_ports=settings.JANUS_RTP_PORTS,
            interface=settings.JANUS_INTERFACE,
            public_ip=settings.JANUS_PUBLIC_IP,
            bind=settings.JANUS_BIND,
            stun=settings.JANUS_STUN,
        )


def _value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else json.dumps(value)


Section = dict[str, str | int | bool]


def _jcfg(sections: dict[str, Section]) -> str:
    """libconfig text, as Janus reads its ``.jcfg`` files."""
    lines = []
    for name, entries in sections.items():
        lines.append(f"{name}: {{")
        lines.extend(f"\t{key} = {_value(value)}" for key, value in entries.items())
        lines.append("}")
    return "\n".join(lines) + "\n"


def _link_folder(folder: Path, libraries: tuple[str, ...], source: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for existing in folder.iterdir():
        existing.unlink()
    for library in libraries:
        os.symlink(source / library, folder / library)


def janus_config_write(directory: Path, config: JanusConfig) -> Path:
    """Write the configuration folder; returns the path of its ``janus.jcfg``."""
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)  # it holds the secrets
    _link_folder(directory / "plugins", PLUGINS, JANUS_LIBRARIES / "plugins")
    _link_folder(directory / "transports", TRANSPORTS, JANUS_LIBRARIES / "transports")
    (directory / "none").mkdir(exist_ok=True)
    nat: Section = {"ignore_mdns": True}
    if config.interface:
        nat["ice_enforce_list"] = config.interface
    if config.public_ip:
        nat["nat_1_1_mapping"] = config.public_ip
    if config.stun:
        host, _, port = config.stun.rpartition(":")
        nat["stun_server"], nat["stun_port"] = host, int(port)
    files: dict[str, dict[str, Section]] = {
        "janus.jcfg": {
            "general": {
                "configs_folder": str(directory),
                "plugins_folder": str(directory / "plugins"),
                "transports_folder": str(directory / "transports"),
                "events_folder": str(directory / "none"),
                "loggers_folder": str(directory / "none"),
                "debug_level": 4,
                "admin_secret": config.admin_secret,
                "token_auth": True,
                "token_auth_secret": config.token_secret,
                "server_name": "Plenary",
            },
            "media": {"rtp_port_range": config.rtp_ports},
            "nat": nat,
        },
        "janus.plugin.videoroom.jcfg": {
            "general": {"admin_key": config.admin_secret, "lock_rtp_forward": True},
        },
        # Booth rooms forward their mix to mountpoints of the same Janus over the loopback;
        # nothing else sends them RTP (no plain RTP participant, no file played).
        "janus.plugin.audiobridge.jcfg": {
            "general": {
                "admin_key": config.admin_secret,
                "lock_rtp_forward": True,
                "lock_play_file": True,
                "rtp_port_range": config.rtp_ports,
                "local_ip": "127.0.0.1",
            },
        },
        "janus.plugin.streaming.jcfg": {
            "general": {"admin_key": config.admin_secret, "rtp_port_range": config.rtp_ports},
        },
        "janus.transport.websockets.jcfg": {
            "general": {
                "json": "compact",
                "ws": True,
                "ws_port": config.ws_port,
                "ws_ip": config.bind,
            },
            "admin": {"admin_ws": False},
        },
        "janus.transport.http.jcfg": {
            "general": {"json": "compact", "http": False, "https": False},
            "admin": {
                "admin_base_path": config.admin_path,
                "admin_http": True,
                "admin_port": config.admin_port,
                "admin_ip": config.bind,
                "admin_https": False,
            },
        },
    }
    for name, sections in files.items():
        path = directory / name
        path.write_text(_jcfg(sections))
        path.chmod(0o600)
    return directory / "janus.jcfg"
