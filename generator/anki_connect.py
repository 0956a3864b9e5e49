"""The edge to a running Anki: AnkiConnect's JSON protocol (version 6) over local HTTP.

Used by ``push`` (import the built deck) and ``weak`` (read review history). Only the URL
the user names is contacted, and only when they run one of those commands; builds never
touch the network.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .errors import CheatdeckError
from .options import DEFAULT_ANKI_URL

PROTOCOL_VERSION = 6
PROBE_SECONDS = 3
"""How long to wait for Anki to answer ``version``: it answers at once when it is up."""
WORK_SECONDS = 300
"""How long an import or a history query may take on a large collection."""


class AnkiUnreachable(CheatdeckError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"{url}: Anki is not reachable: start Anki with the AnkiConnect add-on "
            "(code 2055492159) and try again"
        )


class AnkiConnectError(CheatdeckError):
    """AnkiConnect answered with an error."""


class AnkiConnect:
    """One running Anki, reached through AnkiConnect at ``url``."""

    def __init__(self, url: str = DEFAULT_ANKI_URL, key: str = "") -> None:
        if not url.startswith(("http://", "https://")):
            raise AnkiConnectError(f"{url}: AnkiConnect is reached over http:// or https://")
        self.url = url
        self.key = key

    def invoke(self, action: str, timeout: float = WORK_SECONDS, **params: Any) -> Any:
        """The ``result`` of one action; AnkiConnect's ``error`` becomes an exception."""
        body: dict[str, Any] = {"action": action, "version": PROTOCOL_VERSION, "params": params}
        if self.key:
            body["key"] = self.key
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # Anki is local
        try:
            with direct.open(request, timeout=timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            raise AnkiUnreachable(self.url) from error
        except ValueError as error:
            raise AnkiConnectError(f"{self.url}: not an AnkiConnect answer ({error})") from None
        if not isinstance(answer, dict) or "error" not in answer or "result" not in answer:
            raise AnkiConnectError(f"{self.url}: not an AnkiConnect answer: {answer!r:.80}")
        if answer["error"]:
            raise AnkiConnectError(f"{self.url}: AnkiConnect {action}: {answer['error']}")
        return answer["result"]

    def ensure_running(self) -> int:
        """AnkiConnect's protocol version; raises :class:`AnkiUnreachable` within seconds."""
        version = self.invoke("version", timeout=PROBE_SECONDS)
        if not isinstance(version, int) or version < PROTOCOL_VERSION:
            raise AnkiConnectError(
                f"{self.url}: AnkiConnect speaks version {version}; update the add-on "
                f"(version {PROTOCOL_VERSION} or later is needed)"
            )
        return version
