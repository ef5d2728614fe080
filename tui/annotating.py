"""What the annotation keys do: select (space, v, V), tag (t), note (a), status (s), undo
(u). Each asks what it needs (a dialog), hands the write to the app's saver and, once it
is in, redraws the clause pane and says what changed. A bulk action takes the selection
as far as the filter shows it (store.selection.target_ids)."""

from __future__ import annotations

from store import annotations, browse, selection
from store.db import STATUSES
from store.note_edits import NoteEdit, save_note_edit


class Annotator:
    def __init__(self, screen) -> None:
        self.screen = screen
        self.unsaved_notes: dict[int, str] = {}  # notes the database refused, offered again

    @property
    def conn(self):
        return self.screen.store.conn

    @property
    def saver(self):
        return self.screen.app.saver

    @property
    def author(self) -> str:
        return self.screen.app.author

    def _targets(self) -> tuple[list[int], str]:
        return selection.target_ids(self.conn, self.screen.filter.query, self.screen.clauses.current())

    def _changed(self, message: str) -> None:
        self.screen.annotations_changed(message)

    # -- selection

    def toggle_select(self) -> None:
        """Select or unselect the clause under the clause pane's cursor, then move down."""
        clause = self.screen.clauses.current()
        if clause is None:
            self.screen.say("no clause to select")
            return
        where = browse.display_path(clause.path)
        self.saver.save("the selection", selection.toggle, clause.id,
                        done=lambda on: self._changed(("selected " if on else "unselected ") + where))
        if self.screen.focused is self.screen.clauses:
            self.screen.clauses.action_cursor_down()

    def select_shown(self) -> None:
        query = self.screen.filter.query
        if query is not None:
            self.saver.save("the selection", selection.add_matching, query,
                            done=lambda n: self._changed(f"selected {n} more clause{'s' * (n != 1)} "
                                                         "shown by the filter"))
            return
        source = self.screen.clauses.source
        if source is None or not len(source):
            return
        self.saver.save("the selection", selection.add_range, source.document.id, source.first, source.last,
                        done=lambda n: self._changed(f"selected {n} more clause{'s' * (n != 1)} of this section"))

    def clear_selection(self) -> None:
        self.saver.save("the selection", selection.clear, done=lambda n: self._changed(f"selection cleared ({n})"))

    # -- annotations

    def cycle_status(self) -> None:
        ids, description = self._targets()
        if not ids:
            self.screen.say("no clause to set the status of")
            return
        clause = self.screen.clauses.current()
        current = "unreviewed"
        if clause and clause.id in ids:
            ann = annotations.annotation_for(self.conn, clause.id)
            current = ann.status if ann else "unreviewed"
        status = STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)]
        self.saver.save("the status", annotations.set_status, ids, status, self.author,
                        done=lambda n: self._changed(f"{status}: {description} ({n} changed; u undoes)"))

    def tag(self) -> None:
        ids, description = self._targets()
        if not ids:
            self.screen.say("no clause to tag")
            return
        from tui.tag_screens import TagDialog

        tags = [name for name, _color, _n in annotations.list_tags(self.conn)]
        current = annotations.annotation_for(self.conn, ids[0]) if len(ids) == 1 else None

        def done(result: tuple[list[str], list[str]] | None) -> None:
            if result:
                self.saver.save("the tags", _change_tags, ids, *result, self.author,
                                done=lambda n: self._changed(f"tags on {description}: +{n[0]} −{n[1]}"))

        self.screen.app.push_screen(TagDialog(description, tags, current.tags if current else []), done)

    def note(self) -> None:
        clause = self.screen.clauses.current()
        if clause is None:
            self.screen.say("no clause to annotate")
            return
        from tui.note_dialog import NoteDialog  # TextArea: loaded when a note is first written

        ann = annotations.annotation_for(self.conn, clause.id)
        cite = browse.citation(self.conn, clause.id)
        saved = ann.note if ann else ""
        draft = self.unsaved_notes.get(clause.id, saved)

        def saved_note(edit: NoteEdit) -> None:
            self.unsaved_notes.pop(clause.id, None)
            if edit.theirs is not None:
                message = (f"the note had been changed meanwhile by {edit.by}: both versions kept, "
                           "theirs first (a edits it)")
                self.screen.notify(message, severity="warning", markup=False, timeout=10)
                self._changed(message)
            elif edit.changed:
                self._changed("note saved")

        def refused(_why: str, note: str) -> None:
            self.unsaved_notes[clause.id] = note  # `a` offers it again instead of losing what was typed

        def done(note: str | None) -> None:
            if note is None:
                return
            self.saver.save("the note", save_note_edit, clause.id, note, self.author, saved, done=saved_note,
                            failed=lambda why: refused(why, note))

        self.screen.app.push_screen(NoteDialog(str(cite), draft, saved), done)

    def undo(self) -> None:
        from store.analysis.validity import undo  # an annotation's change or a document's validity, the later

        self.saver.save("the undo", undo, self.author,
                        done=lambda message: self._changed(message or "nothing to undo"))


def _change_tags(store, ids: list[int], add: list[str], remove: list[str], author: str) -> tuple[int, int]:
    """Tags added and removed, as one write for the saver (each is idempotent, so a retry
    after a lock repeats nothing)."""
    added = annotations.add_tags(store, ids, add, author) if add else 0
    removed = annotations.remove_tags(store, ids, remove, author) if remove else 0
    return added, removed
