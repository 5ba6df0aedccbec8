"""The shared JSON client against a real local HTTP server: limits, retries, errors, cache.

Every fault is real on the wire (a stalled handler, 429 with Retry-After, a 50 MB body,
a closed port); only sleeping between retries is replaced by a recorder.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from online_server import (
    FakeServer,
    Reply,
    closed_port,
    huge_body,
    serve,
    short_body,
    stall,
)

from planner.sources.http import (
    USER_AGENT,
    ApiKeyError,
    BadResponseError,
    HttpSettings,
    JsonClient,
    NoConnectionError,
    NotFoundError,
    OnlineError,
    OnlineTimeoutError,
    RateLimitError,
    ResponseCache,
    ResponseTooLargeError,
    ServerError,
    cache_key,
    loggable_url,
)

WEEK = 7 * 24 * 3600.0


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeServer]:
    yield from serve(monkeypatch)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(tmp_path: Path, clock: Clock, waits: list[float]) -> Iterator[JsonClient]:
    settings = HttpSettings(read_timeout=0.5, connect_timeout=1.0)
    cache = ResponseCache(tmp_path / "cache", settings.cache_ttl, clock=clock)
    with JsonClient("Test API", settings, cache=cache, sleep=waits.append) as client:
        yield client


def test_get_json_parses_and_identifies_itself(server: FakeServer, client: JsonClient) -> None:
    server.route("/data", Reply.json({"answer": 42, "text": "Mg µg"}))
    assert client.get_json(f"{server.url}/data", {"q": "x y"}) == {"answer": 42, "text": "Mg µg"}
    (seen,) = server.requests
    assert seen.path == "/data?q=x+y"
    assert seen.headers["User-Agent"] == USER_AGENT
    assert seen.headers["User-Agent"] == "planner/0.1 (desktop meal planner; offline-first)"
    assert seen.headers["Accept"] == "application/json"


def test_a_cached_answer_is_served_without_a_request(
    server: FakeServer, client: JsonClient, tmp_path: Path
) -> None:
    server.route("/data", Reply.json({"n": 1}))
    url = f"{server.url}/data"
    secret = "s3cr3tKEYs3cr3tKEY"
    assert client.get_json(url, {"b": "2", "a": "1"}, headers={"X-Api-Key": secret}) == {"n": 1}
    # Same query in another order: the same entry, no second request.
    assert client.get_json(url, {"a": "1", "b": "2"}, headers={"X-Api-Key": secret}) == {"n": 1}
    assert server.hits("/data") == 1
    (file,) = (tmp_path / "cache").glob("*.json")
    entry = json.loads(file.read_text(encoding="utf-8"))
    assert entry["url"] == f"{url}?a=1&b=2"
    assert entry["body"] == {"n": 1}
    assert secret not in file.read_text(encoding="utf-8")
    assert file.name == f"{cache_key(url, {'a': '1', 'b': '2'})}.json"


def test_the_cache_lasts_a_week(server: FakeServer, client: JsonClient, clock: Clock) -> None:
    server.route("/data", Reply.json({"v": "old"}), Reply.json({"v": "new"}))
    url = f"{server.url}/data"
    assert client.get_json(url) == {"v": "old"}
    clock.now += WEEK - 60
    assert client.get_json(url) == {"v": "old"}
    clock.now += 120
    assert client.get_json(url) == {"v": "new"}
    assert server.hits("/data") == 2


def test_use_cache_false_asks_again_and_refreshes(server: FakeServer, client: JsonClient) -> None:
    server.route("/data", Reply.json({"v": 1}), Reply.json({"v": 2}))
    url = f"{server.url}/data"
    assert client.get_json(url) == {"v": 1}
    assert client.get_json(url, use_cache=False) == {"v": 2}
    assert client.get_json(url) == {"v": 2}
    assert server.hits("/data") == 2


def test_a_damaged_cache_file_is_a_miss(
    server: FakeServer, client: JsonClient, tmp_path: Path
) -> None:
    server.route("/data", Reply.json({"v": 1}))
    url = f"{server.url}/data"
    client.get_json(url)
    (file,) = (tmp_path / "cache").glob("*.json")
    file.write_text('{"fetched_at": ', encoding="utf-8")
    assert client.get_json(url) == {"v": 1}
    assert server.hits("/data") == 2


def test_answers_refused_by_cacheable_are_not_kept(
    server: FakeServer, client: JsonClient, tmp_path: Path
) -> None:
    server.route("/data", Reply.json({"status": 0}))
    url = f"{server.url}/data"
    client.get_json(url, cacheable=lambda body: body["status"] == 1)
    client.get_json(url, cacheable=lambda body: body["status"] == 1)
    assert server.hits("/data") == 2
    assert list((tmp_path / "cache").glob("*.json")) == []


def test_secret_parameters_never_reach_the_cache_key() -> None:
    url = "https://api.example/v1/food/1"
    assert cache_key(url, {"api_key": "K", "format": "full"}) == cache_key(url, {"format": "full"})
    assert loggable_url(url, {"api_key": "K", "b": "2", "a": "1 2"}) == f"{url}?a=1+2&b=2"


def test_prune_deletes_stale_entries(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path, ttl=WEEK)
    cache.put("fresh", "u1", {"a": 1})
    stale = cache.path("stale")
    stale.write_text("{}", encoding="utf-8")
    old = time.time() - WEEK - 10
    import os

    os.utime(stale, (old, old))
    assert cache.prune() == 1
    assert not stale.exists()
    assert cache.get("fresh") == {"a": 1}


# -- timeouts and connection failures -------------------------------------------------


def test_a_stalled_server_times_out_quickly(server: FakeServer, client: JsonClient) -> None:
    server.route("/slow", stall(10))
    started = time.monotonic()
    with pytest.raises(OnlineTimeoutError, match=r"Test API: 127\.0\.0\.1 stopped answering"):
        client.get_json(f"{server.url}/slow")
    assert time.monotonic() - started < 3
    assert server.hits("/slow") == 1  # a timeout is not retried


def test_connection_refused(monkeypatch: pytest.MonkeyPatch, client: JsonClient) -> None:
    from online_server import guard_requests

    guard_requests(monkeypatch)
    url = f"http://127.0.0.1:{closed_port()}/data"
    with pytest.raises(NoConnectionError, match="refused the connection") as failure:
        client.get_json(url)
    assert str(failure.value).startswith("Test API: 127.0.0.1 refused")
    assert "\n" not in str(failure.value)


def test_dns_failure_says_so(monkeypatch: pytest.MonkeyPatch, client: JsonClient) -> None:
    from online_server import guard_requests

    guard_requests(monkeypatch)

    def no_dns(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(NoConnectionError, match="could not look up 127.0.0.1 .no network"):
        client.get_json("http://127.0.0.1:9/data")


def test_network_unreachable(monkeypatch: pytest.MonkeyPatch, client: JsonClient) -> None:
    import errno

    from online_server import guard_requests

    guard_requests(monkeypatch)

    def unreachable(*args: object, **kwargs: object) -> socket.socket:
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr("urllib3.util.connection.create_connection", unreachable)
    with pytest.raises(NoConnectionError, match=r"no network connection \(127"):
        client.get_json("http://127.0.0.1:9/data")


# -- status codes and retries ---------------------------------------------------------


def test_500_then_200_is_retried_after_a_backoff(
    server: FakeServer, client: JsonClient, waits: list[float]
) -> None:
    server.route("/flaky", Reply.json({"error": "boom"}, status=500), Reply.json({"ok": True}))
    assert client.get_json(f"{server.url}/flaky") == {"ok": True}
    assert server.hits("/flaky") == 2
    assert waits == [1.0]


def test_429_honours_retry_after(
    server: FakeServer, client: JsonClient, waits: list[float]
) -> None:
    server.route(
        "/limited",
        Reply.json({"error": {"code": "OVER_RATE_LIMIT"}}, status=429, **{"Retry-After": "7"}),
        Reply.json({"ok": True}),
    )
    assert client.get_json(f"{server.url}/limited") == {"ok": True}
    assert waits == [7.0]
    assert server.hits("/limited") == 2


def test_retry_after_as_an_http_date(
    server: FakeServer, client: JsonClient, waits: list[float]
) -> None:
    from email.utils import formatdate

    when = formatdate(time.time() + 20, usegmt=True)
    server.route("/limited", Reply.json({}, status=503, **{"Retry-After": when}), Reply.json([]))
    assert client.get_json(f"{server.url}/limited") == []
    (wait,) = waits
    assert 15 <= wait <= 21


def test_a_long_retry_after_fails_at_once(
    server: FakeServer, client: JsonClient, waits: list[float]
) -> None:
    server.route("/limited", Reply.json({}, status=429, **{"Retry-After": "3600"}))
    message = r"too many requests \(HTTP 429\); try again in 60 minutes"
    with pytest.raises(RateLimitError, match=message):
        client.get_json(f"{server.url}/limited")
    assert waits == []
    assert server.hits("/limited") == 1


def test_retries_are_bounded(server: FakeServer, client: JsonClient, waits: list[float]) -> None:
    server.route("/limited", Reply.json({}, status=429))
    with pytest.raises(RateLimitError) as failure:
        client.get_json(f"{server.url}/limited")
    assert server.hits("/limited") == 3
    assert waits == [1.0, 2.0]
    assert failure.value.retry_after is None


def test_a_failing_server_gives_up_after_three_tries(
    server: FakeServer, client: JsonClient, waits: list[float]
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.route("/down", Reply.text(page, status=502))
    with pytest.raises(ServerError, match=r"has a problem \(HTTP 502\); try again later") as fail:
        client.get_json(f"{server.url}/down")
    assert fail.value.status == 502
    assert server.hits("/down") == 3
    assert len(waits) == 2


def test_403_is_a_key_problem_and_not_retried(server: FakeServer, client: JsonClient) -> None:
    server.route("/food/1", Reply.json("fdc_error_403.json", status=403))
    with pytest.raises(ApiKeyError, match="API_KEY_INVALID") as failure:
        client.get_json(f"{server.url}/food/1")
    assert failure.value.code == "API_KEY_INVALID"
    assert server.hits("/food/1") == 1


def test_404_is_not_found(server: FakeServer, client: JsonClient) -> None:
    server.route("/food/9", Reply.json({}, status=404))
    with pytest.raises(NotFoundError, match=r"not found \(HTTP 404\)"):
        client.get_json(f"{server.url}/food/9")


def test_other_4xx_names_the_status(server: FakeServer, client: JsonClient) -> None:
    server.route("/bad", Reply.json({"message": "pageSize must be 1..200"}, status=400))
    with pytest.raises(ServerError, match=r"refused the request \(HTTP 400: pageSize must be"):
        client.get_json(f"{server.url}/bad")


def test_a_redirect_is_not_followed_with_a_key(server: FakeServer, client: JsonClient) -> None:
    server.route("/moved", Reply(302, b"", {"Location": f"{server.url}/target"}))
    server.route("/target", Reply.json({"here": True}))
    with pytest.raises(ServerError, match=r"redirected the request \(HTTP 302\)"):
        client.get_json(f"{server.url}/moved", headers={"X-Api-Key": "K"})
    assert server.hits("/target") == 0
    assert client.get_json(f"{server.url}/moved") == {"here": True}


# -- bodies ----------------------------------------------------------------------------


def test_an_html_page_instead_of_json(server: FakeServer, client: JsonClient) -> None:
    server.route("/page", Reply.text("<!doctype html><title>Sign in to Wi-Fi</title>"))
    with pytest.raises(BadResponseError, match="sent a web page instead of data"):
        client.get_json(f"{server.url}/page")


def test_html_with_a_json_content_type(server: FakeServer, client: JsonClient) -> None:
    server.route("/page", Reply.text("\n<html>maintenance</html>", content_type="application/json"))
    with pytest.raises(BadResponseError, match="web page"):
        client.get_json(f"{server.url}/page")


def test_truncated_json(server: FakeServer, client: JsonClient, tmp_path: Path) -> None:
    text = (Path(__file__).parent.parent / "data" / "online" / "fdc_search.json").read_text()
    server.route("/search", Reply.text(text[: len(text) // 2], content_type="application/json"))
    with pytest.raises(BadResponseError, match=r"the answer from 127\.0\.0\.1 was cut off"):
        client.get_json(f"{server.url}/search")
    assert list((tmp_path / "cache").glob("*.json")) == []


def test_malformed_json(server: FakeServer, client: JsonClient) -> None:
    server.route("/bad", Reply.text('{"foods": [nope]}', content_type="application/json"))
    with pytest.raises(BadResponseError, match=r"malformed data \(JSON error at byte 11"):
        client.get_json(f"{server.url}/bad")


def test_an_empty_answer(server: FakeServer, client: JsonClient) -> None:
    server.route("/empty", Reply(200, b"", {"Content-Type": "application/json"}))
    with pytest.raises(BadResponseError, match="sent an empty answer"):
        client.get_json(f"{server.url}/empty")


def test_a_connection_closed_mid_body(server: FakeServer, client: JsonClient) -> None:
    server.route("/short", short_body(10_000, b'{"foods": ['))
    with pytest.raises(BadResponseError, match="closed the connection before the whole answer"):
        client.get_json(f"{server.url}/short")


def test_a_declared_50_mb_body_is_refused_unread(server: FakeServer, client: JsonClient) -> None:
    size = 50 * 1024 * 1024
    server.route("/huge", huge_body(size, declare_length=True))
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError, match=r"over the 5 MB limit \(50\.0 MB\); not read"):
        client.get_json(f"{server.url}/huge")
    assert time.monotonic() - started < 5
    assert server.stream_done.wait(10)
    assert server.bytes_sent < size // 4, server.bytes_sent


def test_an_undeclared_50_mb_body_stops_at_the_cap(server: FakeServer, client: JsonClient) -> None:
    size = 50 * 1024 * 1024
    server.route("/huge", huge_body(size, declare_length=False))
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError, match="limit; not read"):
        client.get_json(f"{server.url}/huge")
    assert time.monotonic() - started < 5
    assert server.stream_done.wait(10)
    # The client read a little over 5 MB; socket buffers hold a few more. Never 50.
    assert server.bytes_sent < size // 2, server.bytes_sent


# -- nothing secret in logs or messages -------------------------------------------------


def test_the_key_is_never_logged(
    server: FakeServer, client: JsonClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "LOGKEYLOGKEYLOGKEY"
    server.route("/limited", Reply.json({}, status=503), Reply.json({"ok": 1}))
    with caplog.at_level(logging.DEBUG):
        client.get_json(f"{server.url}/limited", {"q": "x"}, headers={"X-Api-Key": secret})
        client.get_json(f"{server.url}/limited", {"q": "x"}, headers={"X-Api-Key": secret})
    assert "/limited?q=x" in caplog.text
    assert secret not in caplog.text


def test_a_key_echoed_in_an_error_body_is_masked(server: FakeServer, client: JsonClient) -> None:
    secret = "ECHOKEYECHOKEY1234"
    server.route("/bad", Reply.json({"error": {"message": f"key {secret} is malformed"}}, 400))
    with pytest.raises(ServerError) as failure:
        client.get_json(f"{server.url}/bad", headers={"X-Api-Key": secret})
    assert secret not in str(failure.value)
    assert "key *** is malformed" in str(failure.value)


def test_every_error_is_an_online_error_with_one_line() -> None:
    for error in (ApiKeyError, BadResponseError, NoConnectionError, NotFoundError,
                  OnlineTimeoutError, RateLimitError, ResponseTooLargeError, ServerError):
        assert issubclass(error, OnlineError)


def test_a_client_imports_requests_only_when_it_first_asks() -> None:
    """The window builds its clients at start; going online is what may cost the import."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from planner.sources.http import JsonClient\n"
        "client = JsonClient('FoodData Central')\n"
        "print('requests' in sys.modules)\n"
        "client.close()\n"
        "print('requests' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
