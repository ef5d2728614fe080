"""The SQLite store: where it lives, its schema and migrations, connections and transactions.

The schema is documented for outside tools in docs/schema.md. Connections are opened in WAL
mode with a busy timeout, so the app and command-line tools can work on the same database at
once; every write goes through `Store.transaction()` (BEGIN IMMEDIATE … COMMIT), so a failure
leaves the database as it was.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
import unicodedata
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from store import regions
from store.errors import PolicyReviewError

SCHEMA_VERSION = 5
INDEX_SCHEME = "chars-v2"
"""How clause text becomes index tokens (store.normalize). Part of the index version: when it,
OpenCC or Python's Unicode tables change, the index is rebuilt, because rows of a contentless
FTS5 table can only be deleted with exactly the tokens they were inserted with."""

TOKENIZER = "unicode61 remove_diacritics 0 categories 'L* N* P* S* M* Co Cn'"
"""One token per character: every character that store.normalize.fold keeps is a token
character, and the index is filled with the folded text spaced per character."""

DOCUMENT_SHIFT = 24
PROVINCE_SHIFT = 56
MAX_CLAUSES_PER_DOCUMENT = (1 << DOCUMENT_SHIFT) - 1

STATUSES = ("unreviewed", "reviewed", "flagged", "adopted")

_SCHEMA_V1 = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE provinces (
    name TEXT PRIMARY KEY,
    short_name TEXT NOT NULL,
    rank INTEGER NOT NULL
);
CREATE TABLE regions (
    province TEXT NOT NULL REFERENCES provinces(name),
    name TEXT NOT NULL,
    PRIMARY KEY (province, name)
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_path TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    encoding TEXT NOT NULL,
    part INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('notice', 'main', 'attachment')),
    label TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    doc_number TEXT,
    issuer TEXT,
    date TEXT,
    recipients TEXT,
    cc TEXT,
    disclosure TEXT,
    province TEXT NOT NULL REFERENCES provinces(name),
    region TEXT,
    identity TEXT NOT NULL,
    clause_count INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL
);
CREATE INDEX documents_source ON documents(source_path);
CREATE INDEX documents_sha256 ON documents(source_sha256);
CREATE INDEX documents_place ON documents(province, region);
CREATE INDEX documents_identity ON documents(identity);
CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
    depth INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    label TEXT NOT NULL,
    title TEXT NOT NULL,
    path TEXT NOT NULL,
    first_clause INTEGER NOT NULL,
    last_clause INTEGER NOT NULL,
    line INTEGER
);
CREATE INDEX sections_document ON sections(document_id, ordinal);
CREATE TABLE clauses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    section_id INTEGER REFERENCES sections(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    sort_key INTEGER NOT NULL UNIQUE,
    label TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    path TEXT NOT NULL,
    key TEXT NOT NULL,
    line INTEGER
);
CREATE INDEX clauses_document ON clauses(document_id, ordinal);
CREATE INDEX clauses_section ON clauses(section_id);
CREATE INDEX clauses_key ON clauses(key);
CREATE VIRTUAL TABLE clause_index USING fts5(
    title, text, title_alt, text_alt, content='', tokenize="{TOKENIZER}"
);
CREATE TABLE clause_keywords (
    clause_id INTEGER PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE,
    keywords TEXT NOT NULL
);
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clause_id INTEGER UNIQUE REFERENCES clauses(id) ON DELETE SET NULL,
    key TEXT NOT NULL,
    document_identity TEXT NOT NULL,
    document_title TEXT NOT NULL,
    path TEXT NOT NULL,
    text_snapshot TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'unreviewed'
        CHECK (status IN ('unreviewed', 'reviewed', 'flagged', 'adopted')),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX annotations_key ON annotations(key);
CREATE INDEX annotations_identity ON annotations(document_identity);
CREATE INDEX annotations_status ON annotations(status);
CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    color TEXT
);
CREATE TABLE annotation_tags (
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (annotation_id, tag_id)
);
CREATE INDEX annotation_tags_tag ON annotation_tags(tag_id);
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    annotation_id INTEGER NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    before TEXT,
    after TEXT,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'edit',
    batch INTEGER NOT NULL
);
CREATE INDEX history_annotation ON history(annotation_id, id);
CREATE TABLE selection (
    clause_id INTEGER PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE
);
CREATE TABLE app_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

_SCHEMA_V2 = """
ALTER TABLE documents ADD COLUMN format TEXT NOT NULL DEFAULT 'text';
ALTER TABLE documents ADD COLUMN reader TEXT NOT NULL DEFAULT 'text';
ALTER TABLE documents ADD COLUMN source_url TEXT;
ALTER TABLE documents ADD COLUMN untitled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN validity TEXT;
ALTER TABLE documents ADD COLUMN page_labels TEXT;
ALTER TABLE clauses ADD COLUMN page_first INTEGER;
ALTER TABLE clauses ADD COLUMN page_last INTEGER;
ALTER TABLE clauses ADD COLUMN rows TEXT;
"""
"""Version 2: where a document came from (its format, the reader and its version, the page's
address), whether its title is only its opening words, its validity as its site states it,
and for a PDF the numbers printed on its pages; a clause's pages and a table's rows."""

_SCHEMA_V3 = """
ALTER TABLE clauses ADD COLUMN keywords TEXT;
UPDATE clauses SET keywords = (
    SELECT coalesce(group_concat(json_extract(w.value, '$[0]'), ' '), '')
    FROM clause_keywords k, json_each(k.keywords) w WHERE k.clause_id = clauses.id
) WHERE id IN (SELECT clause_id FROM clause_keywords);
DROP TABLE clause_keywords;
CREATE INDEX clauses_without_keywords ON clauses(id) WHERE keywords IS NULL;
DROP INDEX IF EXISTS clauses_key;
"""
"""Version 3, for a million clauses: a clause's keywords are a column of its row, the words
alone (best first, separated by spaces: about 60 bytes a clause, where a table of JSON
words and weights took 175), NULL until extracted, and the clauses without them are found
in a small partial index; the index on clause keys goes (67 MB at a million clauses, and no
query used it: clauses are found again by document, store.annotations.match_clauses)."""

_SCHEMA_V4 = """
CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    folded TEXT NOT NULL
);
CREATE TABLE clause_agencies (
    clause_id INTEGER NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'partner')),
    sort_key INTEGER NOT NULL,
    written TEXT NOT NULL,
    PRIMARY KEY (clause_id, agency_id, role)
) WITHOUT ROWID;
CREATE INDEX clause_agencies_agency ON clause_agencies(agency_id, role, sort_key);
CREATE TABLE agency_totals (
    agency_id INTEGER NOT NULL,
    province_rank INTEGER NOT NULL,
    lead INTEGER NOT NULL,
    partner INTEGER NOT NULL,
    PRIMARY KEY (agency_id, province_rank)
) WITHOUT ROWID;
CREATE TRIGGER clause_agencies_added AFTER INSERT ON clause_agencies BEGIN
    INSERT INTO agency_totals (agency_id, province_rank, lead, partner)
    VALUES (new.agency_id, new.sort_key >> 56, new.role = 'lead', new.role = 'partner')
    ON CONFLICT (agency_id, province_rank) DO UPDATE
    SET lead = lead + (new.role = 'lead'), partner = partner + (new.role = 'partner');
