"""The `policy-review` command: opens the app, or runs one of the store's commands.

Kept free of textual at import time: only opening the app imports it, so `search`,
`import` and the others start fast. Every error, a usage error too, is printed as one line
("policy-review: error: …") with exit status 1; an interrupted command exits with 130.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from store.errors import PolicyReviewError
from store.untrusted import one_line, visible
from tui.exit_status import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK


class UsageError(Exception):
    """The command line itself is wrong: an unknown command or option, a missing argument."""


class Parser(argparse.ArgumentParser):
    """argparse with the project's conventions: a usage error is one line and exit status 1
    like every other error, and a word that starts with '-' is a word (`search -公积金`,
    `tag 5 --add -neg`) unless it is one of the command's own short options."""

    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")

    def _parse_optional(self, arg_string: str):
        if arg_string[:1] == "-" and arg_string[1:2] != "-" and arg_string[:2] not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)


def _plain_number(text: str) -> int:
    """Plain ASCII digits only: int() would also read '5_0' as 50, ' 5' and '٥' as 5."""
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"not a number: {visible(text)!r}")
    return int(text)


def row_id(text: str) -> int:
    """A clause or annotation id: a positive number SQLite can hold."""
    value = _plain_number(text)
    if not 0 < value < 1 << 63:
        raise argparse.ArgumentTypeError(f"no such id: {text}")
    return value


def _year(text: str) -> int:
    value = _plain_number(text)
    if not 1900 <= value <= 2200:
        raise argparse.ArgumentTypeError(f"not a year: {text}")
    return value


def count_limit(text: str) -> int:
    value = _plain_number(text)
    if not value < 1 << 62:
        raise argparse.ArgumentTypeError("0 (all) or a positive number")
    return value


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("policy-review")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown version"


