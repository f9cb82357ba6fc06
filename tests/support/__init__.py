"""What the tests share: databases, the running stack and app, the Twilio double and signer,
the staff and region fixtures, waiting on conditions, Rasa trackers for action tests."""
