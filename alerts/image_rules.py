"""Image rules: a hash-bank match alone deserves an alert, whatever the score threshold.

A bank entry is a photo someone already judged (a partner's case photo, or one of our own
confirmed alerts), so a listing showing it goes to the queue even if its text says nothing
and even if the queue threshold was raised above the fused score. The rule reads the
fusion record the classifier stage leaves on the detection (``extra["fusion"]["bank"]``,
see ``classifiers/fuse.py``); it never looks anything up itself.
"""

from __future__ import annotations

from alerts.base import Alert
from alerts.rules import AlertRule, make_alert
from classifiers.base import Detection
from crawlers.base import Listing


class BankMatchRule(AlertRule):
    def get_name(self) -> str:
        return "image-bank"

    def evaluate(self, listing: Listing, detection: Detection) -> Alert | None:
        fusion = detection.extra.get("fusion")
        if isinstance(fusion, dict) and fusion.get("bank"):
            return make_alert(listing, detection, self.get_name())
        return None