class _VersionAction(argparse.Action):
    """--version, looked up only when asked: importlib.metadata (email, zipfile, csv) would
    otherwise load with every command and with the app."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"policy-review {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    db_help = "database file (default: $POLICY_REVIEW_DB, else policy-review.db in the user data folder)"
    # Sub-commands take --db too, without a default that would hide `policy-review --db X cmd`.
    db_parent = Parser(add_help=False)
    db_parent.add_argument("--db", metavar="PATH", type=Path, default=argparse.SUPPRESS, help=db_help)
    parser = Parser(
        prog="policy-review",
        description="Review Chinese government policy documents: import, browse, filter, annotate, export.",
        epilog="Without a command, opens the app. `policy-review COMMAND --help` tells more.",
    )
    parser.add_argument("--db", metavar="PATH", type=Path, default=None, help=db_help)
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[db_parent], help="import files and folders of policy documents")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="text files, or folders searched recursively for .txt/.md")
    p.add_argument("--province", help="the province (or city) of these documents, overriding what the text says")
    p.add_argument("--max-size", type=float, default=20, metavar="MB", help="refuse files larger than this (default 20 MB)")
    p.add_argument("--no-keywords", action="store_true", help="skip keyword extraction (run `policy-review keywords` later)")
    p.add_argument("--json", action="store_true", help="print one JSON object with every file's result")
    p.add_argument("--yes", action="store_true",
                   help="import a folder of more than 40 files without asking (the count is shown first otherwise)")

    p = sub.add_parser("remove", parents=[db_parent],
                       help="remove an imported file's documents (their annotations are kept as orphans)")
    p.add_argument("what", metavar="DOCUMENT_OR_SOURCE",
                   help="the imported file's path, a document id (`show --json` gives it) or words of its title")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = sub.add_parser("outline", help="parse a file without storing it and print its documents and headings")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print exactly one JSON object")
    p.add_argument("--explain", action="store_true",
                   help="also say, for each line treated specially, what it became and why")
    p.add_argument("--province", help="the province (or city), overriding what the text says")

    p = sub.add_parser("stats", parents=[db_parent], help="what the database holds")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", parents=[db_parent], help="one clause with its citation and annotations")
    p.add_argument("clause_id", type=row_id, metavar="CLAUSE_ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("search", parents=[db_parent], help="find clauses by keyword (see README for the query language)")
    p.add_argument("query", nargs="+", metavar="QUERY", help="one or more words; they are joined with spaces")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--limit", type=count_limit, default=100, metavar="N",
                   help="at most N results (default 100; 0 for all)")
    p.add_argument("--rank", action="store_true", help="order by relevance (bm25) instead of reading order")
    p.add_argument("--full", action="store_true", help="print the whole clause, not the part around the match")

    p = sub.add_parser("keywords", parents=[db_parent],
                       help="extract keywords (jieba TF-IDF) for clauses without them, and index for `similar` "
                            "the clauses of a database made before its index")

    p = sub.add_parser("similar", parents=[db_parent],
                       help="the clauses of other provinces most like a clause, best first")
    p.add_argument("clause_id", type=row_id, metavar="CLAUSE_ID")
    p.add_argument("--limit", type=count_limit, default=10, metavar="N", help="at most N clauses (default 10)")
    p.add_argument("--all-documents", action="store_true",
                   help="look in every other document, the clause's own province's too")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("grid", parents=[db_parent],
                       help="coverage: how many clauses of each province match each topic")
    p.add_argument("--topic", action="append", default=[], metavar="NAME_OR_QUERY",
                   help="a saved query's name, a tag or a query (repeatable; default: every saved query and tag)")
    p.add_argument("--documents", action="store_true", help="a row for each document under its province")
    p.add_argument("--markdown", action="store_true", help="print the grid as a Markdown table")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("queries", parents=[db_parent], help="saved queries: named filters, the topics of the grid")
    query_sub = p.add_subparsers(dest="queries_command", metavar="ACTION")
    q = query_sub.add_parser("list", parents=[db_parent], help="the saved queries")
    q.add_argument("--json", action="store_true")
    q = query_sub.add_parser("save", parents=[db_parent], help="keep a query under a name (replaces that name's)")
    q.add_argument("name")
    q.add_argument("query", nargs="+", metavar="QUERY", help="the query; its words are joined with spaces")
    q = query_sub.add_parser("delete", parents=[db_parent], help="forget a saved query")
    q.add_argument("name")

    p = sub.add_parser("tag", parents=[db_parent], help="add or remove tags on clauses")
    p.add_argument("clause_ids", nargs="+", type=row_id, metavar="CLAUSE_ID")
    p.add_argument("--add", action="append", default=[], metavar="TAG")
    p.add_argument("--remove", action="append", default=[], metavar="TAG")

    p = sub.add_parser("note", parents=[db_parent], help="set the note of a clause ('' clears it)")
    p.add_argument("clause_id", type=row_id, metavar="CLAUSE_ID")
    p.add_argument("text", metavar="TEXT")

    p = sub.add_parser("status", parents=[db_parent], help="set the review status of clauses")
    p.add_argument("clause_ids", nargs="+", type=row_id, metavar="CLAUSE_ID")
    p.add_argument("status", metavar="STATUS", help="unreviewed, reviewed, flagged or adopted")

    p = sub.add_parser("undo", parents=[db_parent], help="undo your last annotation change")

    p = sub.add_parser("tags", parents=[db_parent], help="list, rename, merge, color or delete tags")
    tag_sub = p.add_subparsers(dest="tags_command", metavar="ACTION")
    tag_sub.add_parser("list", parents=[db_parent], help="tags with their number of clauses")
    q = tag_sub.add_parser("rename", parents=[db_parent], help="rename a tag everywhere (merges into an existing one)")
    q.add_argument("old")
    q.add_argument("new")
    q = tag_sub.add_parser("delete", parents=[db_parent], help="remove a tag from every clause")
    q.add_argument("name")
    q.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    q = tag_sub.add_parser("color", parents=[db_parent], help="set a tag's color (a name like red or #ff8800; '' clears)")
    q.add_argument("name")
    q.add_argument("color")

    p = sub.add_parser("annotations", parents=[db_parent], help="list, exchange and repair annotations")
    ann_sub = p.add_subparsers(dest="annotations_command", metavar="ACTION")
    q = ann_sub.add_parser("list", parents=[db_parent], help="every annotated clause")
    q.add_argument("--json", action="store_true")
    q = ann_sub.add_parser("export", parents=[db_parent], help="write annotations as JSON Lines for another reviewer")
    q.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.jsonl")
    q.add_argument("--force", action="store_true", help="overwrite an existing file")
    q = ann_sub.add_parser("import", parents=[db_parent], help="merge annotations exported from another database")
    q.add_argument("file", type=Path, metavar="FILE.jsonl")
    q = ann_sub.add_parser("orphans", parents=[db_parent], help="annotations whose clause is gone after a re-import")
    q.add_argument("--json", action="store_true")
    q = ann_sub.add_parser("attach", parents=[db_parent], help="re-attach an orphaned annotation to a clause")
    q.add_argument("annotation_id", type=row_id)
    q.add_argument("clause_id", type=row_id)

    p = sub.add_parser("agencies", parents=[db_parent],
                       help="agencies with their number of clauses as lead and as partner, per province")
    p.add_argument("--province", metavar="P", help="only this province (or its short name: 辽宁)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("targets", parents=[db_parent], help="quantitative targets and time limits, with their deadlines")
    p.add_argument("--province", metavar="P", help="only this province (or its short name: 吉林)")
    p.add_argument("--due", type=_year, metavar="YEAR", help="only those due in this year")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("validity", parents=[db_parent],
                       help="set whether a document or a clause is in force (现行有效, 已修改, 已废止, 失效, 尚未生效)")
    p.add_argument("what", metavar="DOC_OR_CLAUSE", help="a clause id, or doc:ID for a document (`show --json` gives both)")
    p.add_argument("status", metavar="STATUS",
                   help="现行有效, 已修改, 已废止, 失效, 尚未生效 (or in-force, amended, repealed, expired, pending); "
                        "'clear' goes back to what the site or the document says")
    p.add_argument("--reason", default="", metavar="TEXT", help="why, e.g. 被新办法取代")
    p.add_argument("--reference", default="", metavar="TEXT", help="what replaces it, e.g. 〔2021〕21号 第十二条")

    p = sub.add_parser("export", parents=[db_parent], help="write a Markdown briefing note of clauses")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.md")
    p.add_argument("--selection", action="store_true", help="the clauses selected in the app")
    p.add_argument("--query", "-q", metavar="Q", help="clauses matching a search query")
    p.add_argument("--tag", action="append", default=[], metavar="T", help="clauses with this tag (repeatable)")
    p.add_argument("--status", metavar="S", help="clauses with this review status")
    p.add_argument("--group-by", choices=["province", "document", "tag", "counterparts"], default="province",
                   help="counterparts: comparison tables of the clauses and their counterparts (docs/export.md)")
    p.add_argument("--counterparts", type=count_limit, default=0, metavar="N",
                   help="with --group-by counterparts: add each clause's N best counterparts")
    p.add_argument("--grid", action="append", default=[], metavar="TOPIC",
                   help="put a coverage grid of these topics in the note (repeatable)")
    p.add_argument("--title", metavar="TITLE", help="title of the note")
    p.add_argument("--template", type=Path, metavar="FILE", help="a template file for a house format (see docs/export.md)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--targets", action="store_true", help="add a table of the exported clauses' targets and deadlines")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return _dispatch(parser, args)
    except PolicyReviewError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except sqlite3.Error as exc:  # a read-only file, a full disk, a lock held too long
        from store.db import describe

        _error(f"the database refused: {describe(exc)}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _error("interrupted; nothing half-written was kept")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `policy-review search 税 | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _error(message: str) -> None:
    print(f"policy-review: error: {one_line(message)}", file=sys.stderr)


def _dispatch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from tui import commands

    if args.command is None:
        return commands.open_app(args)
    if args.command == "tags" and not args.tags_command:
        args.tags_command = "list"
    if args.command == "queries" and not args.queries_command:
        args.queries_command = "list"
        args.json = False
    if args.command == "annotations" and not args.annotations_command:
        args.annotations_command = "list"
        args.json = False
    handler = getattr(commands, f"cmd_{args.command}")
    return handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
