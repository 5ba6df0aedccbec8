"""HTTP for the online food sources: one JSON client with bounded waits, retries and a cache.

Every request the planner makes to FoodData Central or Open Food Facts goes through
:class:`JsonClient`:

- timeouts: 5 s to connect, 15 s between bytes, 60 s for the whole body;
- 429 and 5xx are retried (3 tries in all) after ``Retry-After`` or a doubling backoff,
  never waiting longer than 30 s; a longer ``Retry-After`` fails at once with the wait
  in the message, because a desktop user should not stare at a frozen "searching...";
- bodies are streamed and cut off at 5 MB (a declared ``Content-Length`` above the cap
  fails before a byte of the body is read);
- JSON is parsed here, and a web page, a truncated or malformed body becomes a
  :class:`BadResponseError` that says so;
- every failure is an :class:`OnlineError` whose message is one line a person can act
  on ("no network connection", "refused the API key", ...);
- ``requests`` is imported when the first client is made, so importing this module (for
  its errors, say) costs nothing at start-up;
- successful answers are kept for a week as small JSON files in
  :func:`planner.paths.cache_dir` (``online/<sha256>.json``), keyed by the URL with its
  query. Secrets travel in headers only, and headers are never part of the key, the
  cached file, a log line or an error message.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import hashlib
import json
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

USER_AGENT: Final = "planner/0.1 (desktop meal planner; offline-first)"
#: Query parameters that could carry a secret; dropped from cache keys and logs.
SECRET_PARAMS: Final = frozenset({"api_key", "apikey", "key", "token"})
_CHUNK: Final = 64 * 1024
_RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})

#: ``sleep(seconds)``; tests pass a recorder so retries cost no time.
Sleep = Callable[[float], None]
#: ``clock() -> seconds since the epoch``; the cache's notion of now.
Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Limits of one client. The defaults suit a desktop app on a home connection."""

    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    #: Upper bound for reading a whole body, however slowly it trickles in.
    total_timeout: float = 60.0
    #: Tries per request, the first included (429 and 5xx are retried).
    max_tries: int = 3
    #: The first backoff when the server gives no ``Retry-After``; doubled per retry.
    backoff: float = 1.0
    #: The longest single wait before a retry; a longer ``Retry-After`` fails at once.
    max_wait: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    #: How long a cached answer is served without asking the server again.
    cache_ttl: float = 7 * 24 * 3600.0
    user_agent: str = USER_AGENT


# -- errors --------------------------------------------------------------------------


class OnlineError(Exception):
    """A failure talking to an online source, with a message fit for the user."""


class NoConnectionError(OnlineError):
    """No network, a DNS failure, or the server refused or dropped the connection."""


class OnlineTimeoutError(OnlineError):
    """The server did not answer (or stopped sending) within the timeouts."""


