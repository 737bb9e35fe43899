"""Block Kit for the core's messages: pure functions from :class:`~bot.ports.Outgoing` and
:class:`~bot.conversation.home.Home` to Slack's JSON, and from a submitted modal back to the
form's values. No I/O.

- The core's texts are plain, and Slack's mrkdwn would turn ``*`` and ``_`` into formatting: a
  message without buttons is its ``text`` alone with mrkdwn off (half the bytes of the same text
  in blocks, both ways, for most replies); a message with buttons puts the text in ``plain_text``
  sections, and the ``text`` beside the blocks (notifications, screen readers) is the same text.
  Either way ``text`` carries Slack's three escapes.
- A choice is a button whose value is exactly the typed form of the choice: the core sees a press
  as the same text a typed reply would be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot import commands, forms
from bot import messages as M
from bot.ports import Outgoing

#: Slack's limits: a section's text, the buttons in one actions block, a button's label and value.
MAX_SECTION = 3000
MAX_BUTTONS = 25
MAX_LABEL = 75
MAX_VALUE = 2000

CHOICE = "choice"
OPEN_FORM = "open_form"
TEAM_JOIN = "team_join"
HOME_ACTION = "home"
FORM_CALLBACK = "checkin_form"
#: The modal's fields: block id = action id = the field's name in bot/forms.py.
FORM_BLOCKS = forms.FIELDS


def escape(text: str) -> str:
    """Slack's escaping for message ``text`` (only these three)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """A user's message text as typed: Slack sends ``&``, ``<``, ``>`` escaped."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


#: A command as the core's texts name it ("send /sharepain"), not inside a path, a URL or "4/10".
_COMMAND_RE = re.compile(r"(?<![\w/.:])/(" + "|".join(sorted(commands.ALL_NAMES, key=len, reverse=True)) + r")\b")


def slack_commands(text: str) -> str:
    """The core's commands as Slack users type them: Slack takes anything that starts with ``/``
    as a slash command, and ours is one, ``/backcheck``: "send /sharepain" reads "send
    /backcheck sharepain"."""
    return _COMMAND_RE.sub(r"/backcheck \1", text) if "/" in text else text


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def sections(text: str) -> list[dict[str, Any]]:
    """``text`` as plain-text sections, split at a line break where it is too long for one."""
    out: list[dict[str, Any]] = []
    rest = text.strip("\n") or " "
    while rest:
        if len(rest) <= MAX_SECTION:
            piece, rest = rest, ""
        else:
            cut = rest.rfind("\n", 0, MAX_SECTION)
            cut = cut if cut > 0 else MAX_SECTION
            piece, rest = rest[:cut], rest[cut:].lstrip("\n")
        out.append({"type": "section", "text": _plain(piece)})
    return out


