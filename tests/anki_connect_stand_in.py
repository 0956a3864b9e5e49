"""A stand-in for Anki with the AnkiConnect add-on: a local HTTP server that speaks
AnkiConnect's protocol (version 6) over a real Anki collection (the `anki` package).

Only the actions cheatdeck uses are answered; the requests are kept for the tests to read.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from anki.collection import Collection

from tests.anki_helpers import import_deck


class StandIn:
    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: dict[str, Any]) -> Any:
        params = request.get("params", {})
        action = request["action"]
        if action == "version":
            return 6
        if action == "importPackage":
            import_deck(self.collection, Path(params["path"]))
            return True
        if action == "findCards":
            return list(self.collection.find_cards(params["query"]))
        if action == "cardsInfo":
            return [self._card_info(card_id) for card_id in params["cards"]]
        if action == "getReviewsOfCards":
            return {str(card_id): self._reviews(card_id) for card_id in params["cards"]}
        raise ValueError(f"unsupported action: {action}")

    def _card_info(self, card_id: int) -> dict[str, Any]:
        card = self.collection.get_card(card_id)
        note = card.note()
        names = list(note.keys())
        return {
            "cardId": card.id,
            "note": note.id,
            "modelName": note.note_type()["name"],
            "fields": {name: {"value": note[name], "order": i} for i, name in enumerate(names)},
            "deckName": self.collection.decks.name(card.did),
            "interval": card.ivl,
            "factor": card.factor,
            "reps": card.reps,
            "lapses": card.lapses,
            "type": card.type,
            "queue": card.queue,
        }

    def _reviews(self, card_id: int) -> list[dict[str, Any]]:
        rows = self.collection.db.all(
            "select id, usn, ease, ivl, lastIvl, factor, time, type from revlog where cid = ?",
            card_id,
        )
        keys = ("id", "usn", "ease", "ivl", "lastIvl", "factor", "time", "type")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stand_in.lock:
                    stand_in.requests.append(request)
                    try:
                        reply = {"result": stand_in.answer(request), "error": None}
                    except Exception as error:  # AnkiConnect reports any error as "error"
                        reply = {"result": None, "error": str(error)}
                body = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        return Handler
