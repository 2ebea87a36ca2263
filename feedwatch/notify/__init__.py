"""Notifications through Apprise: tell the team's channel what affects its stack, which models
retire soon, and the weekly digest, each event once per target (see feedwatch/storage/notifications.py).

Importing this package is cheap: Apprise is imported only when something is sent.
"""

from ..config_notify import EVENTS  # noqa: F401  (the event names; the targets' config lives there)
