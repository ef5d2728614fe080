"""The command palette (ctrl+p): jump to a province, document or clause by its title, and
the app's actions. Titles are shown as Content built from plain text (Textual's
Matcher.highlight would parse them as markup)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from store import browse, regions
from store import search as search_store
from store.errors import QueryError
from tui.render import plain

ACTIONS = [
    ("Import a file or folder…", "import documents into the database", "import"),
    ("Export a briefing note…", "the selection, else what the filter shows", "export"),
    ("Tags…", "list, rename, merge, color or delete tags", "tags_view"),
    ("Orphaned annotations…", "annotations whose clause is gone after a re-import", "orphans"),
    ("Filter…", "filter clauses by keyword", "filter"),
    ("Clear the selection", "unselect every clause", "clear_selection"),
    ("Hide places without matches", "toggle while a filter is active", "hide_empty"),
    ("Help", "keys and the filter language", "help"),
]


def _help(text: str) -> str:
    """Textual parses a hit's help text as markup, and escape() does not cover every case
    ("条款[/"): brackets from a document are shown as full-width brackets instead."""
    return text.replace("[", "［").replace("]", "］")


class PolicyReviewCommands(Provider):
    async def discover(self) -> Hits:
        for name, help_text, action in ACTIONS:
            yield DiscoveryHit(plain(name), partial(self.app.run_action, action), text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        for name, help_text, action in ACTIONS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, plain(name), partial(app.run_action, action), text=name, help=help_text)
        conn = app.store.conn
        for place in browse.places(conn):
            name = place.region or place.province
            score = max(matcher.match(name), matcher.match(regions.short_name(place.province)) if not place.region else 0)
            if score > 0:
                yield Hit(score, plain(f"go to {name}"), partial(app.go_to_place, place.province, place.region),
                          text=f"go to {name}", help=f"{place.documents} documents")
        for document in browse.documents(conn):
            title = document.display_title
            score = matcher.match(title)
            if score > 0:
                yield Hit(score * 0.9, plain(f"open 《{title}》"), partial(app.go_to_document, document.id),
                          text=title, help=_help(" · ".join(x for x in (document.province, document.doc_number,
                                                                        document.date) if x)))
        if len(query.strip()) >= 2:
            try:
                result = search_store.search(conn, '"' + query.strip().replace('"', '""') + '"', limit=15)
            except QueryError:
                return
            for hit in result.hits:
                label = f"{browse.display_path(hit.path)} {hit.title or hit.text[:30]}"
                yield Hit(0.5, plain(f"clause {label}"), partial(app.go_to_clause, hit.sort_key),
                          text=label, help=_help(f"《{hit.document}》"))
