"""Settings for every process, read from the environment (and .env) in this one place."""

import functools
import json
import os
import re
import secrets
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path

from cryptography.fernet import Fernet
from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "instance"
DEV_SECRETS_FILE = INSTANCE / "dev-secrets.json"
ENVIRONMENTS = ("development", "test", "production")
SECRET_NAMES = ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "PHONE_ENCRYPTION_KEYS", "PHONE_HASH_KEY")
ANDROID = "android-gateway"
PROVIDERS = ("twilio", ANDROID, "console")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names it."""


@dataclass(frozen=True)
class Settings:
    APP_ENV: str = "development"
    SECRET_KEY: str = ""
    DATABASE_URL: str = f"sqlite:///{INSTANCE / 'helpline.db'}"
    # Empty: the queue is a SQLite file (embedded default); redis://...: RedisHuey.
    REDIS_URL: str = ""
    QUEUE_FILE: str = str(INSTANCE / "queue.db")
    QUEUE_NAME: str = "helpline"
    RASA_URL: str = "http://127.0.0.1:5005"
    # Several Rasa replicas, comma-separated; empty: RASA_URL alone. A conversation keeps to one
    # replica while it answers (they share the tracker and lock stores, so any one could).
    RASA_URLS: str = ""
    RASA_TIMEOUT_SECONDS: float = 10.0
    # A replica that refused a connection is tried last for this long.
    RASA_DOWN_SECONDS: float = 5.0
    # Rasa's SQL tracker store, the same URL the replicas read (bot/endpoints-prod.yml): a
    # family's erasure deletes their conversations there too. Empty: trackers are in memory.
    RASA_TRACKER_STORE_URL: str = ""
    # Family texts that arrive while the database is unreachable wait here, on local disk.
    SPOOL_DIR: str = str(INSTANCE / "spool")
    # When set, /metrics asks for "Authorization: Bearer <token>". In production it must be set,
    # unless METRICS_OPEN=1 says the port is firewalled and open metrics are meant.
    METRICS_TOKEN: str = ""
    METRICS_OPEN: str = ""
    # How many proxies (load balancer, TLS terminator) sit in front of the app: their
    # X-Forwarded-For/-Proto/-Host are trusted that many hops deep, so each family and worker
    # has their own rate-limit bucket. 0: none, the headers are ignored.
    PROXY_HOPS: int = 0
    # The URL Twilio signed, when the app sits behind a proxy; empty: the request's own URL.
    PUBLIC_BASE_URL: str = ""
    # twilio | android-gateway | console; empty: twilio when its settings are complete.
    SMS_PROVIDER: str = ""
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM_NUMBER: str = ""
    TWILIO_MESSAGING_SERVICE_SID: str = ""
    # SMS_PROVIDER=android-gateway: a JSON file naming each phone (line) that relays texts, with
    # its API's URL, credentials and webhook signing key (README, Texts from mainland numbers).
    ANDROID_GATEWAYS: str = ""
    # What one SIM may send (SMS parts), so the carrier does not take it for a spammer's.
    ANDROID_SEND_PER_MINUTE: int = 10
    ANDROID_SEND_PER_DAY: int = 300
    # A line that reported nothing (not even its ping) for this long is "silent" on /readyz.
    ANDROID_SILENT_MINUTES: int = 30
    # Fernet keys, comma-separated, newest first: old keys still decrypt after a rotation.
    PHONE_ENCRYPTION_KEYS: str = ""
    PHONE_HASH_KEY: str = ""
    TURN_SEGMENT_BUDGET: int = 3
    SEND_RATE_SEGMENTS_PER_SECOND: int = 1
    DEMO_WORKER_PASSWORD: str = ""
    # Workers' inbox and SMS: a case nobody has answered after this long alerts the supervisor.
    SLA_URGENT_MINUTES: int = 30
    SLA_NORMAL_MINUTES: int = 24 * 60
    # Days after a referral that the family is asked whether they applied; days their answer
    # is waited for before the family goes back to the bot.
    FOLLOW_UP_DAYS: int = 14
    FOLLOW_UP_ANSWER_DAYS: int = 7
    # Where cases of families who have not said where they live go (a Region code); empty: admins.
    UNPLACED_REGION_CODE: str = ""
    LOGIN_RATE_LIMIT: str = "5 per minute"
    # Web chat long-polls that may wait at once in each web process (one per chat): the rest
    # are answered at once and told when to ask again, so the SMS webhook and the staff pages
    # always find a free thread. Keep it well under the process's threads (WEB_THREADS).
    CHAT_LONG_POLLS: int = 2
    # Web chat rate limits (Flask-Limiter's syntax; shared across processes with REDIS_URL):
    # new chats per IP address (many families on a mobile network share one address: keep it
    # generous), messages per chat, and every chat request per IP.
    CHAT_NEW_PER_IP: str = "30 per hour"
    # A worker gets at most one text about new web-chat cases this often (urgent ones apart).
    CHAT_ALERT_MINUTES: int = 10
    CHAT_MESSAGES_PER_CHAT: str = "12 per minute"
    CHAT_REQUESTS_PER_IP: str = "300 per minute"
    INBOX_POLL_SECONDS: float = 3.0
    # The voice line (webhooks/channels/voice.py). Twilio waits 15 s for an answer: a caller's
    # turn gets this long from Rasa, else they hear a holding line and the answer is texted.
    VOICE_RASA_TIMEOUT_SECONDS: float = 8.0
    # A caller who presses 0 rings the workers of their region this long, then leaves a message.
    VOICE_RING_SECONDS: int = 30
    # When workers' phones ring ("08:00-20:00", local time); out of hours callers leave a
    # message. Empty: at any hour.
    VOICE_HOURS: str = ""
    # Who a caller in danger is put through to when they press 1.
    VOICE_EMERGENCY_NUMBER: str = "110"
    # The time zone of times shown to workers and of the dashboard's days.
    LOCAL_TIMEZONE: str = "Asia/Shanghai"

    @classmethod
    def from_env(cls, overrides: dict | None = None) -> "Settings":
        """Environment (after .env), then development secrets, then explicit overrides."""
        load_dotenv(ROOT / ".env", override=False)
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f.name)
            if raw is not None and raw != "":
                values[f.name] = f.type(raw) if f.type in (int, float) else raw
        values.update(overrides or {})
        env = values.get("APP_ENV", cls.APP_ENV)
        if env not in ENVIRONMENTS:
            raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
        if env == "development":
            for name, value in development_secrets().items():
                values.setdefault(name, value)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        missing = [name for name in SECRET_NAMES if not getattr(self, name)]
        if missing:
            raise ConfigError(f"missing settings: {', '.join(missing)} (see README, Configuration)")
        for key in self.encryption_keys:
            try:
                Fernet(key)
            except ValueError as exc:
                raise ConfigError(
                    "PHONE_ENCRYPTION_KEYS holds a key that is not a Fernet key"
                ) from exc
        if self.APP_ENV == "production" and not self.METRICS_TOKEN and self.METRICS_OPEN != "1":
            raise ConfigError(
                "production needs METRICS_TOKEN (or METRICS_OPEN=1 behind a firewall): "
                "/metrics and /readyz show case counts and internal addresses"
            )
        self.voice_hours  # noqa: B018  (raises ConfigError when malformed)
        if self.sms_provider not in PROVIDERS:
            raise ConfigError(
                f"SMS_PROVIDER must be one of {', '.join(PROVIDERS)}, not {self.SMS_PROVIDER!r}"
            )
        if self.sms_provider == ANDROID and not self.gateway_lines:
            raise ConfigError(
                "SMS_PROVIDER=android-gateway needs ANDROID_GATEWAYS: a JSON file with one phone "
                "or more (README, Texts from mainland numbers)"
            )
        if self.sms_provider == "twilio" and not self.twilio_complete:
            raise ConfigError(
                "SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and "
                "TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID"
            )

    @property
    def twilio_complete(self) -> bool:
        sender = self.TWILIO_FROM_NUMBER or self.TWILIO_MESSAGING_SERVICE_SID
        return bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN and sender)

    @property
    def sms_provider(self) -> str:
        if self.SMS_PROVIDER:
            return self.SMS_PROVIDER
        return "twilio" if self.twilio_complete else "console"

    @property
    def rasa_urls(self) -> list[str]:
        urls = [u.strip().rstrip("/") for u in self.RASA_URLS.split(",") if u.strip()]
        return urls or [self.RASA_URL.rstrip("/")]

    @property
    def voice_hours(self) -> tuple[time, time] | None:
        """VOICE_HOURS as (from, until), local time; None: workers' phones ring at any hour."""
        if not self.VOICE_HOURS.strip():
            return None
        found = re.fullmatch(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", self.VOICE_HOURS.strip())
        try:
            h1, m1, h2, m2 = (int(part) for part in found.groups())  # type: ignore[union-attr]
            return time(h1, m1), time(h2, m2)
        except (AttributeError, ValueError) as exc:
            raise ConfigError(
                f"VOICE_HOURS must look like 08:00-20:00, not {self.VOICE_HOURS!r}"
            ) from exc

    @property
    def encryption_keys(self) -> list[str]:
        return [k.strip() for k in self.PHONE_ENCRYPTION_KEYS.split(",") if k.strip()]

    @functools.cached_property
    def gateway_lines(self) -> dict[str, "AndroidGateway"]:
        """The Android gateways by line, in the file's order (the first is the default); empty
        unless they are the provider. Read once per Settings."""
        if self.sms_provider != ANDROID or not self.ANDROID_GATEWAYS:
            return {}
        return read_gateways(Path(self.ANDROID_GATEWAYS))

    def sending_line(self, line: str | None) -> str | None:
        """The line a conversation's texts leave from: the one its family texted, or the first
        when it has none (a family from before, a worker's phone) or it is gone from the file.
        None: the provider has one sender."""
        lines = self.gateway_lines
        if not lines:
            return None
        return line if line in lines else next(iter(lines))

    @property
    def sender_id(self) -> str:
        """Who outbound SMS come from, for the per-sender rate limit."""
        return self.TWILIO_MESSAGING_SERVICE_SID or self.TWILIO_FROM_NUMBER or "console"


@dataclass(frozen=True)
class AndroidGateway:
    """One phone running SMS Gateway for Android: where its API is and the keys it uses. The
    secrets stay out of repr, so no log line or traceback shows them."""

    line: str
    url: str
    login: str
    password: str = field(repr=False)
    signing_key: str = field(repr=False)
    # Cloud or private-server mode with several phones on one account: which one sends.
    device_id: str | None = None
    # A dual-SIM phone: which SIM sends (1-based); None: the phone's own choice.
    sim: int | None = None


# A line's name is part of its webhook's URL and is stored on conversations (32 characters).
LINE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
# The app makes up an 8-character key; a short key can be guessed from signed requests.
MIN_SIGNING_KEY = 16


def read_gateways(path: Path) -> dict[str, AndroidGateway]:
    """{"t1": {"url": ..., "login": ..., "password": ..., "signing_key": ...}, ...}; every
    mistake is a ConfigError naming the line and the field, never a secret's value."""
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"ANDROID_GATEWAYS: cannot read {path} ({exc.strerror})") from exc
    except ValueError as exc:
        raise ConfigError(f"ANDROID_GATEWAYS: {path} is not JSON ({exc})") from exc
    if not isinstance(spec, dict) or not spec:
        raise ConfigError("ANDROID_GATEWAYS: the file must be a JSON object of lines")
    gateways = {}
    for line, fields_ in spec.items():
        if not LINE_NAME.fullmatch(line):
            raise ConfigError(
                f"ANDROID_GATEWAYS: line name {line!r}: lowercase letters, digits, - and _, "
                "at most 32"
            )
        if not isinstance(fields_, dict):
            raise ConfigError(f"ANDROID_GATEWAYS: line {line}: expected an object")
        missing = [
            name
            for name in ("url", "login", "password", "signing_key")
            if not isinstance(fields_.get(name), str) or not fields_[name]
        ]
        if missing:
            raise ConfigError(f"ANDROID_GATEWAYS: line {line} needs {', '.join(missing)}")
        unknown = set(fields_) - {"url", "login", "password", "signing_key", "device_id", "sim"}
        if unknown:
            raise ConfigError(
                f"ANDROID_GATEWAYS: line {line}: unknown fields {', '.join(sorted(unknown))}"
            )
        if len(fields_["signing_key"]) < MIN_SIGNING_KEY:
            raise ConfigError(
                f"ANDROID_GATEWAYS: line {line}: signing_key must have at least "
                f"{MIN_SIGNING_KEY} characters (set a long random one on the phone)"
            )
        if not fields_["url"].startswith(("http://", "https://")):
            raise ConfigError(f"ANDROID_GATEWAYS: line {line}: url must start with http(s)://")
        sim = fields_.get("sim")
        if sim is not None and (type(sim) is not int or not 1 <= sim <= 3):
            raise ConfigError(f"ANDROID_GATEWAYS: line {line}: sim is 1, 2 or 3")
        gateways[line] = AndroidGateway(
            line=line,
            url=fields_["url"].rstrip("/"),
            login=fields_["login"],
            password=fields_["password"],
            signing_key=fields_["signing_key"],
            device_id=fields_.get("device_id") or None,
            sim=sim,
        )
    return gateways


def development_secrets() -> dict[str, str]:
    """Secrets generated once per checkout for development, so every process shares them."""
    if DEV_SECRETS_FILE.exists():
        return json.loads(DEV_SECRETS_FILE.read_text())
    created = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "PHONE_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "PHONE_HASH_KEY": secrets.token_urlsafe(32),
        "DEMO_WORKER_PASSWORD": secrets.token_urlsafe(9),
    }
    INSTANCE.mkdir(exist_ok=True)
    # Written aside and linked into place, so processes starting together agree on one set.
    draft = INSTANCE / f".dev-secrets.{os.getpid()}"
    # Readable by this user only from the first byte, not chmod-ed after writing.
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(json.dumps(created, indent=2))
    try:
        os.link(draft, DEV_SECRETS_FILE)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return json.loads(DEV_SECRETS_FILE.read_text())