class ApiKeyError(OnlineError):
    """The server refused the request because of the API key (401/403)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        #: The gateway's error code, e.g. ``API_KEY_INVALID``, when it sent one.
        self.code = code


class NotFoundError(OnlineError):
    """The server has no such item (404, or a source's own "not found" answer)."""


class RateLimitError(OnlineError):
    """Too many requests (429) and waiting is not worth it or did not help."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(OnlineError):
    """The server failed (5xx after retries) or refused the request (other 4xx)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class BadResponseError(OnlineError):
    """An answer that is not the JSON asked for: a web page, truncated, malformed."""


class ResponseTooLargeError(BadResponseError):
    """A body over :attr:`HttpSettings.max_bytes`; the rest is never read."""


# -- the cache -----------------------------------------------------------------------


def cache_key(url: str, params: Mapping[str, str] | None = None) -> str:
    """SHA-256 of the URL with its query in a fixed order, secrets left out."""
    return hashlib.sha256(loggable_url(url, params).encode("utf-8")).hexdigest()


def loggable_url(url: str, params: Mapping[str, str] | None = None) -> str:
    """The URL with ``params`` in sorted order and any secret-looking parameter removed."""
    pairs = sorted((k, v) for k, v in (params or {}).items() if k.lower() not in SECRET_PARAMS)
    return f"{url}?{urlencode(pairs)}" if pairs else url


class ResponseCache:
    """Answers kept as small JSON files, one per URL, fresh for ``ttl`` seconds.

    A file holds ``{"url": ..., "fetched_at": ..., "body": <the parsed answer>}``; the
    URL is the loggable one (no secrets). Unreadable files count as misses. Writes go to
    a temporary file first and are renamed into place, so a reader never sees half.
    """

    def __init__(self, directory: Path, ttl: float, clock: Clock = time.time) -> None:
        self.directory = directory
        self.ttl = ttl
        self.clock = clock
        self._pruned = False

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> Any | None:
        """The cached body, or ``None`` when absent, stale or unreadable."""
        try:
            text = self.path(key).read_text(encoding="utf-8")
            entry = json.loads(text)
            fetched_at = float(entry["fetched_at"])
            body = entry["body"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        age = self.clock() - fetched_at
        if not 0 <= age <= self.ttl:
            return None
        return body

    def put(self, key: str, url: str, body: Any) -> None:
        """Store ``body``; a cache that cannot be written is skipped, not an error."""
        now = self.clock()
        entry = {"url": url, "fetched_at": now, "body": body}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump(entry, file, ensure_ascii=False, separators=(",", ":"))
                # The file time is the fetch time, on the cache's clock, for prune().
                os.utime(temporary, (now, now))
                os.replace(temporary, self.path(key))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            log.warning("could not write the online cache in %s: %s", self.directory, exc)
            return
        if not self._pruned:
            self._pruned = True
            self.prune()

    def prune(self) -> int:
        """Delete stale entries (by file time: the fetch time); returns how many went."""
        removed = 0
        limit = self.clock() - self.ttl
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return 0
        for entry in entries:
            if not entry.name.endswith((".json", ".tmp")):
                continue
            with contextlib.suppress(OSError):
                if entry.stat().st_mtime < limit:
                    os.unlink(entry.path)
                    removed += 1
        return removed

    def clear(self) -> None:
        for path in self.directory.glob("*.json"):
            with contextlib.suppress(OSError):
                path.unlink()


# -- the client ----------------------------------------------------------------------


class JsonClient:
    """GET JSON from one service, with the limits of :class:`HttpSettings`.

    ``service`` names the source in messages ("FoodData Central: ..."). The client
    owns one :class:`requests.Session`; close it (or use ``with``). Calls are
    serialised by a lock, so one client can serve tasks on several threads.
    """

    def __init__(
        self,
        service: str,
        settings: HttpSettings | None = None,
        *,
        cache: ResponseCache | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.service = service
        self.settings = settings or HttpSettings()
        self.cache = cache
        self.sleep = sleep
        self.clock = clock
        # Made on the first request: importing requests costs ~70 ms, and the window
        # builds its clients at start whether or not the user ever goes online.
        self._session_made: requests.Session | None = None
        self._lock = threading.Lock()

    @property
    def _session(self) -> requests.Session:
        if self._session_made is None:
            import requests

            session = requests.Session()
            session.headers["User-Agent"] = self.settings.user_agent
            session.headers["Accept"] = "application/json"
            self._session_made = session
        return self._session_made

    def __enter__(self) -> JsonClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._session_made is not None:
            self._session_made.close()

    def get_json(
        self,
        url: str,
        params: Mapping[str, str] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        use_cache: bool = True,
        cacheable: Callable[[Any], bool] | None = None,
        max_bytes: int | None = None,
    ) -> Any:
        """The parsed JSON answer of ``GET url?params``.

        ``headers`` may carry secrets: they are sent, never cached, logged or shown.
        A fresh cached answer is returned without a request when ``use_cache``; a new
        answer is cached when ``cacheable(body)`` (default: always). ``max_bytes``
        overrides the settings' cap for a request known to be large.
        """
        params = dict(params or {})
        shown = loggable_url(url, params)
        key = cache_key(url, params)
        if use_cache and self.cache is not None:
            cached = self.cache.get(key)
            if cached is not None:
                log.debug("%s: cache hit for %s", self.service, shown)
                return cached
        secrets = [v for v in (headers or {}).values() if v]
        try:
            limit = max_bytes or self.settings.max_bytes
            body = self._fetch(url, params, dict(headers or {}), shown, limit)
        except OnlineError as exc:
            message = str(exc)
            if any(secret in message for secret in secrets):
                for secret in secrets:
                    message = message.replace(secret, "***")
                exc.args = (message, *exc.args[1:])
            raise
        if self.cache is not None and (cacheable is None or cacheable(body)):
            self.cache.put(key, shown, body)
        return body

    # -- one request with retries ------------------------------------------------------

    def _fetch(
        self, url: str, params: dict[str, str], headers: dict[str, str], shown: str, limit: int
    ) -> Any:
        host = urlsplit(url).hostname or url
        tries = max(1, self.settings.max_tries)
        for attempt in range(1, tries + 1):
            log.debug("%s: GET %s (try %d)", self.service, shown, attempt)
            with self._lock:
                response = self._send(url, params, headers, host)
                try:
                    status = response.status_code
                    content_type = response.headers.get("Content-Type", "")
                    if status == 200:
                        body = self._read_body(response, host, limit)
                    else:
                        retry_after = _retry_after(response.headers.get("Retry-After"))
                        detail = self._error_detail(response)
                finally:
                    response.close()
            if status == 200:
                return parse_json(body, content_type, self.service, host)
            if status in _RETRY_STATUSES:
                wait = retry_after
                if wait is None:
                    wait = self.settings.backoff * 2 ** (attempt - 1)
                if wait > self.settings.max_wait or attempt == tries:
                    raise self._status_error(status, host, detail, retry_after)
                log.info("%s: HTTP %d, retrying in %.1f s", self.service, status, wait)
                self.sleep(wait)
                continue
            raise self._status_error(status, host, detail, retry_after)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _send(
        self, url: str, params: dict[str, str], headers: dict[str, str], host: str
    ) -> requests.Response:
        import requests

        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        try:
            # requests drops Authorization on a redirect to another host, but not other
            # headers: with a key in a header, a redirect is an error, never followed.
            return self._session.get(
                url, params=params, headers=headers, timeout=timeout, stream=True,
                allow_redirects=not headers,
            )
        except requests.exceptions.ConnectTimeout:
            raise OnlineTimeoutError(
                f"{self.service}: {host} did not answer within "
                f"{self.settings.connect_timeout:g} s (slow or no network connection)"
            ) from None
        except requests.exceptions.ReadTimeout:
            raise self._read_timeout(host) from None
        except requests.exceptions.SSLError:
            raise NoConnectionError(
                f"{self.service}: the secure connection to {host} failed (certificate or "
                "network problem; is a proxy or captive portal in the way?)"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            raise NoConnectionError(f"{self.service}: {_connection_problem(exc, host)}") from None
        except requests.exceptions.RequestException as exc:
            raise OnlineError(f"{self.service}: request failed ({type(exc).__name__})") from None

    def _read_timeout(self, host: str) -> OnlineTimeoutError:
        return OnlineTimeoutError(
            f"{self.service}: {host} stopped answering for {self.settings.read_timeout:g} s;"
            " try again later"
        )

    def _read_body(self, response: requests.Response, host: str, limit: int) -> bytes:
        import requests

        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise self._too_large(host, limit, int(declared))
        deadline = self.clock() + self.settings.total_timeout
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise self._too_large(host, limit, None)
                chunks.append(chunk)
                if self.clock() > deadline:
                    raise OnlineTimeoutError(
                        f"{self.service}: {host} took over {self.settings.total_timeout:g} s"
                        " to send its answer; try again later"
                    )
        except requests.exceptions.ConnectionError as exc:
            if any(
                isinstance(c, TimeoutError) or type(c).__name__ == "ReadTimeoutError"
                for c in _causes(exc)
            ):
                raise self._read_timeout(host) from None
            raise BadResponseError(
                f"{self.service}: the connection to {host} broke off in the middle of the "
                "answer; try again"
            ) from None
        except requests.exceptions.ChunkedEncodingError:
            raise BadResponseError(
                f"{self.service}: {host} closed the connection before the whole answer "
                "arrived; try again"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise BadResponseError(
                f"{self.service}: reading the answer from {host} failed ({type(exc).__name__})"
            ) from None
        return b"".join(chunks)

    def _too_large(self, host: str, limit: int, declared: int | None) -> ResponseTooLargeError:
        mb = 1024 * 1024
        size = f" ({declared / mb:.1f} MB)" if declared is not None else ""
        return ResponseTooLargeError(
            f"{self.service}: {host} sent an answer over the "
            f"{limit / mb:g} MB limit{size}; not read"
        )

    def _error_detail(self, response: requests.Response) -> str | None:
        """A short reason from an error body (``{"error": {"code": ...}}``), if any."""
        import requests

        try:
            raw = next(response.iter_content(16 * 1024), b"")
        except requests.exceptions.RequestException:
            return None
        try:
            payload = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        error = payload.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            if isinstance(code, str) and code:
                return code[:80]
            message = error.get("message")
            if isinstance(message, str) and message:
                return message.splitlines()[0][:160]
        for name in ("message", "status_verbose"):
            value = payload.get(name)
            if isinstance(value, str) and value:
                return value.splitlines()[0][:160]
        return None

    def _status_error(
        self, status: int, host: str, detail: str | None, retry_after: float | None
    ) -> OnlineError:
        because = f": {detail}" if detail else ""
        name = self.service
        if status in (401, 403):
            return ApiKeyError(
                f"{name}: {host} refused access (HTTP {status}{because}); check the API key",
                detail,
            )
        if status == 404:
            return NotFoundError(f"{name}: not found (HTTP 404)")
        if 300 <= status < 400:
            return ServerError(f"{name}: {host} redirected the request (HTTP {status})", status)
        if status == 429:
            later = (
                f"; try again in {_duration(retry_after)}" if retry_after else "; try again later"
            )
            return RateLimitError(f"{name}: too many requests (HTTP 429){later}", retry_after)
        if status >= 500:
            return ServerError(
                f"{name}: {host} has a problem (HTTP {status}{because}); try again later", status
            )
        return ServerError(f"{name}: {host} refused the request (HTTP {status}{because})", status)


def parse_json(body: bytes, content_type: str, service: str, host: str) -> Any:
    """Decode a JSON body, or raise :class:`BadResponseError` saying what came instead."""
    start = body.lstrip()[:1]
    if "html" in content_type.lower() or start == b"<":
        raise BadResponseError(
            f"{service}: {host} sent a web page instead of data (a proxy, a login page "
            "or a maintenance notice?)"
        )
    if not start:
        raise BadResponseError(f"{service}: {host} sent an empty answer")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise BadResponseError(f"{service}: {host} sent an answer that is not text") from None
    except json.JSONDecodeError as exc:
        if exc.pos >= len(body.rstrip()) - 1:
            raise BadResponseError(
                f"{service}: the answer from {host} was cut off ({len(body)} bytes); try again"
            ) from None
        raise BadResponseError(
            f"{service}: {host} sent malformed data (JSON error at byte {exc.pos}: {exc.msg})"
        ) from None


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def _causes(exc: BaseException) -> Iterable[BaseException]:
    """The exception, its causes and contexts, and exceptions among their args."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(linked, BaseException):
                pending.append(linked)


def _connection_problem(exc: BaseException, host: str) -> str:
    """What kept us from connecting, in words: DNS, refused, unreachable, reset."""
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return (
                f"could not look up {host} (no network connection, or a DNS problem); "
                "check the connection and try again"
            )
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError):
            return f"{host} refused the connection (is the address right? is it up?)"
        if isinstance(cause, ConnectionResetError):
            return f"the connection to {host} was reset; try again"
        if isinstance(cause, OSError) and cause.errno in (
            errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN,
        ):
            return f"no network connection ({host} is unreachable)"
    return f"could not connect to {host} (no network connection?)"
