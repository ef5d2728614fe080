"""The command palette (ctrl+p): jump to a province, document or clause by its title, and
the screen's actions. Titles are shown as Content built from plain text (Textual's
Matcher.highlight would parse them as markup); a jump the filter would hide clears or
widens the filter (the main screen says so)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from store import browse, regions, topics
from store import search as search_store
from store.errors import QueryError
from store.untrusted import visible
from tui.render import plain

ACTIONS = [
    ("Import a file or folder…", "import documents into the database", "import"),
    ("Remove the document's file…", "remove the focused document and the others of its file", "remove"),
    ("Export a briefing note…", "the selection, else what the filter shows", "export"),
    ("Copy the citation or the text…", "of the focused clause, to the clipboard", "copy"),
    ("Open the source file", "at the focused clause's line, in $PAGER or $EDITOR", "open_source"),
    ("Tags…", "list, rename, merge, color or delete tags", "tags_view"),
    ("Similar clauses…", "the clauses of other provinces most like the focused one", "view('similar')"),
    ("Coverage grid…", "clauses on each saved query and tag, province by province", "view('grid')"),
    ("Orphaned annotations…", "annotations whose clause is gone after a re-import", "orphans"),
    ("Agencies…", "who leads and who works with each measure, per province", "view('agencies')"),
    ("Targets and deadlines…", "the numbers promised and by when, sortable, by year", "view('targets')"),
    ("Filter…", "filter clauses by keyword", "filter"),
    ("Clear the selection", "unselect every clause", "clear_selection"),
    ("Hide places without matches", "toggle while a filter is active", "hide_empty"),
    ("Help", "keys and the filter language", "help"),
]


def _save_filter(main) -> None:
    from tui.grid_screen import ask_to_save_filter  # the grid's module, loaded when first wanted

    ask_to_save_filter(main)


FLOWS = [
    ("Save the filter as a query…", "name the filter and keep it (a topic of the coverage grid)", _save_filter),
]
"""Palette entries that start a flow of their own rather than a key's action."""


def _help(text: str) -> str:
    """Textual parses a hit's help text as markup, and escape() does not cover every case
    ("条款[/"): brackets from a document are shown as full-width brackets instead."""
    return visible(text).replace("[", "［").replace("]", "］")


def _one_line(text: str) -> str:
    return " ".join(text.split())


class PolicyReviewCommands(Provider):
    async def discover(self) -> Hits:
        for name, help_text, action in ACTIONS:
            yield DiscoveryHit(plain(name), partial(self.screen.run_action, action), text=name, help=help_text)
        for name, help_text, flow in FLOWS:
            yield DiscoveryHit(plain(name), partial(flow, self.screen), text=name, help=help_text)
        for saved in topics.saved_queries(self.screen.store.conn):
            label = _one_line(f"filter: {saved.name}")
            yield DiscoveryHit(plain(label), partial(self.screen.apply_filter, saved.query), text=label,
                               help=_help(saved.query))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = self.screen
        for name, help_text, action in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, plain(name), partial(screen.run_action, action), text=name, help=help_text)
        for name, help_text, flow in FLOWS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, plain(name), partial(flow, screen), text=name, help=help_text)
        conn = screen.store.conn
        for saved in topics.saved_queries(conn):
            label = _one_line(f"filter: {saved.name}")
            score = max(matcher.match(label), matcher.match(saved.query))
            if score > 0:
                yield Hit(score, plain(label), partial(screen.apply_filter, saved.query), text=label,
                          help=_help(saved.query))
        for place in browse.places(conn):
            name = place.region or place.province
            score = max(matcher.match(name), matcher.match(regions.short_name(place.province)) if not place.region else 0)
            if score > 0:
                yield Hit(score, plain(f"go to {name}"), partial(screen.go_to_place, place.province, place.region),
                          text=f"go to {name}", help=f"{place.documents} documents")
        for document in browse.documents(conn):
            title = _one_line(browse.cited_name(conn, document))
            score = matcher.match(title)
            if score > 0:
                yield Hit(score * 0.9, plain(f"open {title}"), partial(screen.go_to_document, document.id),
                          text=title, help=_help(" · ".join(x for x in (document.province, document.doc_number,
                                                                        document.date) if x)))
        if len(query.strip()) >= 2:
            try:
                result = search_store.search(conn, '"' + query.strip().replace('"', '""') + '"', limit=15)
            except QueryError:
                return
            for hit in result.hits:
                label = _one_line(f"{browse.display_path(hit.path)} {hit.title or hit.text[:30]}")
                document = browse.document(conn, hit.document_id)
                cited = browse.cited_name(conn, document) if document else f"《{hit.document}》"
                yield Hit(0.5, plain(f"clause {label}"), partial(screen.go_to_clause, hit.sort_key),
                          text=label, help=_help(_one_line(cited)))