END;
CREATE TRIGGER clause_agencies_removed AFTER DELETE ON clause_agencies BEGIN
    UPDATE agency_totals SET lead = lead - (old.role = 'lead'), partner = partner - (old.role = 'partner')
    WHERE agency_id = old.agency_id AND province_rank = old.sort_key >> 56;
END;
CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    clause_id INTEGER NOT NULL REFERENCES clauses(id) ON DELETE CASCADE,
    sort_key INTEGER NOT NULL,
    subject TEXT NOT NULL,
    value REAL,
    value_text TEXT NOT NULL,
    unit TEXT NOT NULL,
    direction TEXT,
    deadline TEXT,
    due_year INTEGER,
    deadline_text TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end INTEGER NOT NULL
);
CREATE INDEX targets_clause ON targets(clause_id);
CREATE INDEX targets_due ON targets(due_year, sort_key);
ALTER TABLE documents ADD COLUMN validity_status TEXT;
CREATE TABLE document_validity (
    identity TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    reference TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE validity_history (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL,
    before TEXT,
    after TEXT,
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'edit',
    undone INTEGER NOT NULL DEFAULT 0,
    after_history INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX validity_history_identity ON validity_history(identity, id);
ALTER TABLE annotations ADD COLUMN validity TEXT;
ALTER TABLE annotations ADD COLUMN validity_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE annotations ADD COLUMN validity_reference TEXT NOT NULL DEFAULT '';
"""
"""Version 4: who does what by when (store/analysis): the agencies each clause names as lead
or partner (under their full names, so that 省财政厅 of Liaoning and of Jilin stay apart), its
targets and deadlines, a document's validity as its site states it (normalised) or as a
reviewer set it (kept by document identity across re-imports, with its history), and a
clause's own validity on its annotation."""

_SCHEMA_V5 = f"""
CREATE VIRTUAL TABLE similar_index USING fts5(terms, content='', detail=none, tokenize="{TOKENIZER}");
CREATE VIRTUAL TABLE similar_terms USING fts5vocab(similar_index, 'row');
CREATE TABLE similar_rows (
    clause_id INTEGER PRIMARY KEY REFERENCES clauses(id) ON DELETE CASCADE
);
INSERT INTO similar_index (similar_index, rank) VALUES ('pgsz', 16000);
INSERT INTO similar_index (similar_index, rank) VALUES ('automerge', 16);
CREATE TABLE saved_queries (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    query TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""
"""Version 5: the similarity index (each clause's character bigrams, store/similar.py, filled
with each imported file; similar_rows lists the clauses it holds) and saved queries (named
filters, the topics of the coverage grid)."""


RESERVED_3 = (3, 4)
"""Versions a database may have without version 3's change: for a while version 3 was
reserved and empty, so a database made then (at 3 or 4) still has the keywords table and
gets version 3's change when it is next opened."""

MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2, 3: _SCHEMA_V3, 4: _SCHEMA_V4, 5: _SCHEMA_V5}
"""Schema version → the SQL that brings the previous version to it. Ids of documents,
sections, clauses and annotations are AUTOINCREMENT: never reused, since reviewers note them
(`policy-review show 274`) and a re-import must not give an old id to another clause."""


class DatabaseError(PolicyReviewError):
    """A database that cannot be opened or is newer than this program."""


def default_db_path() -> Path:
    """$POLICY_REVIEW_DB, else policy-review.db in the platform's user data directory."""
    env = os.environ.get("POLICY_REVIEW_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("policy-review", appauthor=False) / "policy-review.db"


@lru_cache(maxsize=1)
def index_version() -> str:
    return f"{INDEX_SCHEME}/opencc-{_installed_version('opencc')}/unicode-{unicodedata.unidata_version}"


def _installed_version(package: str) -> str:
    """A package's installed version, from the name of its .dist-info folder: every open
    asks (index_version), and importlib.metadata costs the app's start 18 ms of imports
    (email, zipfile, csv). importlib.metadata where the folder is not found."""
    prefix = package.lower() + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            version = name[len(prefix):-len(".dist-info")]
            if name.lower().startswith(prefix) and name.endswith(".dist-info") and version[:1].isdigit():
                return version
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # pragma: no cover - a broken install
        return "?"


def sort_key(province: str, document_id: int, ordinal: int) -> int:
    """Global reading order (province, document, clause) in one integer: the clauses' FTS
    rowid, so that matches come out of the index already in reading order."""
    return (regions.province_rank(province) << PROVINCE_SHIFT) | (document_id << DOCUMENT_SHIFT) | ordinal


def document_key_range(province: str, document_id: int) -> tuple[int, int]:
    low = sort_key(province, document_id, 0)
    return low, low | MAX_CLAUSES_PER_DOCUMENT


def province_key_range(province: str) -> tuple[int, int]:
    rank = regions.province_rank(province)
    return rank << PROVINCE_SHIFT, ((rank + 1) << PROVINCE_SHIFT) - 1


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Store:
    """One connection to a policy-review database. Not shared between threads: each worker
    thread opens its own (SQLite in WAL mode lets them read while one writes).

    A file that is an SQLite database of some other program is refused before anything is
    written to it (no WAL switch, no -wal/-shm files). A database this user cannot write (the
    file or its folder) is opened read-only: everything can be read, and every write raises a
    DatabaseError that says why it cannot be saved (`read_only` tells beforehand)."""

    def __init__(self, path: Path | str, create: bool = True, read_only: bool | None = None) -> None:
        self.path = Path(path)
        memory = str(path) == ":memory:"
        if not memory:
            if not self.path.exists():
                if not create:
                    raise DatabaseError(f"{self.path}: no such database")
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(f"{self.path.parent}: cannot create folder ({exc.strerror})") from None
            elif self.path.is_dir():
                raise DatabaseError(f"{self.path}: is a folder, not a database file")
        self.read_only_reason = None if memory else _why_read_only(self.path) if read_only is None else (
            "opened read-only" if read_only else None)
        try:
            self.conn = self._connect(str(path))
            self.conn.execute("PRAGMA busy_timeout = 30000")
            version = self._check_version()  # reads only: a foreign file is left as it was
            if self.read_only:
                if version == 0:
                    raise DatabaseError(f"{self.path}: an empty database that cannot be written "
                                        f"({self.read_only_reason})")
            else:
                # Larger pages for a new file (ignored once the file exists): 16 KB pages build a
                # million-clause index about a quarter faster (bench/README.md).
                self.conn.execute("PRAGMA page_size = 16384")
                _retry_busy(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                _retry_busy(self._migrate)
                self._check_index()
        except sqlite3.OperationalError as exc:
            self._close_quietly()
            raise DatabaseError(f"{self.path}: cannot open the database ({exc})") from None
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise DatabaseError(f"{self.path}: not a policy-review database ({exc})") from None
        except BaseException:
            self._close_quietly()
            raise

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    def _connect(self, path: str) -> sqlite3.Connection:
        if not self.read_only:
            return sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        uri = "file:" + urllib.parse.quote(str(self.path.absolute()))
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            # A WAL database in a folder we cannot write: SQLite cannot make its -shm file, and
            # no one else can be writing it without one.
            conn.close()
            return sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None, check_same_thread=False)

    def _close_quietly(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()

    @property
    def db(self):
        """The same connection as a sqlite_utils.Database, for table-level conveniences.
        Imported on first use: sqlite-utils pulls in click and pluggy (about 140 ms)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    # -- lifecycle

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (KeyboardInterrupt too).
        SQLite ends the transaction itself on some errors (a full disk): then there is nothing
        to roll back, and the original error is the one raised."""
        if self.read_only:
            raise DatabaseError(f"cannot save: {self.path} is read-only ({self.read_only_reason})")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                try:
                    self.conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            raise

    # -- schema

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        if self._check_version() == SCHEMA_VERSION:
            return
        with self.transaction() as conn:
            # Read again under the write lock: another process may have just created it.
            version = self._check_version()
            if version == SCHEMA_VERSION:
                return
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _statements(MIGRATIONS[target]):
                    conn.execute(statement)
            if version in RESERVED_3 and "keywords" not in {row[1] for row in conn.execute("PRAGMA table_info(clauses)")}:
                for statement in _statements(MIGRATIONS[3]):
                    conn.execute(statement)
            if 0 < version < 4 <= SCHEMA_VERSION:
                from store import analysis  # documents imported before version 4 are analysed now

                analysis.analyse_all(conn)
            if version == 0:
                self._seed_places(conn)
                # FTS5 leaves of about a page, merged 16 segments at a time: fewer merges while
                # importing, the same queries.
                conn.execute("INSERT INTO clause_index (clause_index, rank) VALUES ('pgsz', 16000)")
                conn.execute("INSERT INTO clause_index (clause_index, rank) VALUES ('automerge', 16)")
                conn.execute("INSERT INTO meta VALUES ('index_version', ?)", (index_version(),))
                conn.execute("INSERT INTO meta VALUES ('created_at', ?)", (now(),))
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check_version(self) -> int:
        """The schema version, after making sure the file is one of ours (by reading only)."""
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"{self.path}: made by a newer policy-review (schema {version}, this one knows {SCHEMA_VERSION})"
            )
        tables = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        ours = version > 0 and {"meta", "documents", "clauses", "annotations"} <= tables
        if (version == 0 and tables) or version < 0 or (version > 0 and not ours):
            raise DatabaseError(f"{self.path}: an SQLite database, but not one of policy-review")
        return version

    def _check_index(self) -> None:
        """Rebuild the search index if it was made with another tokenisation (a new OpenCC
        or Python Unicode version): its rows could not be deleted correctly otherwise. The
        similarity index likewise is emptied, to be filled again after (store.similar.fill)."""
        from store import index, similar

        for key, current, rebuild in (("index_version", index_version(), index.rebuild),
                                      ("similar_version", similar.version(), similar.rebuild)):
            if self.get_meta(key) == current:
                continue
            with self.transaction() as conn:
                if self.get_meta(key) != current:  # another process may have done it
                    rebuild(conn)
                    self.set_meta(conn, key, current)

    @staticmethod
    def _seed_places(conn: sqlite3.Connection) -> None:
        names = [regions.NATIONAL, *regions.PROVINCES, regions.UNKNOWN]
        conn.executemany(
            "INSERT INTO provinces (name, short_name, rank) VALUES (?, ?, ?)",
            [(name, regions.short_name(name), regions.province_rank(name)) for name in names],
        )
        conn.executemany(
            "INSERT INTO regions (province, name) VALUES (?, ?)",
            [(p, r) for p in regions.PROVINCES for r in regions.regions_of(p)],
        )

    # -- small helpers used across store/

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                     (key, value))

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        """Remember something of the app (position, theme). Not the user's data: in a
        read-only database it is simply not remembered."""
        if self.read_only:
            return
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _why_read_only(path: Path) -> str | None:
    """Why this user cannot write the database, or None when they can: SQLite needs to write
    the file, and its folder for the -wal and -shm files."""
    if not path.exists():
        return None
    folder = path.parent if str(path.parent) else Path(".")
    if not os.access(path, os.W_OK):
        return "the file is not writable"
    if not os.access(folder, os.W_OK):
        return "its folder is not writable"
    return None


def describe(exc: sqlite3.Error) -> str:
    """An SQLite error as a user reads it: 'disk full' rather than 'database or disk is full'."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return "disk full"
    if name.startswith("SQLITE_READONLY"):
        return f"the database is read-only ({exc})"
    return str(exc)


def _retry_busy(action, attempts: int = 50):
    """Run an action that SQLite may refuse with "database is locked" without waiting for the
    busy timeout (switching to WAL, or two processes creating the same new database)."""
    for attempt in range(attempts):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05 + 0.01 * attempt)


def _statements(script: str) -> list[str]:
    """Split a migration into statements, so that it runs inside our own transaction
    (executescript would commit first)."""
    statements, current = [], []
    for line in script.splitlines():
        current.append(line)
        candidate = "\n".join(current).strip()
        if candidate and sqlite3.complete_statement(candidate):
            statements.append(candidate)
            current = []
    return statements
