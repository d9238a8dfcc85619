"""Indexes: plain lists and dicts that the index templates lay out — by date, by topic, by host."""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections import Counter, defaultdict
from datetime import date
from functools import partial
from itertools import groupby

from .model import Interview, InterviewPart, Turn
from .predictions import STATUSES, Prediction, entry_id
from .quotes import EditorQuote, key_points_of, turn_of, with_interviews
from .topics import Topic, excerpts

RELATED_LIMIT = 3
LATEST_ON_HOME = 10


def newest_first(interviews: list[Interview]) -> list[Interview]:
    return sorted(interviews, key=lambda i: (i.header.published, i.slug), reverse=True)


def by_year_and_month(interviews: list[Interview]) -> list[dict]:
    """[{year, count, months: [{month, count, interviews}]}], newest first; empty months do not appear."""
    years = []
    ordered = newest_first(interviews)
    for year, in_year in groupby(ordered, key=lambda i: i.header.published.year):
        in_year = list(in_year)
        months = [
            {"month": month, "count": len(items), "interviews": items}
            for month, items in ((m, list(g)) for m, g in groupby(in_year, key=lambda i: i.header.published.month))
        ]
        years.append({"year": year, "count": len(in_year), "months": months})
    return years


def neighbours(interviews: list[Interview]) -> dict[str, tuple[Interview | None, Interview | None]]:
    """slug → (the interview published just before, the one just after)."""
    ordered = list(reversed(newest_first(interviews)))
    return {
        item.slug: (ordered[n - 1] if n > 0 else None, ordered[n + 1] if n + 1 < len(ordered) else None)
        for n, item in enumerate(ordered)
    }


def related_all(interviews: list[Interview], limit: int = RELATED_LIMIT) -> dict[str, list[Interview]]:
    """Related interviews of every interview: most topics shared first, then nearest in time, then
    by URL. Interviews with the same topics form a group sorted by time, so an interview looks at
    the few nearest members of each group that shares a topic instead of at every interview: the
    work grows with the number of distinct topic sets, not with the square of the archive."""
    slugs = sorted({slug for i in interviews for slug in i.topics})
    bit = {slug: 1 << n for n, slug in enumerate(slugs)}
    masks = [sum(bit[slug] for slug in set(i.topics)) for i in interviews]
    times = [i.header.published.timestamp() for i in interviews]
    groups: dict[int, list[tuple[float, str, int]]] = defaultdict(list)
    for n, mask in enumerate(masks):
        if mask:
            groups[mask].append((times[n], interviews[n].slug, n))
    for members in groups.values():
        members.sort()
    result = {}
    for n, interview in enumerate(interviews):
        best = nearest_by_shared_topics(n, masks[n], times[n], groups, limit)
        result[interview.slug] = [interviews[m] for *_, m in best]
    return result


def nearest_by_shared_topics(n: int, mask: int, when: float, groups: dict, limit: int) -> list[tuple]:
    """The ``limit`` best (-shared, distance, slug, index) of interview n, level by level of topics
    shared: no interview sharing fewer topics can outrank one that shares more."""
    levels: dict[int, list[list]] = defaultdict(list)
    for other, members in groups.items():
        shared = (mask & other).bit_count()
        if shared:
            levels[shared].append(members)
    found: list[tuple] = []
    for shared in sorted(levels, reverse=True):
        for members in levels[shared]:
            found += [(-shared, distance, slug, m) for distance, slug, m in nearest_in_time(members, when, n, limit)]
        if len(found) >= limit:
            break
    return heapq.nsmallest(limit, found)


def nearest_in_time(members: list[tuple[float, str, int]], when: float, n: int, limit: int) -> list[tuple]:
    """(distance, slug, index) of the members nearest to when, all that tie with the last of them
    included so the slug can break the tie; interview n itself left out."""
    right = bisect.bisect_left(members, (when,))
    left = right - 1
    taken: list[tuple] = []
    while left >= 0 or right < len(members):
        before = when - members[left][0] if left >= 0 else math.inf
        after = members[right][0] - when if right < len(members) else math.inf
        distance = min(before, after)
        if len(taken) >= limit and distance > taken[-1][0]:
            break
        if before <= after:
            _, slug, m = members[left]
            left -= 1
        else:
            _, slug, m = members[right]
            right += 1
        if m != n:
            taken.append((distance, slug, m))
    return taken


