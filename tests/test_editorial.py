"""data/editorial.yml: per-seed host, event, slug and topic overrides."""

from __future__ import annotations

import pytest

from sitegen.editorial import Editorial, load_editorial
from sitegen.errors import InputError

from .conftest import SEEDS, copy_project, run_build


def write(tmp_path, text: str):
    path = tmp_path / "data" / "editorial.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_entries_load_by_seed_name(tmp_path):
    text = "a.txt:\n  host: Kevin Weil\n  event: DevDay\n  slug: devday-2024\n  topics_add: [agents]\n"
    assert load_editorial(write(tmp_path, text), {"agents"}) == {
        "a.txt": Editorial(host="Kevin Weil", event="DevDay", slug="devday-2024", topics_add=("agents",))
    }


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("a.txt:\n  hosts: X\n", "unknown key(s): hosts"),
        ("a.txt:\n  slug: 中文\n", "slug '中文' must be ASCII"),
        ("a.txt:\n  topics_add: [nope]\n", "topics_add names unknown topic(s): nope"),
        ("a.txt:\n  host: [1, 2]\n", "host must be text"),
    ],
)
def test_bad_entries_name_file_and_line(tmp_path, text, reason):
    with pytest.raises(InputError) as caught:
        load_editorial(write(tmp_path, text), {"agents"})
    assert str(caught.value).startswith("data/editorial.yml:2: ") and reason in str(caught.value)


def test_hand_picked_slug_and_topic_override_reach_the_site(tmp_path):
    project = copy_project(tmp_path / "project", seeds=SEEDS[:2])
    (project / "data" / "editorial.yml").write_text(
        f"{SEEDS[0].name}:\n  slug: t-mobile-2024\n  topics_remove: [reasoning]\n  topics_add: [finance]\n",
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page = project / "site" / "interviews" / "t-mobile-2024" / "index.html"
    assert page.is_file()
    text = (project / "docs" / "interviews" / "t-mobile-2024.md").read_text(encoding="utf-8")
    assert "- finance" in text and "- reasoning" not in text
    assert "t-mobile-2024" in (project / "site" / "topics" / "finance" / "index.html").read_text(encoding="utf-8")
