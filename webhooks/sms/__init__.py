"""SMS as a medium: what a received text looks like (cleaning), keywords, segments, Twilio's
signatures, the providers that send (providers/) and the pace one number may send at
(sender_budget). The webhooks that receive texts are in webhooks/channels/sms.py."""
