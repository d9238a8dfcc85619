"""Fidelity of the built pages to their exports, checked without the project's cleaner.

    python benchmarks/fidelity.py DIR            # build DIR's *.txt as seeds, print a table
    python benchmarks/fidelity.py DIR --json F   # also write the figures to F

For each export it reads the source on its own terms — the article is the body before the first
end mark of the list below; a sentence ends in 。！？ — and compares it with the visible text and
the images of the built page:

  sentences   source sentences found on the page / all (a sentence that is an account's
              boilerplate phrase must be absent instead)
  images      body images shown / body images (the build's site/fidelity.json says which
              images a named rule removed; those are not counted as missing)
  markdown    visible Markdown debris: **, ![, ](http, a stray backslash
  bare URLs   http(s) addresses shown as text instead of links
  boilerplate account boilerplate phrases visible on the page
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_build import copy_sources  # noqa: E402

# Where an export's article ends, as a reader would see it: the accounts' end marks and the start
# of the AI深度研究员 closing lines (attribution, related articles, engagement prompt).
ARTICLE_END = re.compile(
    r"^[\s_*>#]*(—\s*\**完\**\s*—|-+\s*END\s*-+|\\-+END|·END|©\s*THE END|全文共\d+字|"
    r"视频来源|原视频链接|原文链接[:：]|素材来源|往期回顾|延伸阅读|对了，喜欢就别忘了)",
)
# Phrases of the accounts' boilerplate: none may be on a page.
BOILERPLATE = (
    "关注公众号",
    "全文约",
    "阅读约需",
    "点这里",
    "记得标星",
    "一键三连",
    "科技前沿进展日日相见",
    "商务合作请联络",
    "活动合作请联络",
    "左右滑动查看",
    "Memo: Signal",
    "扫码或点击",
    "付费会员专属",
    "Milo-1101",
    "未经许可不得转载",
    "往期回顾",
    "--END--",
    "评选报名",
    "欢迎投稿",
)
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]*)\)")
LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# Markup a reader never sees: bold markers, escapes, and what opens a heading, quote or list item.
MARKUP = re.compile(r"\*{2,}|_(?=\*)|(?<=\*)_|\\(?=[^\w\s])|^[ \t]*(?:#+|>+|[-+*][ \t]+(?=\S)|\d+\.[ \t]+)", re.M)
# Blocks of an export: split at blank lines, hard breaks and headings, so a heading never runs
# into the sentence under it.
BLOCK_BREAK = re.compile(r"\n\s*\n|  \n|\n(?=#)|(?<=\n)(#[^\n]*)\n")
SENTENCE_END = re.compile(r"(?<=[。！？])")
# *italic*: a star that opens and one that closes, not inside a word (7*7 stays as it is)
ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
SPACE = re.compile(r"\s+")
DEBRIS = ("**", "![", "](http")
URL_IN_TEXT = re.compile(r"https?://")


@dataclass
class Figures:
    seed: str
    sentences: int = 0
    sentences_found: int = 0
    images: int = 0
    images_shown: int = 0
    images_removed_by_rule: int = 0
    markdown_debris: list[str] = field(default_factory=list)
    bare_urls: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def sentence_share(self) -> float:
        return self.sentences_found / self.sentences if self.sentences else 1.0


def article_lines(text: str) -> list[str]:
    """The body lines of an export before its first end mark."""
    lines = text.split("\n")
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("封面图链接")), 1)
    end = next((i for i in range(start, len(lines)) if ARTICLE_END.match(lines[i])), len(lines))
    return lines[start:end]


def source_images(lines: list[str]) -> list[str]:
    """Image addresses of the article, joined where the export wrapped them."""
    joined = "\n".join(lines)
    return [SPACE.sub("", url) for url in IMAGE.findall(joined) if url.strip()]


def source_sentences(lines: list[str]) -> list[str]:
    text = ITALIC.sub(r"\1", IMAGE.sub("", "\n".join(lines)))
    text = LINK.sub(r"\1", LINK.sub(r"\1", text))
    sentences = []
    for block in BLOCK_BREAK.split(text):
        block = SPACE.sub("", MARKUP.sub("", block or ""))
        sentences += [s for s in SENTENCE_END.split(block) if len(re.findall(r"\w", s)) >= 2]
    return sentences


def is_boilerplate(sentence: str) -> bool:
    return any(SPACE.sub("", phrase) in sentence for phrase in BOILERPLATE)


SPEAKER_ROLE = re.compile(r"^(主持人|嘉宾)")
TIME_STAMP = re.compile(r"^[(（](\d{1,2}(?::\d{2}){1,2})[)）]")


def found(sentence: str, page: str) -> bool:
    """On the page as written, or as the page shows a speaker label (as the turn's name) or a
    timeline entry (its time as a link)."""
    if sentence in page or TIME_STAMP.sub(r"\1", sentence) in page or SPEAKER_ROLE.sub("", sentence) in page:
        return True
    head, colon, rest = sentence.partition("：")
    return bool(colon) and len(head) <= 20 and rest in page


def visible_problems(article) -> tuple[list[str], list[str]]:
    """Markdown debris and bare addresses in the text a reader sees."""
    debris, bare = [], []
    for string in article.find_all(string=True):
        if string.parent.name in ("script", "style", "code", "pre"):
            continue
        text = str(string)
        debris += [token for token in DEBRIS if token in text]
        if "\\" in text:
            debris.append("\\")
        if URL_IN_TEXT.search(text) and not string.find_parent("a"):
            bare.append(text.strip()[:80])
    return debris, bare


def check_page(seed: Path, page: Path, ledger: dict) -> Figures:
    figures = Figures(seed.name)
    lines = article_lines(seed.read_text(encoding="utf-8"))
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = html.select_one("article.md-content__inner")
    page_text = SPACE.sub("", article.get_text())
    for sentence in source_sentences(lines):
        if is_boilerplate(sentence):
            continue
        figures.sentences += 1
        if found(sentence, page_text):
            figures.sentences_found += 1
        else:
            figures.missing.append(sentence[:60])
    shown = {img.get("src") for img in article.find_all("img")}
    removed = {url for removal in ledger["removals"] for url in removal.get("image_urls", [])}
    for url in source_images(lines):
        figures.images += 1
        if url in shown:
            figures.images_shown += 1
        elif url in removed:
            figures.images_removed_by_rule += 1
    figures.markdown_debris, figures.bare_urls = visible_problems(article)
    figures.boilerplate = [phrase for phrase in BOILERPLATE if SPACE.sub("", phrase) in page_text]
    return figures


def build(seeds: list[Path], project: Path) -> subprocess.CompletedProcess:
    copy_sources(project)
    (project / "seeds").mkdir()
    for seed in seeds:
        shutil.copy2(seed, project / "seeds" / seed.name)
    return subprocess.run(
        [sys.executable, "build_site.py", "-q"], cwd=project, capture_output=True, text=True, timeout=900
    )


def check_folder(folder: Path, project: Path) -> list[Figures]:
    """Build the folder's exports in ``project`` (an empty directory) and check every page."""
    seeds = sorted(folder.glob("*.txt"))
    result = build(seeds, project)
    if result.returncode != 0:
        raise SystemExit(f"the build failed:\n{result.stderr}")
    ledgers = json.loads((project / "site" / "fidelity.json").read_text(encoding="utf-8"))["seeds"]
    figures = []
    for seed in seeds:
        ledger = ledgers[f"seeds/{seed.name}"]
        figures.append(check_page(seed, project / "site" / ledger["url"] / "index.html", ledger))
    return figures


def table(figures: list[Figures]) -> str:
    rows = [
        "| file | sentences | images (removed by a rule) | Markdown debris | bare URLs | boilerplate |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        rows.append(
            f"| {f.seed} | {f.sentences_found}/{f.sentences} ({100 * f.sentence_share:.1f} %) | "
            f"{f.images_shown}/{f.images} ({f.images_removed_by_rule}) | {len(f.markdown_debris)} | "
            f"{len(f.bare_urls)} | {', '.join(f.boilerplate) or 0} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="a folder of exported .txt articles")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("-v", "--verbose", action="store_true", help="list missing sentences and problems")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        figures = check_folder(args.folder.resolve(), Path(temporary))
    print(table(figures))
    if args.verbose:
        for f in figures:
            for what in ("missing", "markdown_debris", "bare_urls", "boilerplate"):
                for item in getattr(f, what):
                    print(f"{f.seed}: {what}: {item}")
    if args.json:
        args.json.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
