"""Topic, archive, home and people pages of the real site, and how they follow the seeds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import frontmatter
import pytest

from .conftest import ROOT, SEEDS, SITE_PATH, broken_links, copy_project, interview_pages, run_build, site_file, soup


def front_matters(project: Path) -> dict[str, dict]:
    return {
        md.stem: frontmatter.load(md).metadata
        for md in sorted((project / "docs" / "interviews").glob("*.md"))
        if md.name != "index.md"
    }


def listed_interviews(page: Path, site: Path, selector: str = ".interview-card__title") -> list[str]:
    slugs = []
    for link in soup(page).select(f"article.md-content__inner a{selector}, article.md-content__inner {selector} a"):
        target, _ = site_file(site, page, link["href"])
        slugs.append(target.parent.name)
    return slugs


def test_no_broken_links_or_anchors_anywhere(built):
    assert broken_links(built / "site", SITE_PATH) == []


def test_every_topic_page_lists_exactly_the_interviews_with_that_topic(built):
    metas = front_matters(built)
    site = built / "site"
    topic_dirs = sorted(p for p in (site / "topics").iterdir() if p.is_dir())
    assert len(topic_dirs) >= 12
    for folder in topic_dirs:
        expected = sorted(slug for slug, meta in metas.items() if folder.name in meta["topics"])
        listed = listed_interviews(folder / "index.html", site)
        assert sorted(listed) == expected and listed == sorted(listed, reverse=True), folder.name
    every_topic = {t for meta in metas.values() for t in meta["topics"]}
    assert every_topic == {folder.name for folder in topic_dirs}


def test_topic_excerpts_highlight_the_word_and_link_to_an_anchor_on_the_interview(built):
    site = built / "site"
    page = site / "topics" / "agents" / "index.html"
    excerpts = soup(page).select(".excerpts a")
    assert excerpts
    for link in excerpts:
        target, fragment = site_file(site, page, link["href"])
        assert target is not None and target.parent.parent.name == "interviews"
        mark = link.find("mark")
        assert mark and mark.get_text() in ("智能体", "代理", "Agent")
        if fragment:
            assert soup(target).find(id=fragment) is not None
        assert len(link.get_text()) <= 120


def test_topic_list_is_ordered_by_number_of_interviews(built):
    page = soup(built / "site" / "topics" / "index.html")
    counts = [int(m[1]) for p in page.select("article p") if (m := re.search(r"(\d+) 篇访谈", p.get_text()))]
    assert counts and counts == sorted(counts, reverse=True)


def test_archive_counts_add_up_and_year_pages_exist(built):
    site = built / "site"
    page = soup(site / "archive" / "index.html")
    years = [int(m[1]) for h in page.select("h2") if (m := re.search(r"(\d+) 篇", h.get_text()))]
    months = [int(m[1]) for h in page.select("h3") if (m := re.search(r"(\d+) 篇", h.get_text()))]
    assert sum(years) == sum(months) == 5
    year_page = site / "archive" / "2024" / "index.html"
    assert len(listed_interviews(year_page, site)) == 5
    assert soup(site / "archive" / "index.html").select_one("svg[role=img] title").get_text()
    assert soup(site / "archive" / "index.html").select("details table tbody tr")


def test_prev_and_next_form_one_chain_in_date_order(built):
    site = built / "site"
    metas = front_matters(built)
    by_date = sorted(metas, key=lambda slug: metas[slug]["date"])
    for n, slug in enumerate(by_date):
        page = site / "interviews" / slug / "index.html"
        older = [site_file(site, page, a["href"])[0].parent.name for a in soup(page).select(".pager__older a")]
        newer = [site_file(site, page, a["href"])[0].parent.name for a in soup(page).select(".pager__newer a")]
        assert older == ([by_date[n - 1]] if n > 0 else [])
        assert newer == ([by_date[n + 1]] if n + 1 < len(by_date) else [])


def test_interview_pages_show_topics_related_and_host(built):
    site = built / "site"
    for page in interview_pages(site):
        html = soup(page)
        meta = front_matters(built)[page.parent.name]
        chips = [site_file(site, page, a["href"])[0].parent.name for a in html.select(".interview-topics a")]
        assert chips == meta["topics"]
        related = html.select(".related a")
        assert 1 <= len(related) <= 3
        assert meta["host"] in html.select_one(".interview-meta").get_text()


def test_home_has_totals_topics_and_latest_with_chips(built):
    site = built / "site"
    html = soup(site / "index.html")
    text = html.get_text()
    total = sum(meta["word_count"] for meta in front_matters(built).values())
    assert "共 5 篇访谈" in text.replace("**", "") and f"{total:,}" in text
    assert len(html.select(".interview-card")) == 5 and html.select(".interview-card .chip")
    assert any("archive" in a["href"] for a in html.select("a"))


def test_people_page_lists_hosts_with_their_interviews(built):
    html = soup(built / "site" / "people" / "index.html")
    assert {h.get_text().strip("#") for h in html.select("h2")} >= {"Harry Stebbings", "Kevin Weil", "Melissa Koide"}


def test_navigation_has_its_sections_and_does_not_list_interviews(built):
    site = built / "site"
    html = soup(site / "interviews" / "2024-09-19-1837" / "index.html")
    assert [a.get_text(strip=True) for a in html.select(".md-tabs__link")] == [
        "首页",
        "访谈",
        "话题",
        "归档",
        "问题",
        "观点",
        "预测",
    ]
    nav_links = {a.get("href") for a in html.select(".md-nav--primary a")}
    assert not any("2024-" in (href or "") for href in nav_links)


SIXTH = (
    SEEDS[0]
    .read_text(encoding="utf-8")
    .replace("2024-09-19 18:37", "2025-03-02 08:00")
    .replace("mid=2247493227", "mid=9999999999")
)


def test_adding_and_removing_seeds_updates_every_index(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "seeds" / "900_sixth.txt").write_text(SIXTH, encoding="utf-8")
    assert run_build(project).returncode == 0
    site = project / "site"
    assert (site / "archive" / "2025" / "index.html").is_file()
    assert "2025-03-02-0800" in listed_interviews(site / "archive" / "2025" / "index.html", site)
    agents = soup(site / "topics" / "reasoning" / "index.html").get_text()
    assert "2025年3月2日" in agents
    assert broken_links(site, SITE_PATH) == []

    (project / "seeds" / "900_sixth.txt").unlink()
    shutil.copy2(project / "seeds" / SEEDS[1].name, tmp_path / "kept.txt")
    (project / "seeds" / SEEDS[1].name).unlink()
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    assert not (site / "archive" / "2025").exists()
    assert not (project / "docs" / "archive" / "2025.md").exists()
    assert not (site / "interviews" / "2024-05-16-0930").exists()
    every_page = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "2024-05-16-0930" not in every_page and "2025-03-02-0800" not in every_page
    assert broken_links(site, SITE_PATH) == []


def test_malformed_topics_file_stops_the_build(tmp_path):
    project = copy_project(tmp_path / "project")
    path = project / "data" / "topics.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("slug: reasoning", "slug: agents"), encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 1
    line = (
        next(n for n, text in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "name: 推理模型" in text)
        - 1
    )
    assert f"data/topics.yml:{line}: duplicate slug 'agents'" in result.stderr


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory) -> Path:
    """The real seeds with tiny pages, so every long index has more than one."""
    project = copy_project(tmp_path_factory.mktemp("paged") / "project")
    pages = project / "data" / "pages.yml"
    text = pages.read_text(encoding="utf-8")
    for kind, size in (("50", "2"), ("30", "1"), ("150", "1"), ("20", "1")):
        text = text.replace(f"per_page: {kind}", f"per_page: {size}")
    pages.write_text(text, encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def listed(page: Path) -> list[str]:
    """The interview pages an index page lists, by their URL name."""
    found = (re.search(r"(20\d\d-\d\d-\d\d-\d{4}[^/]*)/$", a["href"]) for a in soup(page).select("article li a"))
    return [match[1] for match in found if match]


def test_the_interview_list_is_split_into_pages_newest_first(paged_site):
    first = paged_site / "interviews" / "index.html"
    pages = [first] + [paged_site / "interviews" / "page" / str(n) / "index.html" for n in (2, 3)]
    assert all(page.is_file() for page in pages) and not (paged_site / "interviews" / "page" / "4").exists()
    seen = [slug for page in pages for slug in listed(page)]
    assert [len(listed(page)) for page in pages] == [2, 2, 1]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 5
    second = soup(pages[1])
    assert second.title.get_text().startswith("全部访谈（第 2 页）")
    assert (
        second.select_one('a[rel="prev"]')["href"] == "../../" and second.select_one('a[rel="next"]')["href"] == "../3/"
    )
    assert second.select_one(".paginator [aria-current=page]").get_text() == "2"
    assert not soup(first).select_one('a[rel="prev"]') and not soup(pages[2]).select_one('a[rel="next"]')


def test_topic_year_question_and_quote_pages_are_split_too(paged_site):
    agents = soup(paged_site / "topics" / "agents" / "index.html")
    count = int(re.search(r"(\d+) 篇访谈讨论了这个话题", agents.get_text())[1])
    assert count > 1 and len(agents.select("article .topic-item")) == 1
    assert (paged_site / "topics" / "agents" / "page" / str(count) / "index.html").is_file()
    assert (paged_site / "archive" / "2024" / "page" / "2" / "index.html").is_file()
    assert (paged_site / "questions" / "page" / "4" / "index.html").is_file()
    quotes_two = soup(paged_site / "quotes" / "index.html")
    assert quotes_two.select("figure.quote-entry")  # the picked quotes stay on the first page
    assert broken_links(paged_site, SITE_PATH) == []


def test_a_bad_page_size_names_its_line(tmp_path):
    project = copy_project(tmp_path / "p")
    pages = project / "data" / "pages.yml"
    pages.write_text(pages.read_text(encoding="utf-8").replace("per_page: 30", "per_page: 0"), encoding="utf-8")
    result = run_build(project)
    # The entry of the kind: the line below its "topic:" key.
    line = (
        next(n for n, row in enumerate(pages.read_text(encoding="utf-8").splitlines(), 1) if row.startswith("topic:"))
        + 1
    )
    assert (
        result.returncode == 1
        and f"data/pages.yml:{line}: topic: per_page must be a whole number of at least 1" in result.stderr
    )


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ('title: "{year} 年的访谈"', 'title: "{yaer} 年的访谈"', "year: title"),
        ("description: 全部 {count} 篇", "description: 全部 {count 篇", "interviews: description"),
        ('title: "话题：{name}"', 'title: "话题：{name:d}"', "topic: title"),
        ("title: 首页", "title: 首页 {count}", "home: title"),
    ],
)
def test_a_placeholder_the_build_cannot_fill_names_its_entry(tmp_path, old, new, kind):
    from sitegen.datafiles import load_pages
    from sitegen.errors import InputError

    pages = tmp_path / "pages.yml"
    text = (ROOT / "data" / "pages.yml").read_text(encoding="utf-8")
    assert old in text
    pages.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pages(pages)
    entry = kind.split(":")[0] + ":"
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith(entry)) + 1
    assert caught.value.line == line and caught.value.reason.startswith(f"{kind} ")
    assert "cannot be filled" in caught.value.reason


def test_a_page_title_with_an_unknown_placeholder_is_refused(tmp_path):
    from sitegen.datafiles import load_pages
    from sitegen.errors import InputError

    pages = tmp_path / "pages.yml"
    text = (ROOT / "data" / "pages.yml").read_text(encoding="utf-8")
    pages.write_text(text.replace("{title}（第 {number} 页）", "{titel}（第 {number} 页）"), encoding="utf-8")
    with pytest.raises(InputError, match="page_title .* cannot be filled"):
        load_pages(pages)
