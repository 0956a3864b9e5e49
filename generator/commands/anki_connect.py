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

from ..errors import CheatdeckError
from ..options import ANKI_SECONDS, DEFAULT_ANKI_URL

PROTOCOL_VERSION = 6
PROBE_SECONDS = 3
"""How long to wait for Anki to answer ``version``: it answers at once when it is up."""


class AnkiUnreachable(CheatdeckError):
    def __init__(self, url: str) -> None:
        super().__init__(
            f"{url}: Anki is not reachable: start Anki with the AnkiConnect add-on "
            "(code 2055492159) and try again"
        )


class AnkiConnectError(CheatdeckError):
    """AnkiConnect answered with an error."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """AnkiConnect never redirects: whatever does is not the Anki the user named, and must
    not be sent the request elsewhere."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, *_: Any) -> None:
        raise AnkiConnectError(
            f"{req.full_url}: answered with a redirect (HTTP {code} {msg}), not as "
            "AnkiConnect does: check --anki-url"
        )


class AnkiConnect:
    """One running Anki, reached through AnkiConnect at ``url``."""

    def __init__(
        self, url: str = DEFAULT_ANKI_URL, key: str = "", timeout: float = ANKI_SECONDS
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise AnkiConnectError(f"{url}: AnkiConnect is reached over http:// or https://")
        self.url = url
        self.key = key
        self.timeout = timeout

    def invoke(self, action: str, timeout: float | None = None, **params: Any) -> Any:
        """The ``result`` of one action; an HTTP error, a redirect, a silence longer than
        the timeout and AnkiConnect's ``error`` each become an exception saying which."""
        waited = self.timeout if timeout is None else timeout
        body: dict[str, Any] = {"action": action, "version": PROTOCOL_VERSION, "params": params}
        if self.key:
            body["key"] = self.key
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects())
        try:
            with direct.open(request, timeout=waited) as response:  # Anki is local: no proxy
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise AnkiConnectError(
                f"{self.url}: AnkiConnect {action}: HTTP {error.code} {error.reason}"
            ) from None
        except (TimeoutError, urllib.error.URLError) as error:
            if isinstance(error, TimeoutError) or isinstance(error.reason, TimeoutError):
                raise AnkiConnectError(
                    f"{self.url}: Anki did not answer {action} within {waited:g} s; it may "
                    "still be working: wait, or give it longer with --anki-timeout SECONDS"
                ) from None
            raise AnkiUnreachable(self.url) from error
        except ConnectionError as error:
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
