"""The path of one family message: find or open its conversation, store it (spool while the
database is away), triage it (inbound: danger, keywords, a worker, the bot), take a turn with
Rasa (turns, rasa) and send what goes back (outbound)."""