def topic_entries(topics: tuple[Topic, ...], interviews: list[Interview]) -> list[dict]:
    """Topics that have interviews, most discussed first, each with its interviews and excerpts."""
    entries = []
    by_topic: dict[str, list[Interview]] = defaultdict(list)
    for interview in newest_first(interviews):
        for slug in dict.fromkeys(interview.topics):
            by_topic[slug].append(interview)
    for position, topic in enumerate(topics):
        members = by_topic.get(topic.slug)
        if not members:
            continue
        items = [
            InterviewPart(
                ("topic item", i, topic.slug),
                interview=i,
                later={"excerpts": partial(passages, i, topic)},
                hits=i.topic_hits.get(topic.slug, 0),
            )
            for i in members
        ]
        entries.append({"topic": topic, "count": len(members), "items": items, "position": position})
    entries.sort(key=lambda e: (-e["count"], -sum(item["hits"] for item in e["items"]), e["position"]))
    return entries


def passages(interview: Interview, topic: Topic) -> list:
    """The topic's passages in the interview, as found when it was loaded, else found now."""
    found = interview.topic_excerpts.get(topic.slug)
    return excerpts(interview, topic) if found is None else found


def hosts(interviews: list[Interview]) -> list[dict]:
    """Every host named in the editorial data, with the interviews they conducted, newest first."""
    grouped: dict[str, list[Interview]] = defaultdict(list)
    for interview in newest_first(interviews):
        if interview.host:
            grouped[interview.host].append(interview)
    return [
        {"name": name, "role": items[0].host_role, "interviews": items}
        for name, items in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]


# Beyond three years of months the chart counts by year, so it stays a few hundred cells at any size.
MAX_CHART_MONTHS = 36


def topic_chart(entries: list[dict], interviews: list[Interview]) -> dict:
    """Topics × months (or years, over a long span) with interviews: mentions per cell and a shade
    from 0 to 1 for the SVG."""
    published = {interview.slug: interview.header.published for interview in interviews}
    period = "%Y-%m"
    if len({(day.year, day.month) for day in published.values()}) > MAX_CHART_MONTHS:
        period = "%Y"
    # Each interview's cell worked out once: a large archive has tens of thousands of topic items.
    month_of = {slug: day.strftime(period) for slug, day in published.items()}
    months = sorted(set(month_of.values()))
    rows = []
    for entry in entries:
        per_month = dict.fromkeys(months, 0)
        for item in entry["items"]:
            per_month[month_of[item["interview"].slug]] += item["hits"]
        rows.append({"topic": entry["topic"], "cells": [{"month": m, "hits": per_month[m]} for m in months]})
    peak = max((cell["hits"] for row in rows for cell in row["cells"]), default=0) or 1
    for row in rows:
        for cell in row["cells"]:
            cell["shade"] = round(cell["hits"] / peak, 3)
    return {"months": months, "rows": rows}


def numbered(anchor: str, seen: Counter) -> str:
    """The anchor, with -2, -3 … for its second and later use on one page."""
    seen[anchor] += 1
    return anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"


def prediction_entries(predictions: tuple[Prediction, ...], interviews: list[Interview], topics_by_slug) -> list[dict]:
    """Confirmed predictions with what the pages show of them, soonest horizon first; an open
    horizon last."""
    seen: Counter = Counter()
    entries = []
    for prediction, interview in with_interviews(predictions, interviews):
        entries.append(
            {
                "prediction": prediction,
                "id": numbered(entry_id(prediction, interview), seen),
                "interview": interview,
                "said": interview.header.published.date(),
                "horizon_date": prediction.horizon_date,
                "status_label": STATUSES[prediction.status],
                "topic": topics_by_slug.get(prediction.topic),
            }
        )
    entries.sort(key=lambda e: (e["horizon_date"] is None, e["horizon_date"] or date.max, e["said"], e["id"]))
    return entries


def prediction_marks(entries: list[dict]) -> dict[str, dict[str, str]]:
    """Interview slug → turn anchor → the entry a turn's 预测 link leads to (its soonest prediction)."""
    marks: dict[str, dict[str, str]] = defaultdict(dict)
    for entry in entries:
        marks[entry["interview"].slug].setdefault(entry["prediction"].turn, entry["id"])
    return dict(marks)


def prediction_groups(entries: list[dict]) -> list[dict]:
    """Entries by the year of their horizon; those without one in a group of their own, last."""
    groups: dict[str, list[dict]] = {}
    for entry in entries:
        key = str(entry["horizon_date"].year) if entry["horizon_date"] else ""
        groups.setdefault(key, []).append(entry)
    return [{"year": year, "entries": items} for year, items in groups.items()]


