"""The danger classifier's estimate fixed for a test (the `classifier_says` fixture), so the
flow after each level is tested on its own; which words land where is the evaluation's
business (make safety-eval)."""

from webhooks.safety import screen

# An estimate inside each level's band (webhooks/safety/screen.py).
PROBABLE = (screen.PROBABLE_AT + screen.SURE_AT) / 2
DISTRESS = (screen.DISTRESS_AT + screen.PROBABLE_AT) / 2
CONCERN = (screen.CONCERN_AT + screen.DISTRESS_AT) / 2
ORDINARY = screen.CONCERN_AT / 2


class FixedModel:
    def __init__(self, probability):
        self.value = probability

    def probability(self, _text):
        return self.value
