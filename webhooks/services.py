"""What every part of the app shares in one process: settings, phone vault, SMS provider, Rasa."""

import gc
from dataclasses import dataclass

from webhooks.core.config import ANDROID, Settings
from webhooks.core.crypto import PhoneVault
from webhooks.core.db import init_engine
from webhooks.core.rasa import RasaClient
from webhooks.sms.providers import SmsProvider


@dataclass
class Services:
    settings: Settings
    vault: PhoneVault
    provider: SmsProvider
    rasa: RasaClient

    @property
    def status_callback_url(self) -> str | None:
        """Where Twilio reports delivery; only known when the public URL is configured."""
        base = self.settings.PUBLIC_BASE_URL
        return base.rstrip("/") + "/sms/twilio/status" if base else None


_current: Services | None = None


def configure(settings: Settings, provider: SmsProvider | None = None) -> Services:
    """Bind this process to the settings: database engine, provider, Rasa client."""
    global _current
    init_engine(settings.DATABASE_URL)
    _current = Services(
        settings=settings,
        vault=PhoneVault(settings.encryption_keys, settings.PHONE_HASH_KEY),
        provider=provider or make_provider(settings),
        rasa=RasaClient(
            settings.rasa_urls, settings.RASA_TIMEOUT_SECONDS, settings.RASA_DOWN_SECONDS
        ),
    )
    return _current


def current() -> Services:
    """The services of this process; a worker configures itself from the environment."""
    return _current or configure(Settings.from_env())


def settle() -> None:
    """Called once a web or queue process has started: the 330,000 objects start-up made
    (Flask, the ORM's mappers, the danger screen's rules) leave the garbage collector's view.
    Otherwise each full collection walks them all: 100 to 200 ms with every thread of the
    process waiting, about once per thousand texts under a flood, against 2 ms after this."""
    gc.freeze()


def make_provider(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "twilio":
        from webhooks.sms.providers.twilio import TwilioProvider

        return TwilioProvider(settings)
    if settings.sms_provider == ANDROID:
        from webhooks.sms.providers.android import AndroidGatewayProvider

        return AndroidGatewayProvider(settings.gateway_lines)
    from webhooks.sms.providers.console import ConsoleProvider

    return ConsoleProvider()
