"""Search quality: precision and recall of what the search box shows, measured in headless Chromium.

    python benchmarks/search_quality.py            # build the site, measure, write results/search_quality.json

The truth for each query comes from the built HTML, not from the search index: every linkable
section of every interview page (a speaker turn, or the prose under a heading) that contains the
query as a word or phrase.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup, Tag

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "benchmarks" / "search_queries.txt"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CHROME = ".interview-meta, .interview-topics, .pager, .related, .interview-source, .headerlink, .turn__link"


def read_queries(path: Path = QUERIES) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def page_sections(html: str) -> dict[str, str]:
    """anchor → text of each linkable section of an interview page ("" is the top of the page)."""
    article = BeautifulSoup(html, "html.parser").select_one("article.md-content__inner")
    for element in article.select(CHROME):
        element.decompose()
    units: dict[str, list[str]] = {"": []}
    current = [""]

    def walk(node: Tag) -> None:
        for child in node.children:
            if not isinstance(child, Tag):
                units[current[0]].append(str(child))
            elif child.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
                current[0] = child.get("id", "") if child.name != "h1" else ""
                units.setdefault(current[0], []).append(child.get_text(" "))
            elif "turn" in child.get("class", []):
                units[child["id"]] = [child.get_text(" ")]
            elif child.find(["h2", "h3", "h4", "h5", "h6"]) or child.select(".turn"):
                walk(child)
            else:
                units[current[0]].append(child.get_text(" "))

    walk(article)
    return {anchor: " ".join(parts) for anchor, parts in units.items()}


def query_terms(query: str) -> list[str]:
    """The query's words; a name split by a space is one term (GPT 4o, o1 preview)."""
    terms: list[str] = []
    for word in unicodedata.normalize("NFKC", query).lower().split():
        last = terms[-1] if terms else ""
        split_name = (
            re.search(r"[a-z]$", last)
            and re.match(r"[0-9]", word)
            or (re.search(r"[0-9]$", last) and re.fullmatch(r"[a-z]+", word))
        )
        if split_name and re.fullmatch(r"[a-z0-9-]+", last) and re.fullmatch(r"[a-z0-9-]+", word):
            terms[-1] = f"{last}-{word}"
        else:
            terms.append(word)
    return terms


def contains(text: str, term: str) -> bool:
    """The term as a word or phrase: case-blind; spaces may stand where Chinese meets other text; a
    hyphen or space or nothing where letters meet digits (GPT-4o = GPT4o = GPT 4o, o1-preview = o1
    preview); a model name may end a product name (ChatGPT-4o), a plain word stands alone (not MAGIC)."""
    term = unicodedata.normalize("NFKC", term).lower()
    text = unicodedata.normalize("NFKC", text).lower()
    pattern = ""
    for i, char in enumerate(term):
        previous = term[i - 1] if i else ""
        following = term[i + 1] if i + 1 < len(term) else ""
        if char == "-" and re.match("[a-z0-9]", previous) and re.match("[a-z0-9]", following):
            continue
        if i and (re.match(f"[{CJK}]", char) or re.match(f"[{CJK}]", previous)):
            pattern += r"\s*"
        elif i and (
            char.isalpha()
            and char.isascii()
            and previous in "0123456789-"
            or char.isdigit()
            and re.match("[a-z-]", previous)
        ):
            pattern += r"[-\s]?"
        pattern += re.escape(char)
    if re.match(r"[a-z]{3,}[-\s]?[0-9]", term):
        pattern = r"(?<![0-9])" + pattern
    elif re.match(r"[a-z0-9]", term):
        pattern = r"(?<![a-z0-9])" + pattern
    if re.search(r"[a-z0-9]$", term):
        pattern += r"(?![a-z0-9])"
    return re.search(pattern, text) is not None


def truth(site: Path, query: str) -> set[tuple[str, str]]:
    found = set()
    for page in sorted((site / "interviews").glob("*/index.html")):
        for anchor, text in page_sections(page.read_text(encoding="utf-8")).items():
            if all(contains(text, term) for term in query_terms(query)):
                found.add((page.parent.name, anchor))
    return found


def shown(page, query: str) -> set[tuple[str, str]]:
    """Type the query into the real search box and collect every section it links to."""
    box = page.locator("#site-search-input")
    box.fill("")
    box.type(query, delay=20)
    page.wait_for_selector(f'#site-search[data-state=done][data-query="{query}"]', timeout=20_000)
    # Past the first 20 interviews: read the others too, as a reader who wants them all would.
    while page.locator(".site-search__more-docs").count():
        page.locator(".site-search__more-docs").first.click()
        page.wait_for_selector(f'#site-search[data-state=done][data-query="{query}"]', timeout=20_000)
    more = page.locator(".site-search__more")
    while more.count():
        more.first.click()
    results = set()
    # Only what a reader can see counts: a hit still hidden behind "show more" is not shown.
    visible = "links => links.filter(a => a.checkVisibility()).map(a => a.href)"
    for href in page.eval_on_selector_all(".site-search__hit", visible):
        url = urlparse(href)
        results.add((url.path.rstrip("/").rsplit("/", 1)[-1], unquote(url.fragment)))
    return results


def score(found: set, expected: set) -> dict:
    true = len(found & expected)
    precision = true / len(found) if found else (1.0 if not expected else 0.0)
    recall = true / len(expected) if expected else 1.0
    return {
        "shown": len(found),
        "relevant": len(expected),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
    }


def measure(page, base_url: str, site: Path, queries: list[str]) -> dict[str, dict]:
    page.goto(base_url)
    page.keyboard.press("/")
    return {query: score(shown(page, query), truth(site, query)) for query in queries}


def main() -> int:
    sys.path.insert(0, str(ROOT))
    import tempfile

    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, StaticServer, chromium_executable, copy_project, run_build

    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        result = run_build(project, "-q")
        if result.returncode:
            print(result.stderr, file=sys.stderr)
            return 1
        server = StaticServer(project / "site")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_ARGS)
            figures = measure(browser.new_page(), server.base, project / "site", read_queries())
            browser.close()
        server.close()
    out = ROOT / "benchmarks" / "results" / "search_quality.json"
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"{'query':<20}{'shown':>7}{'relevant':>10}{'precision':>11}{'recall':>8}")
    for query, row in figures.items():
        print(f"{query:<20}{row['shown']:>7}{row['relevant']:>10}{row['precision']:>11.3f}{row['recall']:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
