"""Every action_id, callback_id and command name the app registers, shared by registration, builders and tests."""

from __future__ import annotations

COMMAND = "/bedrock"

# Buttons and selects whose value is a command line in the user's language (e.g. "가격 nova-pro ap-northeast-2");
# the action handler runs it through the same path as `/bedrock <value>`.
RUN_COMMAND = "bra_run_command"  # button: a follow-up ("show Seoul prices", "details: Nova Pro")
COMPARE_WITH = "bra_compare_with"  # static_select: each option's value is "compare <a>,<b>"
SHARE = "bra_share"  # button on an ephemeral answer: post the same answer in the channel (value: the command line)

# App Home
HOME_DEFAULT_MODEL = "bra_home_default_model"  # static_select: the user's default chat model (catalog key)
HOME_BLOCK_MODEL = "bra_home_model_block"  # block_id of the picker's actions block

# Under a model's answer (chat, try): the value is a small JSON {"model": catalog key, "feature": chat|try|…}.
FEEDBACK_UP = "bra_feedback_up"  # button 👍
FEEDBACK_DOWN = "bra_feedback_down"  # button 👎

# The "this compare will cost about $X" prompt: the value is the pending comparison's id.
COMPARE_CONFIRM = "bra_compare_confirm"  # button: run it
COMPARE_CANCEL = "bra_compare_cancel"  # button: drop it

ACTION_IDS = (RUN_COMMAND, COMPARE_WITH, SHARE, HOME_DEFAULT_MODEL, FEEDBACK_UP, FEEDBACK_DOWN)
