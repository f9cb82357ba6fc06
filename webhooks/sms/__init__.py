"""The SMS channel: Twilio's webhooks (views), signatures, keywords and segments."""
