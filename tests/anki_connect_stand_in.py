"""A stand-in for Anki with the AnkiConnect add-on: a local HTTP server that speaks
AnkiConnect's protocol (version 6) over a real Anki collection (the `anki` package).

Only the actions cheatdeck uses are answered; the requests are kept for the tests to read.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from anki.collection import Collection

from tests.anki_helpers import import_deck


class StandIn:
    def __init__(self, collection: Collection, trouble: str = "") -> None:
        self.collection = collection
        self.trouble = trouble
        """How importPackage misbehaves: '' (it does not), 'http-500', 'redirect',
        'false' (answers result false), 'hang' (answers after 3 s)."""
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
        if action == "findNotes":
            return list(self.collection.find_notes(params["query"]))
        if action == "suspend":
            self.collection.sched.suspend_cards(params["cards"])
            return True
        if action == "unsuspend":
            self.collection.sched.unsuspend_cards(params["cards"])
            return True
        if action == "deleteNotes":
            self.collection.remove_notes(params["notes"])
            return None
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
                if request["action"] == "importPackage" and stand_in.trouble:
                    return self._misbehave(request)
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

            def _misbehave(self, request: dict[str, Any]) -> None:
                stand_in.requests.append(request)
                trouble = stand_in.trouble
                if trouble == "hang":
                    time.sleep(3)
                if trouble in ("http-500", "redirect"):
                    self.send_response(500 if trouble == "http-500" else 307)
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = json.dumps({"result": False, "error": None}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        return Handler