def prediction_chart(entries: list[dict]) -> dict:
    """Each prediction as a segment from when it was said to its horizon, as fractions of the chart's
    width; an open horizon runs to the right edge."""
    if not entries:
        return {"years": [], "rows": []}
    first = min(e["said"] for e in entries).year
    last = max([e["horizon_date"].year for e in entries if e["horizon_date"]] + [e["said"].year for e in entries]) + 1
    # The chart ends where dates do (a seed dated 9999 is only a warning).
    last = min(last, date.max.year)
    end = date(last + 1, 1, 1) if last < date.max.year else date.max
    span = (end - date(first, 1, 1)).days

    def x(day: date) -> float:
        return round((day - date(first, 1, 1)).days / span, 4)

    years = [{"year": year, "x": x(date(year, 1, 1))} for year in range(first, last + 1)]
    rows = [{"entry": e, "x0": x(e["said"]), "x1": x(e["horizon_date"]) if e["horizon_date"] else 1.0} for e in entries]
    return {"years": years, "rows": rows}


QUESTION = re.compile(r"[^。！？!?]*[？?]")
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
# A sentence that asks without a question mark: a request to the guest (请谈谈, 能否, 介绍一下,
# 想听听你的看法) or a question particle at its end (吗, 呢). A host's welcome, thanks or remark
# has none of them, and is no question.
REQUEST = re.compile(
    r"请(?:你|您|问|谈|讲|说|介绍|分享)|能否|能不能|可不可以|可否"
    r"|(?:谈|聊|说|讲|介绍|分享|解释|展开)一下|谈谈|聊聊|说说|讲讲"
    r"|想(?:听听|听你|知道|了解|请教)|好奇|怎么看|(?:你|您)(?:的|对.{0,40}的)(?:看法|观点|想法)"
    r"|[吗呢][。！!…\s]*$"
)
ASKERS = ("host", "audience")


def question_of(turn: Turn) -> str:
    """What a turn asks: its sentences that end in ？ or ?, else those that ask without one
    (REQUEST); "" when it asks nothing."""
    text = "".join(paragraph.text for paragraph in turn.paragraphs).strip()
    asked = [q.strip() for q in QUESTION.findall(text) if q.strip(" ？?")]
    if asked:
        return "".join(asked)
    return "".join(s.strip() for s in SENTENCE.findall(text) if REQUEST.search(s.strip()))


def questions_of(interview: Interview) -> list[dict]:
    """Every question a host or audience member asked, with the guest's turn that answers it."""
    turns = [block for block in interview.blocks if isinstance(block, Turn)]
    answers: list[Turn | None] = []  # the guest's next turn after each turn, found from the end
    following = None
    for turn in reversed(turns):
        answers.append(following)
        following = turn if turn.speaker.role == "guest" else following
    answers.reverse()
    found = []
    for turn, answer in zip(turns, answers, strict=True):
        if turn.speaker.role not in ASKERS:
            continue
        question = question_of(turn)
        if question and answer:
            full = " ".join(paragraph.text for paragraph in turn.paragraphs).strip()
            found.append(
                {
                    "asker": turn.speaker.label,
                    "question": question,
                    "full": full,
                    "turn": turn.anchor,
                    "answer": answer.anchor,
                }
            )
    return found


def questions_in(interview: Interview) -> list[dict]:
    """The interview's questions, as found when it was loaded, else found now."""
    return questions_of(interview) if interview.questions is None else list(interview.questions)


def key_points_in(interview: Interview) -> list[dict]:
    """The items of the interview's key-point sections, as found when it was loaded, else found now."""
    return key_points_of(interview) if interview.key_points is None else list(interview.key_points)


def question_groups(interviews: list[Interview]) -> list[dict]:
    """Interviews newest first, each with its count of questions and the questions, read when a
    page shows them; interviews without questions are left out."""
    groups = []
    for interview in interviews:
        if count := questions_counted(interview):
            later = {"questions": partial(questions_in, interview)}
            groups.append(InterviewPart(("questions", interview), interview=interview, count=count, later=later))
    return groups


def questions_counted(interview: Interview) -> int:
    return len(questions_in(interview)) if interview.question_count is None else interview.question_count


def quote_entries(quotes: tuple[EditorQuote, ...], interviews: list[Interview]) -> list[dict]:
    """The editor's quotes of seeds that are there, newest interview first, each with its own anchor."""
    order = {interview.slug: n for n, interview in enumerate(interviews)}
    seen: Counter = Counter()
    entries = []
    for quote, interview in with_interviews(quotes, interviews):
        turn = turn_of(interview, quote.turn)
        anchor = numbered(f"q-{interview.slug}-{quote.turn}", seen)
        entries.append({"quote": quote, "interview": interview, "speaker": turn.speaker.label, "id": anchor})
    entries.sort(key=lambda e: (order[e["interview"].slug], int(e["quote"].turn.lstrip("t") or 0)))
    return entries


def key_point_groups(interviews: list[Interview]) -> list[dict]:
    """Interviews newest first with the items of their 核心观点 sections; those without, left out."""
    groups = [
        InterviewPart(("key points", interview), interview=interview, points=key_points_in(interview))
        for interview in interviews
    ]
    return [group for group in groups if group["points"]]
