"""Dialogue: find speaker labels in every spelling the export uses and group paragraphs into turns."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .model import Block, BulletList, Code, Image, Paragraph, Quote, Speaker, Table, Turn

NAME = r"(?P<name>[^\s*_：:，。！？,.!?;；、（）()\[\]“”\"'][^*_：:，。！？,.!?;；、（）()\[\]“”\"']{0,29}?)"
BOLD_LABEL = re.compile(r"^[\s_]*\*{2,}\s*" + NAME + r"\s*(?P<colon>[：:])?\s*\*{2,}[\s_]*(?P<rest>.*)$")
PLAIN_LABEL = re.compile(r"^" + NAME + r"\s*[：:]\s*(?P<rest>.*)$")
# "**Sam Altman：" with the closing "**" wrapped onto the next line and joined as "**Sam Altman： **text"
SPLIT_BOLD_LABEL = re.compile(r"^[\s_]*\*{2,}\s*" + NAME + r"\s*(?P<colon>[：:])\s+\*{2,}(?P<rest>.*)$")
# "**李飞飞** ：text": the colon after the bold name
OUTER_COLON_LABEL = re.compile(r"^[\s_]*\*{2,}\s*" + NAME + r"\s*\*{2,}\s*(?P<colon>[：:])\s*(?P<rest>.*)$")
# "**Q：the whole question in bold**"
BOLD_QUESTION = re.compile(
    r"^[\s_]*\*{2,}\s*(?P<name>Q|问|A|答)\s*(?P<colon>[：:])\s*(?P<rest>[^*].*?)\s*\*{2,}[\s_]*$"
)

HOST_PREFIXES = ("主持人", "主持", "记者", "采访者", "Host", "Interviewer", "Moderator")
GUEST_PREFIXES = ("嘉宾",)
QUESTION_LABELS = ("Q", "问")
ANSWER_LABELS = ("A", "答")
AUDIENCE = re.compile(r"^(观众|听众|提问者|现场观众)\s*\d*$")
GUEST_NAMES = ("Sam Altman", "Altman", "萨姆·奥尔特曼", "奥特曼")
# What a speaker may show in the middle of a turn: the paragraphs after it are still theirs.
INSIDE_A_TURN = (Image, BulletList, Quote, Code, Table)
# A name in Latin letters, each word capitalised (Lex Fridman): a plain label of it that opens several
# paragraphs of a dialogue is a speaker. A Chinese one (李飞飞) could be 比如 as well as a name: it
# is a speaker when a host's label opens several paragraphs and it opens at least half as many.
LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'-]*( [A-Z][A-Za-z.'-]*){0,3}$")
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,6}$")


@dataclass(frozen=True, slots=True)
class Labelled:
    """A paragraph that opens with something shaped like a speaker label, not yet confirmed."""

    name: str
    has_colon: bool
    bold: bool
    rest: Paragraph
    original: Paragraph


def split_label(markup: str, to_paragraph, whole: Paragraph | None = None) -> Labelled | None:
    """``whole``: to_paragraph(markup), when it is made already."""
    patterns = (
        (BOLD_QUESTION, True),
        (SPLIT_BOLD_LABEL, True),
        (OUTER_COLON_LABEL, True),
        (BOLD_LABEL, True),
        (PLAIN_LABEL, False),
    )
    for pattern, bold in patterns:
        match = pattern.match(markup.strip())
        if match:
            has_colon = bold is False or bool(match.groupdict().get("colon"))
            return Labelled(
                name=" ".join(match["name"].split()),
                has_colon=has_colon,
                bold=bold,
                rest=to_paragraph(match["rest"]),
                original=to_paragraph(markup) if whole is None else whole,
            )
    return None


def strip_role(name: str) -> tuple[str, str]:
    """('host', 'Melissa Koide') for '主持人Melissa Koide'; the role is '' when the name carries none."""
    if name in QUESTION_LABELS:
        return "host", ""
    if name in ANSWER_LABELS:
        return "guest", ""
    for prefix in HOST_PREFIXES:
        if name.startswith(prefix):
            return "host", name[len(prefix) :].strip()
    for prefix in GUEST_PREFIXES:
        if name.startswith(prefix):
            return "guest", name[len(prefix) :].strip()
    if AUDIENCE.match(name):
        return "audience", name
    if any(guest in name for guest in GUEST_NAMES):
        return "guest", name
    return "", name


ROLE_WORDS = HOST_PREFIXES + GUEST_PREFIXES


def is_speaker(label: Labelled, seen: Counter, bold_names: set[str], people: set[str]) -> bool:
    """A bold label is a speaker when it names a role or Altman, or the same name opens several
    paragraphs; a plain 'Name：' only when that name is Altman, a bare role or a bold label elsewhere,
    a person's name (looks_like_a_name) opening several paragraphs of a dialogue with one of those,
    and a plain 'Q：' or '问：' when the article has both question and answer labels."""
    if not label.bold:
        known = is_role_or_guest(label.name) or label.name in bold_names
        named = seen[label.name] >= 2 and any(map(is_role_or_guest, seen)) and looks_like_a_name(label.name, seen)
        return known or named or (label.name in QUESTION_LABELS + ANSWER_LABELS and asks_and_answers(seen))
    if strip_role(label.name)[0] or label.name in people:
        return True
    return label.has_colon and seen[label.name] >= 2


def looks_like_a_name(name: str, seen: Counter) -> bool:
    """See LATIN_NAME and CHINESE_NAME."""
    if LATIN_NAME.match(name):
        return True
    asked = sum(count for other, count in seen.items() if strip_role(other)[0] == "host")
    return bool(CHINESE_NAME.match(name)) and asked >= 2 and 2 * seen[name] >= asked


def is_role_or_guest(name: str) -> bool:
    return name in GUEST_NAMES or name in ROLE_WORDS


def asks_and_answers(seen: Counter) -> bool:
    return any(seen[name] for name in QUESTION_LABELS) and any(seen[name] for name in ANSWER_LABELS)


def resolve_speakers(names: list[str]) -> dict[str, Speaker]:
    """One label per person: '主持人Kevin Wheel' and 'Kevin Wheel' are the same host."""
    roles: dict[str, str] = {}
    for name in names:
        role, person = strip_role(name)
        if role and person:
            roles.setdefault(person, role)
    named_hosts = sorted(person for person, role in roles.items() if role == "host")
    unnamed_roles = {strip_role(name)[0] for name in names if not strip_role(name)[1]}
    others = [name for name in names if not strip_role(name)[0] and name not in roles]
    known_roles = unnamed_roles | set(roles.values())
    one_other = others[0] if len(others) == 1 else None
    # A question-and-answer piece ("Q：" then "**李飞飞** ："): the one person answering is the guest;
    # a guest and one other person, no host: the other one is asking.
    answering = one_other if "host" in known_roles else None
    asking = one_other if "guest" in known_roles and "host" not in known_roles else None
    speakers: dict[str, Speaker] = {}
    for name in names:
        role, person = strip_role(name)
        if role == "host" and not person:
            person = named_hosts[0] if len(named_hosts) == 1 else name
        role = role or roles.get(person) or ("guest" if name == answering else "host" if name == asking else "other")
        speakers[name] = Speaker(role=role, label=person or name)
    return speakers


def group_turns(blocks: list[Block | Labelled]) -> list[Block]:
    labels = [b for b in blocks if isinstance(b, Labelled)]
    seen = Counter(b.name for b in labels)
    bold_names = {b.name for b in labels if b.bold and b.has_colon}
    people = {person for role, person in map(strip_role, seen) if role and person}
    confirmed = {id(b) for b in labels if is_speaker(b, seen, bold_names, people)}
    speakers = resolve_speakers(list(dict.fromkeys(b.name for b in labels if id(b) in confirmed)))
    result: list[Block] = []
    turn: Turn | None = None
    interrupted: Speaker | None = None  # whose turn an image, list or quote cut in two
    for block in blocks:
        if id(block) in confirmed:
            turn = Turn(speaker=speakers[block.name], paragraphs=(block.rest,) if block.rest.text else ())
            result.append(turn)
            continue
        paragraph = block.original if isinstance(block, Labelled) else block
        if isinstance(paragraph, Paragraph):
            if turn is None and interrupted is not None and not is_aside(paragraph):
                turn = Turn(speaker=interrupted, paragraphs=())  # their words go on after it
                result.append(turn)
            if turn is None:
                result.append(paragraph)  # an aside in brackets between their words is the editor's
            else:
                turn = Turn(speaker=turn.speaker, paragraphs=turn.paragraphs + (paragraph,))
                result[-1] = turn
            continue
        if isinstance(paragraph, INSIDE_A_TURN):
            interrupted = turn.speaker if turn is not None else interrupted
        else:
            interrupted = None
        turn = None
        result.append(paragraph)
    return result


def is_aside(paragraph: Paragraph) -> bool:
    """A paragraph all in brackets: （这里插一嘴，……）."""
    text = paragraph.text.strip()
    return text[:1] in "（(【[" and text[-1:] in "）)】]"


def speakers_of(blocks: tuple[Block, ...]) -> tuple[Speaker, ...]:
    return tuple(dict.fromkeys(b.speaker for b in blocks if isinstance(b, Turn)))