def button(label: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    b: dict[str, Any] = {"type": "button", "text": _plain(label[:MAX_LABEL]), "action_id": action_id,
                         "value": value[:MAX_VALUE]}
    if primary:
        b["style"] = "primary"
    return b


def choice_buttons(choices: Sequence[str]) -> list[dict[str, Any]]:
    """One actions block per 25 choices; action ids are unique within the message."""
    buttons = [button(c, f"{CHOICE}:{i}", c) for i, c in enumerate(choices)]
    return [{"type": "actions", "block_id": f"{CHOICE}s:{n}", "elements": buttons[n:n + MAX_BUTTONS]}
            for n in range(0, len(buttons), MAX_BUTTONS)]


def message(m: Outgoing, *, form_button: bool = False, join_button: bool = False) -> dict[str, Any]:
    """``chat.postMessage``/``chat.update`` arguments for ``m`` (text and blocks). ``form_button``:
    the check-in question also offers the full form; ``join_button``: a team post offers Join.

    A team post's choices are the channel's (its one choice is Join): the Join button stands for
    them. A choice button there would answer the presser's private conversation in the channel."""
    text = slack_commands(m.text)
    buttons = choice_buttons(() if join_button else m.choices)
    extra = []
    if form_button:
        extra.append(button(M.FORM_BUTTON, OPEN_FORM, "checkin", primary=True))
    if join_button:
        extra.append(button(M.JOIN_BUTTON, TEAM_JOIN, "join", primary=True))
    if extra:
        buttons.append({"type": "actions", "block_id": "extra", "elements": extra})
    if not buttons:
        return {"text": escape(text), "mrkdwn": False}
    return {"text": escape(text), "blocks": [*sections(text), *buttons]}


def answered(blocks: Sequence[Mapping[str, Any]], choice: str) -> list[dict[str, Any]]:
    """The question as it reads once answered: its text kept, buttons gone, the choice shown."""
    kept = [dict(b) for b in blocks if b.get("type") == "section"]
    return [*kept, {"type": "context", "elements": [_plain(M.YOU_CHOSE.format(choice=choice))]}]


def section_text(blocks: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks if b.get("type") == "section")


# --- the full check-in modal -------------------------------------------------------------------


def _options(pairs: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    return [{"text": _plain(label), "value": value} for value, label in pairs]


def _pain_select(name: str, label: str, optional: bool) -> dict[str, Any]:
    return {"type": "input", "block_id": name, "optional": optional, "label": _plain(label),
            "element": {"type": "static_select", "action_id": name,
                        "options": _options([(n, n) for n in forms.PAIN_SCALE])}}


def checkin_modal(channel: str = "") -> dict[str, Any]:
    """The full check-in: back pain, leg pain, what was done, minutes, pain during.
    ``channel``: the DM to answer in (kept in ``private_metadata``)."""
    return {
        "type": "modal", "callback_id": FORM_CALLBACK, "private_metadata": channel,
        "title": _plain(M.FORM_TITLE), "submit": _plain(M.FORM_SUBMIT), "close": _plain("Cancel"),
        "blocks": [
            _pain_select("back_pain", M.FORM_BACK, False),
            _pain_select("leg_pain", M.FORM_LEG, True),
            {"type": "input", "block_id": "activity", "label": _plain(M.FORM_ACTIVITY_LABEL),
             "element": {"type": "static_select", "action_id": "activity",
                         "options": _options(forms.ACTIVITY_OPTIONS)}},
            {"type": "input", "block_id": "minutes", "optional": True, "label": _plain(M.FORM_MINUTES_LABEL),
             "element": {"type": "plain_text_input", "action_id": "minutes"}},
            _pain_select("pain_during", M.FORM_DURING, True),
        ],
    }


def form_values(view: Mapping[str, Any]) -> dict[str, str | None]:
    """What was entered in the modal, per field (None: left empty); anything odd reads as empty."""
    state = view.get("state", {}).get("values", {}) if isinstance(view, Mapping) else {}
    out: dict[str, str | None] = {}
    for name in FORM_BLOCKS:
        entry = state.get(name, {}).get(name, {}) if isinstance(state, Mapping) else {}
        if not isinstance(entry, Mapping):
            entry = {}
        selected = entry.get("selected_option")
        value = selected.get("value") if isinstance(selected, Mapping) else entry.get("value")
        out[name] = value if isinstance(value, str) else None
    return out


# --- App Home ----------------------------------------------------------------------------------


def home_view(home: Any) -> dict[str, Any]:
    """The App Home tab for a :class:`bot.conversation.home.Home`."""
    if not home.onboarded:
        return {"type": "home", "blocks": [_header(M.HOME_TITLE), *sections(M.HOME_NOT_STARTED)]}
    week = (M.HOME_WEEK_LINE.format(sessions=M.plural(home.sessions, "session"), minutes=home.minutes,
                                     checkins=M.plural(home.checkins, "check-in"))
            if home.checkins else M.HOME_NO_WEEK)
    trend = "\n".join(f"{w.start:%d %b}: " + (f"{w.pain:g}/10 " + "▇" * round(w.pain) if w.pain is not None else "-")
                      for w in home.trend)
    blocks: list[dict[str, Any]] = [_header(M.HOME_TITLE), _header(M.HOME_TODAY), *sections(home.today),
                                    {"type": "divider"}, _header(M.HOME_WEEK), *sections(week),
                                    *sections(M.HOME_STREAK.format(streak=M.plural(home.streak, "day"))),
                                    _header(M.HOME_TREND), *sections(trend), {"type": "divider"}]
    if home.paused_until is not None:
        blocks += sections(M.HOME_PAUSED.format(until=f"{home.paused_until:%a %d %b}"))
    blocks += sections(home.settings)
    buttons = [button(M.FORM_BUTTON, OPEN_FORM, "checkin", primary=True)]
    buttons += [button(M.HOME_BUTTON_LABELS[v], f"{HOME_ACTION}:{v}", v) for v in M.HOME_BUTTONS]
    blocks.append({"type": "actions", "block_id": "home", "elements": buttons})
    return {"type": "home", "blocks": blocks}


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": _plain(text[:150])}
