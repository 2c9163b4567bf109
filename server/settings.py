"""Plenary settings.

Two profiles, chosen by ``PLENARY_ENV``:

* ``embedded`` (default): one process, SQLite and the in-process channel layer, data under
  ``PLENARY_DATA_DIR`` (default ``<repo>/var``). This is what ``make run`` starts.
* ``production``: every secret and service comes from the environment — ``SECRET_KEY``,
  ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` (channels-redis), ``ALLOWED_HOSTS`` — and
  HTTPS hardening is on (TLS is terminated by nginx, see ``deploy/``).
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets generic classes (admin.ModelAdmin[Model], QuerySet[Model]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ.get("PLENARY_ENV", "embedded")
if ENV not in {"embedded", "production"}:
    raise ImproperlyConfigured(f"PLENARY_ENV must be 'embedded' or 'production', not {ENV!r}")
PRODUCTION = ENV == "production"

DATA_DIR = Path(os.environ.get("PLENARY_DATA_DIR", BASE_DIR / "var")).resolve()
# The speech engines (asr/, no Django) find their models through the environment.
os.environ.setdefault("PLENARY_DATA_DIR", str(DATA_DIR))
# Real speech recordings for tests and benchmarks live outside the repository.
SHARED_DIR = Path(os.environ.get("PLENARY_SHARED_DIR", BASE_DIR.parent / "shared")).resolve()


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _installation_secret(name: str, size: int = 32) -> str:
    """A secret kept in the data directory, made on first use (the embedded profile's
    Django key, Janus's secrets): one per installation, shared by its server processes and
    the Janus they start."""
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(size))
        path.chmod(0o600)
    return path.read_text().strip()


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when PLENARY_ENV=production")
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    DATABASE_URL: str | None = _required("DATABASE_URL")
    REDIS_URL: str | None = _required("REDIS_URL")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _installation_secret("secret_key", 64)
    DATABASE_URL = os.environ.get("DATABASE_URL")
    REDIS_URL = os.environ.get("REDIS_URL")

# Redis over TLS: rediss://host:6380/0, with ?ssl_ca_certs=/path/ca.pem for a private
# certificate authority (redis-py reads the query). Its password: REDIS_PASSWORD, or in the
# URL (rediss://:PASSWORD@host…), which wins (docs/operations.md).
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// (TLS) or unix://")
REDIS_PASSWORD = os.environ.get("REDIS_PASSWORD", "")
REDIS_AUTH = {"password": REDIS_PASSWORD} if REDIS_PASSWORD else {}

DEBUG = os.environ.get("PLENARY_DEBUG", "") == "1"
if DEBUG and PRODUCTION:
    # Debug pages show settings, source and data to whoever triggers an error.
    raise ImproperlyConfigured("PLENARY_DEBUG=1 is refused when PLENARY_ENV=production")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "server.common",
    "server.accounts",
    "server.conferences",
    "server.rooms",
    "server.captions",
    "server.glossary",
    "server.negotiation",
    "server.minutes",
    "server.votes",
    "server.media",
    "server.interpretation",
    "server.web",
    "server.ops",
]

MIDDLEWARE = [
    # First: probes and metrics answer before host checks (server/ops/middleware.py).
    "server.ops.middleware.OpsEndpointsMiddleware",
    "server.common.middleware.UriLengthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (server/ops/headers.py).
    "server.ops.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the language cookie, else the browser's Accept-Language…
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # …unless the participant chose one: their own setting (server/accounts/language.py).
    "server.accounts.middleware.InterfaceLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a throttled login into a 429 (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "server.urls"
ASGI_APPLICATION = "server.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    # The schema's owner, for the migrate job only (docs/operations.md, "Database roles"):
    # ``plenary migrate --database owner`` then ``plenary runtime-grants --database owner``.
    OWNER_DATABASE_URL = os.environ.get("PLENARY_OWNER_DATABASE_URL")
    if OWNER_DATABASE_URL:
        DATABASES["owner"] = dj_database_url.parse(OWNER_DATABASE_URL)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "plenary.sqlite3"),
            # Keep the connection: reopening it (and rerunning the PRAGMAs) around every
            # room action cost a quarter of the database thread's time.
            "CONN_MAX_AGE": None,
            "OPTIONS": {
                # Writers queue for the lock at BEGIN instead of failing mid-transaction; WAL
                # lets readers (event replay) run beside the writer.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Daphne closes idle WebSockets after this many seconds; group membership must outlive it.
WEBSOCKET_TIMEOUT = 86400
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, **REDIS_AUTH}],
                # Room events reach each server process through one channel per meeting (see
                # server/rooms/hub.py), so per-channel capacity bounds a burst, not a crowd.
                "capacity": 5000,
                "expiry": 60,
                "group_expiry": WEBSOCKET_TIMEOUT + 3600,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 5000, "expiry": 60, "group_expiry": WEBSOCKET_TIMEOUT + 3600},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling, for the login page and /admin/ alike (django-axes; failures are counted
# in the database, so the limit holds across server processes): after this many failed
# logins of one username from one address, that pair waits AXES_COOLOFF_TIME (answer 429).
# The address is REMOTE_ADDR, which `plenary serve --proxy-headers` takes from nginx.
AXES_FAILURE_LIMIT = int(os.environ.get("PLENARY_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PLENARY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "meeting-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The interface's languages: the six official languages of the United Nations, each named in
# itself (docs/i18n.md). Catalogs: locale/<language>/LC_MESSAGES, compiled by `make run` and
# `make test` (`plenary compilemessages`).
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# janus.js and adapter.js for the media plane (frontend/static/js/media.js) come from
# Debian (libjs-janus-gateway, libjs-webrtc-adapter), served as Plenary's own files.
STATICFILES_DIRS = [
    BASE_DIR / "frontend" / "static",
    ("vendor/janus-gateway", "/usr/share/javascript/janus-gateway"),
    ("vendor/webrtc-adapter", "/usr/share/javascript/webrtc-adapter"),
    # Arabic and Chinese faces for pages (frontend/static/css/fonts.css) and PDF exports,
    # from Debian (fonts-hosny-amiri, fonts-wqy-microhei): served by Plenary, never fetched.
    ("vendor/fonts/amiri", "/usr/share/fonts/opentype/fonts-hosny-amiri"),
    ("vendor/fonts/wqy", "/usr/share/fonts/truetype/wqy"),
]
STATIC_ROOT = DATA_DIR / "static"
# The embedded profile serves static files from Daphne; production leaves them to nginx.
SERVE_STATIC = os.environ.get("PLENARY_SERVE_STATIC", "0" if PRODUCTION else "1") == "1"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("PLENARY_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("PLENARY_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Room protocol limits (docs/protocol.md).
ROOM_MAX_MESSAGE_BYTES = 64 * 1024
ROOM_RATE_PER_SECOND = float(os.environ.get("PLENARY_ROOM_RATE", "10"))
ROOM_RATE_BURST = int(os.environ.get("PLENARY_ROOM_BURST", "30"))
ROOM_REPLAY_LIMIT = 1000
# The fan-out's queues (server/rooms/hub.py): a socket whose transport holds more than this
# unsent waits; one with more than ROOM_SLOW_BYTES queued besides, or whose oldest queued
# message is ROOM_SLOW_SECONDS old, is closed as too slow (4408) and reconnects with
# last_seq; so is a waiting one while the process's queues hold ROOM_QUEUED_BYTES together.
ROOM_WRITE_BUFFER_BYTES = 64 * 1024
ROOM_SEND_BUFFER_BYTES = 128 * 1024  # a room socket's kernel send buffer (Linux doubles it)
ROOM_SLOW_BYTES = int(os.environ.get("PLENARY_ROOM_SLOW_BYTES", str(1024 * 1024)))
ROOM_SLOW_SECONDS = float(os.environ.get("PLENARY_ROOM_SLOW_SECONDS", "10"))
ROOM_QUEUED_BYTES = int(os.environ.get("PLENARY_ROOM_QUEUED_BYTES", str(256 * 1024 * 1024)))
# Open meeting sockets (room, speaker audio, listening) per user and server process; one
# more is refused with close code 4429.
ROOM_SOCKETS_PER_USER = int(os.environ.get("PLENARY_SOCKETS_PER_USER", "8"))
# How often each process closes its sockets whose session has ended meanwhile (a logout while
# Redis was away) and joins its revocation group again (server/rooms/sockets.py).
ROOM_SOCKET_SWEEP_SECONDS = float(os.environ.get("PLENARY_SOCKET_SWEEP_SECONDS", "15"))
# A connection whose server process stopped heart-beating this long ago is gone.
ROOM_CONNECTION_STALE_SECONDS = 45

# Speech (docs/captions.md). Each floor turn's audio is stored here, and kept this many days
# (0: for ever; `plenary recordings prune` deletes what is older).
RECORDINGS_DIR = Path(os.environ.get("PLENARY_RECORDINGS_DIR", DATA_DIR / "recordings")).resolve()
RECORDING_RETENTION_DAYS = int(os.environ.get("PLENARY_RECORDING_RETENTION_DAYS", "365"))
# "embedded": recognition runs in a thread pool of each web process; "external": separate
# `plenary asr-worker` processes take the streams through the channel layer (Redis).
ASR_WORKERS = os.environ.get("PLENARY_ASR_WORKERS", "external" if PRODUCTION else "embedded")
if ASR_WORKERS not in {"embedded", "external"}:
    raise ImproperlyConfigured("PLENARY_ASR_WORKERS must be 'embedded' or 'external'")
ASR_ENGINE = os.environ.get("PLENARY_ASR_ENGINE", "faster-whisper")
# `plenary serve` with embedded workers loads and warms the recogniser as it starts (/readyz
# waits for it); 0: on the first speaker's audio instead.
ASR_PRELOAD = os.environ.get("PLENARY_ASR_PRELOAD", "1") != "0"
# Streams recognised at once (faster-whisper: at least all of a worker's, their decodes batched).
ASR_THREADS = int(os.environ.get("PLENARY_ASR_THREADS", "1"))
ASR_CPU_THREADS = int(os.environ.get("PLENARY_ASR_CPU_THREADS", "0"))  # per recognition; 0: all
# Give Whisper the speaker's and delegations' names and the glossary's terms as hotwords
# (docs/captions.md). Off by default: Whisper base then appends words of the list to some
# utterances ("… the draft decision American Union, Japan,").
ASR_HOTWORDS = os.environ.get("PLENARY_ASR_HOTWORDS", "0") == "1"
ASR_MAX_STREAMS = int(os.environ.get("PLENARY_ASR_MAX_STREAMS", "4"))  # per worker
# Largest audio frame a speaker may send (64 KiB: 2 s of PCM16), and how long a stream may
# wait for a worker before the speaker is told recognition is unavailable.
AUDIO_MAX_FRAME_BYTES = 64 * 1024
# A speaker's audio may run this far ahead of real time (network bursts) before frames are
# refused: a sender faster than speech would only flood recognition.
AUDIO_AHEAD_SECONDS = 5.0
ASR_WORKER_TIMEOUT_SECONDS = float(os.environ.get("PLENARY_ASR_WORKER_TIMEOUT", "5"))
# The floor holder's audio forwarded by Janus as RTP (server/captions/rtp_turn.py): each
# turn takes a UDP port on this address, and only packets sent from RTP_SOURCE_HOST (Janus)
# with the turn's SSRC are heard.
RTP_HOST = os.environ.get("PLENARY_RTP_HOST", "127.0.0.1")
RTP_SOURCE_HOST = os.environ.get("PLENARY_RTP_SOURCE_HOST", RTP_HOST)
# A worker drops a stream whose audio socket has sent nothing (audio or keep-alive) this long.
ASR_STREAM_IDLE_SECONDS = float(os.environ.get("PLENARY_ASR_STREAM_IDLE", "15"))
# `plenary asr-worker` serves its Prometheus metrics on this port (0: none), on this address
# only (loopback unless a deployment opens it to its Prometheus: 0.0.0.0 in a container).
ASR_METRICS_PORT = int(os.environ.get("PLENARY_ASR_METRICS_PORT", "0"))
ASR_METRICS_HOST = os.environ.get("PLENARY_ASR_METRICS_HOST", "127.0.0.1")

# Audio and video through the Janus WebRTC gateway (docs/media.md). "embedded": `plenary
# serve` runs Janus as its child from a configuration it writes under the data directory;
# "external": Janus runs as its own service (deploy/) with the same secrets.
JANUS = os.environ.get("PLENARY_JANUS", "embedded")
if JANUS not in {"embedded", "external"}:
    raise ImproperlyConfigured("PLENARY_JANUS must be 'embedded' or 'external'")
JANUS_BINARY = os.environ.get("PLENARY_JANUS_BINARY", "janus")
# Janus's WebSocket transport (the signalling proxy's upstream) and its admin API: both on
# the loopback or a private network, never reachable by browsers.
JANUS_WS_URL = os.environ.get("PLENARY_JANUS_WS_URL", "ws://127.0.0.1:8188")
JANUS_ADMIN_URL = os.environ.get("PLENARY_JANUS_ADMIN_URL", "http://127.0.0.1:7088/admin")
# The address those two listen on, for the Janus that Plenary configures (`plenary serve`,
# `plenary janus`): the loopback, or a private network's address where Janus runs apart.
JANUS_BIND = os.environ.get("PLENARY_JANUS_BIND", "127.0.0.1")


# Janus's admin API secret, and the key of the room tokens Janus checks (token_auth_secret).
JANUS_ADMIN_SECRET = os.environ.get("PLENARY_JANUS_ADMIN_SECRET") or _installation_secret(
    "janus_admin_secret"
)
JANUS_TOKEN_SECRET = os.environ.get("PLENARY_JANUS_TOKEN_SECRET") or _installation_secret(
    "janus_token_secret"
)
JANUS_RTP_PORTS = os.environ.get("PLENARY_JANUS_RTP_PORTS", "20000-40000")
# The network interface Janus gathers ICE candidates on (ice_enforce_list); empty: all.
JANUS_INTERFACE = os.environ.get("PLENARY_JANUS_INTERFACE", "")
# Janus's public address where it sits behind 1:1 NAT (nat_1_1_mapping); empty: none.
JANUS_PUBLIC_IP = os.environ.get("PLENARY_JANUS_PUBLIC_IP", "")
# A STUN server (host:port) Janus asks for its public address where none is given above.
JANUS_STUN = os.environ.get("PLENARY_JANUS_STUN", "")
# The STUN/TURN servers browsers use, as RTCPeerConnection's iceServers (JSON).
_ice_servers: object = json.loads(os.environ.get("PLENARY_ICE_SERVERS", "[]"))
if not isinstance(_ice_servers, list):
    raise ImproperlyConfigured("PLENARY_ICE_SERVERS must be a JSON list of ICE servers")
ICE_SERVERS: list[object] = _ice_servers
# The camera gallery (a conference's setting): at most this many delegations' cameras at
# once; the room takes these and the floor's publisher (docs/media.md, "The camera gallery").
MEDIA_GALLERY_TILES = int(os.environ.get("PLENARY_MEDIA_GALLERY_TILES", "12"))
# How long a browser's Janus room token is valid; the page fetches a new one before.
JANUS_TOKEN_SECONDS = int(os.environ.get("PLENARY_JANUS_TOKEN_SECONDS", "600"))

# Production logs one JSON object per line with request and meeting ids (server/ops/logs.py).
LOG_FORMAT = os.environ.get("PLENARY_LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("PLENARY_LOG_FORMAT must be 'json' or 'plain'")

# Minutes (docs/minutes.md). The summariser drafts summaries of statements through an
# OpenAI-compatible chat completions endpoint, e.g. a local model's
# http://127.0.0.1:8080/v1/chat/completions. Off unless set: then nothing leaves the machine.
SUMMARISER_URL = os.environ.get("PLENARY_SUMMARISER_URL", "")
SUMMARISER_MODEL = os.environ.get("PLENARY_SUMMARISER_MODEL", "local")
SUMMARISER_TIMEOUT = float(os.environ.get("PLENARY_SUMMARISER_TIMEOUT", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "server.ops.logs.LogContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "server.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PLENARY_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # a line per login otherwise; lockouts are warnings
        "httpx": {"level": "WARNING"},  # a line per request to Janus's admin API otherwise
    },
}
