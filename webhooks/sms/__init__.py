"""SMS as a medium: what a received text looks like (cleaning), keywords, segments and Twilio's
signatures. The webhooks that receive texts are in webhooks/channels/sms.py."""
