import pytest

from sitegen.errors import InputError
from sitegen.read import MAX_LINE_CHARS, MAX_SEED_BYTES, decode_seed, list_seeds

NAME = "seeds/x.txt"


def error_of(data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        decode_seed(NAME, data)
    return caught.value


def test_utf8_text_passes_through():
    assert decode_seed(NAME, "# 标题\n正文\n".encode()) == "# 标题\n正文\n"


def test_bom_and_crlf_and_lone_cr_are_repaired_silently():
    assert decode_seed(NAME, b"\xef\xbb\xbf# a\r\nb\rc\n") == "# a\nb\nc\n"


@pytest.mark.parametrize("data", [b"", b"  \n\n"])
def test_empty_file(data):
    assert str(error_of(data)) == "seeds/x.txt:1: file is empty"


def test_gbk_file_names_the_line_of_the_first_bad_byte():
    error = error_of("# 标题\n\n正文".encode("gbk"))
    assert error.line == 1 and "not UTF-8" in error.reason


def test_latin1_and_binary_files_are_refused():
    assert "not UTF-8" in error_of("# Café\n".encode("latin-1")).reason
    assert "not UTF-8" in error_of(bytes(range(256))).reason


def test_nul_byte_points_at_its_line():
    error = error_of(b"# t\nline two\nbad\x00line\n")
    assert (error.line, error.reason) == (3, "NUL byte in text; the file is binary or corrupt")


def test_oversized_file_and_line():
    assert "more than" in error_of(b"# t\n" + b"a" * (MAX_SEED_BYTES + 1)).reason
    error = error_of(b"# t\n\n" + b"a" * (MAX_LINE_CHARS + 1))
    assert error.line == 3 and "characters long" in error.reason


def test_list_seeds_skips_other_files_and_outside_symlinks_with_notes(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "b.txt").write_text("x")
    (seeds / "a.txt").write_text("x")
    (seeds / "notes.md").write_text("x")
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    (seeds / "_link.txt").symlink_to(outside)  # sorts first: the seeds after it are still listed
    (seeds / "c.txt").symlink_to(seeds / "a.txt")  # inside the folder: a seed like any other
    paths, notes = list_seeds(seeds)
    assert [p.name for p in paths] == ["a.txt", "b.txt", "c.txt"]
    assert "seeds/notes.md: ignored, not a .txt file" in notes
    assert any(n.startswith("seeds/_link.txt: ignored, symlink") for n in notes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# a\n\xff\n", "seeds/x.txt:2: not UTF-8 text (byte 0xff at offset 4); re-export it as UTF-8"),
        (b"# a\nb\n\x00c", "seeds/x.txt:3: NUL byte in text; the file is binary or corrupt"),
        (
            ("# a\n" + "长" * (MAX_LINE_CHARS + 1)).encode(),
            f"seeds/x.txt:2: line is {MAX_LINE_CHARS + 1:,} characters long, more than {MAX_LINE_CHARS:,}",
        ),
        (b" \n\n", "seeds/x.txt:1: file is empty"),
    ],
)
def test_every_read_message_word_for_word(data, message):
    with pytest.raises(InputError) as caught:
        decode_seed("seeds/x.txt", data)
    assert str(caught.value) == message


def test_the_limits_are_inclusive():
    assert decode_seed("seeds/x.txt", ("# a\n" + "长" * MAX_LINE_CHARS).encode()).endswith("长")
    biggest = (b"# a\n" + (b"x" * 999 + b"\n") * (MAX_SEED_BYTES // 1000 + 1))[:MAX_SEED_BYTES]
    assert len(decode_seed("seeds/x.txt", biggest)) == MAX_SEED_BYTES
    with pytest.raises(InputError) as caught:
        decode_seed("seeds/x.txt", biggest + b"x")
    assert (
        str(caught.value)
        == f"seeds/x.txt:1: file is {MAX_SEED_BYTES + 1:,} bytes, more than the {MAX_SEED_BYTES:,} a seed may have"
    )


def test_seeds_are_listed_by_name_and_hidden_files_are_passed_over(tmp_path):
    for name in ("b.txt", "a.txt", ".hidden.txt", "c.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    seeds, notes = list_seeds(tmp_path)
    assert [p.name for p in seeds] == ["a.txt", "b.txt", "c.txt"] and notes == []


def test_the_first_nul_byte_is_the_line_named():
    with pytest.raises(InputError) as caught:
        decode_seed("seeds/x.txt", b"# a\nb\x00\nc\nd\x00\n")
    assert caught.value.line == 2
