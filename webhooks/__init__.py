"""The helpline's web application: SMS and voice webhooks (Twilio, Android gateways), web chat,
simulator and worker pages."""

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webhooks import services
from webhooks.core import logs
from webhooks.core.config import INSTANCE, Settings


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment; `config` overrides settings (tests use it)."""
    settings = Settings.from_env(config)
    app = Flask(__name__, instance_path=str(INSTANCE))
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.APP_ENV == "production",
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    if settings.PROXY_HOPS:
        hops = settings.PROXY_HOPS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["helpline"] = services.configure(settings)
    logging.basicConfig(level=logging.INFO, format=logs.FORMAT)
    logs.hide_details()

    # tasks: the jobs that carry out the work the domain asks for after a commit.
    from webhooks import auth, cli, dashboard, health, inbox, safety
    from webhooks.channels import simulator
    from webhooks.channels.android import bp as android_bp
    from webhooks.channels.chat.views import bp as chat_bp
    from webhooks.channels.sms import bp as sms_bp
    from webhooks.channels.voice import bp as voice_bp
    from webhooks.core import queue
    from webhooks.jobs import tasks
    from webhooks.messaging import inbound, spool

    queue.bind(tasks.huey, settings)
    auth.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(sms_bp)
    app.register_blueprint(voice_bp)
    app.register_blueprint(android_bp)
    app.register_blueprint(chat_bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(dashboard.bp)
    # Twilio's and the gateways' signatures and the chat token protect these; CSRF protects
    # every form.
    auth.csrf.exempt(sms_bp)
    auth.csrf.exempt(voice_bp)
    auth.csrf.exempt(android_bp)
    auth.csrf.exempt(chat_bp)
    if settings.sms_provider == "console" and settings.APP_ENV != "production":
        app.register_blueprint(simulator.bp)
        auth.csrf.exempt(simulator.bp)
    cli.init_app(app)
    # Compile the danger rules and load the classifier now (trained first if its data changed:
    # seconds), not in the first family's webhook.
    safety.assess("ni hao 你好 hello")
    # A process killed during a database outage may have left spooled texts behind.
    spool.resume(app.extensions["helpline"], inbound.receive_sms)
    return app
