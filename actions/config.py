"""Settings of the action server, read from the environment in this one place."""

import os

# The region whose rules and amounts the screening uses (a code of actions/eligibility's data).
REGION = os.environ.get("HELPLINE_REGION", "CN")
# The language of the summary a worker reads with a handoff: "zh" or "en".
SUMMARY_LANGUAGE = os.environ.get("HANDOFF_SUMMARY_LANGUAGE", "zh")
# How many of the family's latest messages the summary quotes.
SUMMARY_MESSAGES = int(os.environ.get("HANDOFF_SUMMARY_MESSAGES", "3"))
