"""Web chat for smartphone families: the same bot and conversation store as SMS, over JSON.

A browser holds a random token (sent in the X-Chat-Token header) that stands in for a phone
number; the server keeps only its hash. Replies come back by long-polling.
"""
