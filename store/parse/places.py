"""Stage 6, places: the province and region each document belongs to."""

from __future__ import annotations

from store import regions
from store.model import Node, ParsedDocument
from store.parse.units import Unit


def assign_places(documents: list[ParsedDocument], units: list[Unit], override: str | None) -> None:
    if override:
        place = regions.place_from_name(override)
        for doc in documents:
            doc.province, doc.region = (place.province, place.region) if place else (override, None)
        return
    found: list[regions.Place | None] = []
    for doc in documents:
        place = None
        for text in (doc.issuer, doc.title):
            if text and (place := regions.locate(text)):
                break
        if place is None and doc.doc_number:
            place = regions.province_from_doc_number(doc.doc_number)
        found.append(place)
    file_place = next((p for p in found if p is not None), None)
    if file_place is None:
        # A text about one place names it again and again; one for the whole country names
        # several (北京 4 times, 安徽 3 in a national 防控方案): then it has no place of its own.
        mentions = regions.count_mentions("\n".join(_all_text(doc.nodes) for doc in documents))
        top = mentions.most_common(2)
        if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] >= 2 * top[1][1]):
            file_place = regions.Place(top[0][0], None)
    main_place = next((p for d, p in zip(documents, found) if d.kind == "main" and p), None)
    for doc, place in zip(documents, found):
        place = place or main_place or file_place
        # An attachment titled without a place belongs where its document belongs.
        if doc.kind == "attachment" and main_place and place and place.province != main_place.province \
                and not (doc.issuer and regions.locate(doc.issuer)):
            place = main_place
        doc.province = place.province if place else regions.UNKNOWN
        doc.region = place.region if place else None


def _all_text(nodes: list[Node]) -> str:
    parts = []
    for node in nodes:
        parts.append(node.title)
        parts.append(node.text)
        parts.append(_all_text(node.children))
    return "\n".join(parts)
