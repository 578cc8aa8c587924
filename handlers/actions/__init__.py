"""Block action listeners: follow-up buttons, compare-with lists, Share, the App Home model picker, 👍/👎,
compare Confirm / Cancel."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions.compare_confirm import handle_compare_cancel, handle_compare_confirm
from handlers.actions.feedback import handle_feedback
from handlers.actions.home_default_model import handle_home_default_model
from handlers.actions.run_command import handle_run_command
from handlers.actions.share import handle_share
from handlers.blocks.answer import RUN_COMMAND_PATTERN
from handlers.ids import (
    COMPARE_CANCEL,
    COMPARE_CONFIRM,
    COMPARE_WITH,
    FEEDBACK_DOWN,
    FEEDBACK_UP,
    HOME_DEFAULT_MODEL,
    SHARE,
)
from handlers.lazy import ack_only


def register(app: App) -> None:
    app.action(RUN_COMMAND_PATTERN)(ack=ack_only, lazy=[handle_run_command])
    app.action(COMPARE_WITH)(ack=ack_only, lazy=[handle_run_command])
    app.action(SHARE)(ack=ack_only, lazy=[handle_share])
    app.action(HOME_DEFAULT_MODEL)(ack=ack_only, lazy=[handle_home_default_model])
    app.action(FEEDBACK_UP)(ack=ack_only, lazy=[handle_feedback])
    app.action(FEEDBACK_DOWN)(ack=ack_only, lazy=[handle_feedback])
    app.action(COMPARE_CONFIRM)(ack=ack_only, lazy=[handle_compare_confirm])
    app.action(COMPARE_CANCEL)(ack=ack_only, lazy=[handle_compare_cancel])
