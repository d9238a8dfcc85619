"""Cache: results a build keeps for the next one (loaded seeds, interview pages, HTML).

An entry's key is what the result is made from (a seed's name and bytes, a page's inputs)
together with a salt, a fingerprint of everything else that shapes it (code, data files,
templates), so an entry is never stale: a changed input simply misses and is made again.
Entries a build did not use are removed at its end. The folder is the checkout's own (`.cache/`,
ignored by git); a damaged entry is treated as a miss.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import zlib
from collections.abc import Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .disk import prefetch

SUFFIX = ".pickle"
HELD = "held"
COMPRESSION = 1  # zlib's fastest level: most of the saving for a fraction of the time
DISK_BLOCK = 4096
FILE_GROUPS = 256  # an edit changes about ten of the search index's files: each in its own group


def fingerprint(files: Iterable[Path], base: Path) -> str:
    """One digest of the paths (under base, so a moved checkout keeps its cache) and bytes of files."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def write_entry(file, value) -> None:
    """Compressed: pages and HTML shrink about four times, so a large archive's cache stays in the
    operating system's file cache instead of being read from disk by every build. Pickled and
    compressed piece by piece: a large entry (the search index's files) never exists whole in
    memory as bytes, once pickled and once compressed. An entry that fits in a disk block is not
    compressed: it takes the block either way, and reading it back is then unpickling alone (a
    seed's head: 29 against 44 µs, read for every seed by every build)."""
    compressing = Compressing(file)
    pickle.Pickler(compressing, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    compressing.close()


class Compressing:
    """A file object that compresses what is written to it into another, once it is more than a
    disk block; until then it holds it."""

    def __init__(self, file) -> None:
        self.file, self.held, self.compressor = file, bytearray(), None

    def write(self, data) -> int:
        if self.compressor is not None:
            self.file.write(self.compressor.compress(data))
        else:
            self.held += data
            if len(self.held) > DISK_BLOCK:
                self.compressor = zlib.compressobj(COMPRESSION)
                self.file.write(self.compressor.compress(self.held))
                self.held = None
        return len(data)

    def close(self) -> None:
        self.file.write(self.held if self.compressor is None else self.compressor.flush())


def read_file(path: str) -> bytes:
    # Not Path.read_bytes: its path handling adds about 5 µs to each of tens of thousands of reads.
    with open(path, "rb") as file:
        return file.read()


def dump_entry(value) -> bytes:
    file = io.BytesIO()
    write_entry(file, value)
    return file.getvalue()


def load_entry(data: bytes):
    # A pickle starts with its protocol's opcode, a zlib stream never does.
    return pickle.loads(data if data[:1] == pickle.PROTO else zlib.decompress(data))


@dataclass
class PickleCache:
    """A folder of pickled results; ``folder=None`` caches nothing."""

    folder: Path | None = None
    salt: str = ""
    used: set[str] = field(default_factory=set)
    # Entries this process already holds (`serve` keeps them from one rebuild to the next): a hit
    # here is neither read nor unpickled again. The values are shared, so they are never changed.
    memory: dict | None = None
    latest: tuple = field(default=(None, None), repr=False, compare=False)  # see get_latest
    listed: set[str] | None = field(default=None, repr=False, compare=False)  # see listing

    def key(self, name: str, raw: bytes) -> str:
        return hashlib.sha256(self.salt.encode() + name.encode() + b"\0" + raw).hexdigest()

    def get(self, key: str):
        if self.folder is None:
            return None
        self.used.add(key)
        return self.peek(key)

    def peek(self, key: str):
        """The entry under key, not kept for this build: unless it asks for it (get, has, put), it
        is pruned at its end."""
        if self.folder is None:
            return None
        if self.memory is not None and key in self.memory:
            return self.memory[key]
        try:
            value = load_entry(read_file(os.path.join(self.folder, key + SUFFIX)))
        except (OSError, EOFError, zlib.error, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None
        if self.memory is not None:
            self.memory[key] = value
        return value

    def has(self, key: str) -> bool:
        """Whether the entry is there, without reading it; it is kept past this build's pruning."""
        if self.folder is None:
            return False
        self.used.add(key)
        return self.exists(key)

    def exists(self, key: str) -> bool:
        """has, without keeping the entry."""
        if self.memory is not None and key in self.memory:
            return True
        return key in self.listing() or (self.folder / (key + SUFFIX)).is_file()

    def listing(self) -> set[str]:
        """The entries in the folder when first asked after (until the next pruning): a build asks
        after tens of thousands, each a file's status otherwise. An entry written since, here or by
        another process, is found by its status; one removed since by anything but prune is a miss
        when it is read, as a damaged one is."""
        if self.listed is None:
            try:
                names = os.listdir(self.folder)
            except OSError:
                names = []
            self.listed = {name[: -len(SUFFIX)] for name in names if name.endswith(SUFFIX)}
        return self.listed

    def prefetch(self, keys: Iterable[str]) -> None:
        """Ask the disk for these entries now: see disk.prefetch."""
        if self.folder is not None:
            prefetch(self.folder / (key + SUFFIX) for key in keys)

    def files(self) -> Iterable[Path]:
        """Every entry's file."""
        return self.folder.glob("*" + SUFFIX) if self.folder is not None else ()

    def reader(self, key: str, make) -> Reader:
        """A function that reads the entry (once) when called, else make() kept under it. The entry
        must not be pruned before."""
        return Reader(self, key, make)

    def get_or_make(self, key: str, make):
        """The entry under key, else make() kept under it."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def get_latest(self, key: str, make):
        """get_or_make, holding only the entry read last: parts of one value used one after the
        other (an interview's tokens, then its blocks) are read once, and no more is held."""
        if self.latest[0] != key:
            self.latest = (key, self.get_or_make(key, make))
        return self.latest[1]

    def stored(self, key: str, make):
        """A text: the entry under key as a StoredText, read each time its text is needed (make()
        kept under it first when it is missing). A build makes thousands of pages before it writes
        any: holding their texts until then would add them all to its peak memory."""
        if self.folder is None:
            return make()
        if not self.has(key):
            self.put(key, make())
        return StoredText(key, None, partial(self.get_or_make, key, make))

    def stored_files(self, key: str, make, fresh: bool = False, on_disk: bool = True, remake=None) -> dict:
        """Texts by name, each a StoredText: make() when the entry under key is missing, or always
        when ``fresh`` (see put for ``on_disk``). make() may give texts of an earlier call as
        StoredTexts; ``remake()`` (default make) gives every text anew, for a group found damaged.

        The texts are kept in groups of names, each group an entry named by the digests of its
        texts; the entry under key lists each name's group and digest. So a set of files that
        differs from the last one in a few texts (the search index after an edit) writes only their
        groups, the names come without reading any text, and a text is as new as its digest says:
        a file that holds it is not read again (see write.sync_generated)."""
        remake = remake or make
        listing = None if fresh else self.get(key)
        kept = None if listing is None else self.listed_files(listing, remake)
        if kept is not None:
            return kept
        files = make()
        if self.folder is None:
            return files
        listing = self.put_groups(files, on_disk)
        self.put(key, listing, on_disk)
        return self.listed_files(listing, remake)

    def listed_files(self, listing: dict, remake, keep: bool = True) -> dict | None:
        """The texts of a listing of stored_files, or None when a group of them is missing. Without
        ``keep``, their groups are pruned at this build's end unless it asks for them otherwise:
        the texts of a listing this build replaces."""
        if not all((self.has if keep else self.exists)(group) for group, _ in listing.values()):
            return None
        readers = {}
        for group, _ in listing.values():
            if group not in readers:
                readers[group] = Reader(self, group, partial(group_texts, remake, listing, group), keep)
        return {
            name: StoredText(group, name, partial(text_in, readers[group], name), digest)
            for name, (group, digest) in listing.items()
        }

    def put_groups(self, files: dict, on_disk: bool) -> dict[str, tuple[str, bytes]]:
        """Keep the texts in groups (see stored_files), writing only groups not already kept."""
        digests = {name: text_digest(text) for name, text in files.items()}
        members: dict[int, list[str]] = {}
        for name in sorted(files):
            members.setdefault(zlib.crc32(name.encode()) % FILE_GROUPS, []).append(name)
        listing = {}
        for names in members.values():
            group = self.key("group", b"".join(name.encode() + b"\0" + digests[name] for name in names))
            if not self.has(group):
                self.put(group, {name: str(files[name]).encode("utf-8") for name in names}, on_disk)
            listing.update((name, (group, digests[name])) for name in names)
        return listing

    def plan(self, key: str, files: dict) -> None:
        """Keep where each of these files comes from: its text, or the entry (and name in it) of a
        StoredText; see planned."""
        self.put(
            key,
            {
                path: (text.entry, text.name, text.digest) if isinstance(text, StoredText) else text
                for path, text in files.items()
            },
        )

    def planned(self, key: str, remake) -> dict | None:
        """The files kept by plan(), those from entries as StoredTexts; None when the plan or an
        entry it names is not there. ``remake()`` gives every file anew, for an entry that turns out
        to be damaged when it is read."""
        plan = self.get(key)
        if plan is None:
            return None
        first_path = {}  # entry → the first file it gives
        for path, source in plan.items():
            if isinstance(source, tuple):
                first_path.setdefault(source[0], path)
        if not all(self.has(entry) for entry in first_path):
            return None
        readers = {}
        for entry, path in first_path.items():
            if plan[path][1] is None:  # the entry is one page, read each time as stored() reads it
                readers[entry] = partial(self.get_or_make, entry, partial(str_of, remake, path))
            else:
                readers[entry] = self.reader(entry, partial(texts_of, remake, plan, entry))
        files = {}
        for path, source in plan.items():
            if isinstance(source, str):
                files[path] = source
                continue
            entry, name, digest = source
            read = readers[entry] if name is None else partial(text_in, readers[entry], name)
            files[path] = StoredText(entry, name, read, digest)
        return files

    def put(self, key: str, value, on_disk: bool = True) -> None:
        """Keep value under key; with ``on_disk`` False, only in memory where the cache holds
        entries in memory (and then nowhere else)."""
        if self.folder is None:
            return
        self.used.add(key)
        if self.memory is not None:
            self.memory[key] = value
            if not on_disk:
                return
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / (key + SUFFIX)
        temporary = target.with_name(f".{key}.{os.getpid()}")
        try:
            with temporary.open("wb") as file:
                write_entry(file, value)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, target)
        if self.listed is not None:
            self.listed.add(key)

    def held(self, name: str):
        """What this process holds under name from an earlier build (see hold), or None. Asking
        keeps it past this build's pruning, like any entry this build asks for."""
        self.used.add((HELD, name))
        return None if self.memory is None else self.memory.get((HELD, name))

    def hold(self, name: str, value) -> None:
        """Keep value in memory only, for the next build of this process to start from; the next
        value held under name replaces it. Not kept where the cache holds nothing in memory."""
        if self.memory is not None:
            self.used.add((HELD, name))
            self.memory[(HELD, name)] = value

    def prune(self) -> None:
        """Remove the entries this build did not ask for: seeds deleted or changed since."""
        if self.memory is not None:
            for key in set(self.memory) - self.used:
                del self.memory[key]
        self.listed = None
        if self.folder is None:
            return
        try:
            names = os.listdir(self.folder)  # names, not paths: tens of thousands of them
        except OSError:
            return
        for name in names:
            if not name.endswith(SUFFIX) or name[: -len(SUFFIX)] not in self.used:
                with suppress(FileNotFoundError):
                    os.unlink(os.path.join(self.folder, name))


def body_key(cache: PickleCache, key: str) -> str:
    """The entry of the body (blocks and search tokens) of a seed's interview, whose head is kept
    under the seed's key."""
    return cache.key("body", key.encode())


def questions_key(cache: PickleCache, key: str) -> str:
    """The entry of the questions of a seed's interview: only the pages that list them read them."""
    return cache.key("questions", key.encode())


def excerpts_key(cache: PickleCache, key: str) -> str:
    """The entry of the topic passages of a seed's interview: a topic page shows those of every
    interview it lists, and reads none of their bodies."""
    return cache.key("excerpts", key.encode())


def part_keys(cache: PickleCache, key: str) -> tuple[str, ...]:
    """The entries of a seed's interview besides its head (under the seed's key)."""
    return body_key(cache, key), questions_key(cache, key), excerpts_key(cache, key)


class Stored:
    """A value read from a cache entry when it is needed: a warm build shows most interviews by
    their header alone and never reads their blocks. Held once read, unless ``keep`` is False: then
    read each time, for a large value that is read only a few times in a build. Equal to, hashed and
    pickled as the value it stands for."""

    __slots__ = ("_read", "_value", "_keep")
    kind: type = tuple

    def __init__(self, read, keep: bool = True) -> None:
        self._read, self._value, self._keep = read, None, keep

    def value(self):
        if self._value is not None:
            return self._value
        value = self.kind(self._read())
        if self._keep:
            self._value, self._read = value, None
        return value

    def __getitem__(self, index):
        return self.value()[index]

    def __len__(self) -> int:
        return len(self.value())

    def __iter__(self):
        return iter(self.value())

    def __eq__(self, other) -> bool:
        return self.value() == (other.value() if isinstance(other, Stored) else other)

    def __hash__(self) -> int:
        return hash(self.value())

    def __reduce__(self):
        return self.kind, (self.value(),)

    def __repr__(self) -> str:
        return repr(self.value())


class StoredTuple(Stored, Sequence):
    __slots__ = ()


class StoredDict(Stored, Mapping):
    __slots__ = ()
    kind = dict


class Reader:
    """Reads a cache entry the first time it is called (see PickleCache.reader)."""

    __slots__ = ("cache", "key", "make", "value", "keep")

    def __init__(self, cache: PickleCache, key: str, make, keep: bool = True) -> None:
        self.cache, self.key, self.make, self.value, self.keep = cache, key, make, None, keep

    def __call__(self):
        if self.value is None:
            # Without keep, the entry is one this build replaces: read, but not kept past pruning.
            self.value = self.cache.get_or_make(self.key, self.make) if self.keep else self.cache.peek(self.key)
            self.value = self.value or self.make()
        return self.value


def text_in(read, name: str) -> str:
    """A text of an entry that holds texts by name. A group of stored_files holds them encoded:
    pickling a text would keep its UTF-8 form inside it for as long as the text lives (about
    three quarters of the search index's size again, in the copy that makes it)."""
    text = read()[name]
    return text.decode("utf-8") if isinstance(text, bytes) else text


def str_of(remake, path: str) -> str:
    return str(remake()[path])


def listing_of(files: dict[str, StoredText]) -> dict[str, tuple[str, bytes]]:
    """Where stored_files keeps each of its texts: for listed_files to give them again."""
    return {name: (text.entry, text.digest) for name, text in files.items()}


class EntryLost(Exception):
    """A text kept in the cache was needed and could not be read, nor made anew."""


def entry_lost():
    raise EntryLost


def group_texts(remake, listing: dict, group: str) -> dict[str, bytes]:
    """The texts of one group of stored_files, made anew (encoded, as the group keeps them)."""
    files = remake()
    return {name: str(files[name]).encode("utf-8") for name, (in_group, _) in listing.items() if in_group == group}


def texts_of(remake, plan: dict, entry: str) -> dict[str, str]:
    """The texts of the files a plan takes from one entry, made anew."""
    files = remake()
    return {
        source[1]: str(files[path]) for path, source in plan.items() if isinstance(source, tuple) and source[0] == entry
    }


class StoredText:
    """A page or file from the cache, its text read when it is needed and not held: a build that
    finds the file already written from the same entry never reads it. An entry holds one text,
    whose digest is the entry's key, or texts by name, each with its digest (see stored_files)."""

    __slots__ = ("entry", "name", "_read", "_digest")

    def __init__(self, entry: str, name: str | None, read, digest: bytes | None = None) -> None:
        self.entry, self.name, self._read, self._digest = entry, name, read, digest

    @property
    def digest(self) -> bytes:
        return self._digest or bytes.fromhex(self.entry)[:16]

    def __str__(self) -> str:
        return self._read()


def content_digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def text_digest(text: str | StoredText) -> bytes:
    return text.digest if isinstance(text, StoredText) else content_digest(text.encode("utf-8"))
