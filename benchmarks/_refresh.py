"""Refresh figures: many slow feeds on loopback, through the pipeline and through newsboat.

Each feed answers after a fixed latency, carries an ETag and answers 304 to a
matching ``If-None-Match``. The feeds are spread over several loopback addresses
(127.0.0.1, 127.0.0.2, …) because the fetcher caps concurrent requests per host;
``hosts=1`` measures the all-on-one-host case.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from corpus import CorpusWriter, SynthStory, rss

from triage.core.desk import Desk
from triage.core.fetch.types import FetchPolicy


@dataclass(slots=True)
class FeedSite:
    """What the feed server serves: per path, the items of the current generation."""

    items: dict[str, list[SynthStory]]
    per_feed: int
    latency: float
    generation: int = 0
    requests: int = 0
    not_modified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def body(self, path: str) -> bytes | None:
        stories = self.items.get(path)
        if stories is None:
            return None
        shown = stories[: self.per_feed - 1 + self.generation]
        return rss(shown[0].outlet, list(reversed(shown)))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _FeedServer

    def do_GET(self) -> None:
        site = self.server.site
        if self.path.startswith("/_control/"):
            self._control(site)
            return
        time.sleep(site.latency)
        body = site.body(self.path)
        with site.lock:
            site.requests += 1
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            with site.lock:
                site.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _control(self, site: FeedSite) -> None:
        """Benchmark control: ``/_control/generation/N`` or ``/_control/stats``."""
        if self.path.startswith("/_control/generation/"):
            site.generation = int(self.path.rsplit("/", 1)[1])
        body = json.dumps(
            {
                "generation": site.generation,
                "requests": site.requests,
                "not_modified": site.not_modified,
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: str, site: FeedSite) -> None:
        super().__init__((address, 0), _Handler)
        self.site = site


def _build_site(
    feeds: int, hosts: int, per_feed: int, latency: float
) -> tuple[FeedSite, list[tuple[str, str]]]:
    """The deterministic feeds: the site and, per feed, its loopback host and path."""
    writer = CorpusWriter(seed=21, outlets=min(feeds, 300))
    stories = writer.stories(feeds * (per_feed + 2), days=2)
    site = FeedSite(items={}, per_feed=per_feed, latency=latency)
    places = []
    for index in range(feeds):
        path = f"/feed/{index}.xml"
        outlet = writer.outlets[index % len(writer.outlets)]
        own = stories[index::feeds][: per_feed + 1]
        for number, story in enumerate(own):
            story.outlet = outlet
            story.link = story.guid = f"https://feed{index}.example/item/{number}"
        site.items[path] = own
        places.append((f"127.0.0.{index % hosts + 1}", path))
    return site, places


def _serve(feeds: int, hosts: int, per_feed: int, latency: float) -> None:
    """Child process: serve the feeds, print the URLs, obey ``/_control/`` requests."""
    site, places = _build_site(feeds, hosts, per_feed, latency)
    servers = [_FeedServer(f"127.0.0.{index + 1}", site) for index in range(hosts)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for host, path in places:
        port = servers[int(host.rsplit(".", 1)[1]) - 1].server_address[1]
        print(f"http://{host}:{port}{path}")
    print("ready", flush=True)
    sys.stdin.read()  # the parent closes stdin to stop the server


class RemoteSite:
    """The parent's handle on the feed server process: switch generations, read counters."""

    def __init__(self, control: str) -> None:
        self._control = control

    def _call(self, what: str) -> dict[str, int]:
        with urllib.request.urlopen(f"{self._control}/_control/{what}", timeout=10) as answer:
            counters: dict[str, int] = json.loads(answer.read())
            return counters

    @property
    def generation(self) -> int:
        return self._call("stats")["generation"]

    @generation.setter
    def generation(self, value: int) -> None:
        self._call(f"generation/{value}")

    @property
    def not_modified(self) -> int:
        return self._call("stats")["not_modified"]


@contextmanager
def serve_feeds(
    feeds: int, hosts: int, per_feed: int, latency: float
) -> Iterator[tuple[RemoteSite, list[str]]]:
    """Serve ``feeds`` feeds over ``hosts`` loopback addresses; yields the site and URLs.

    The server runs in its own process, as a publisher's would: its request
    handling must not compete with the fetcher for this interpreter's lock
    (newsboat, the comparison, runs in a process of its own too).
    """
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--serve",
        str(feeds),
        str(hosts),
        str(per_feed),
        str(latency),
    ]
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdin is not None
    urls = []
    for line in server.stdout:
        if line.strip() == "ready":
            break
        urls.append(line.strip())
    if len(urls) != feeds:
        server.kill()
        raise RuntimeError("the feed server did not start")
    try:
        yield RemoteSite(urls[0].rsplit("/feed/", 1)[0]), urls
    finally:
        server.stdin.close()
        server.wait(timeout=10)


def time_refresh(
    desk_dir: Path,
    feeds: int = 200,
    hosts: int = 50,
    per_feed: int = 3,
    latency: float = 0.1,
    newsboat: bool = True,
    concurrency: int | None = None,
) -> dict[str, Any]:
    """Seconds for a refresh that finds one new story per feed, then an all-304 refresh.

    A first, untimed refresh stores ``per_feed - 1`` stories per feed; the feeds
    then gain one story each. The same rounds are run through newsboat (if
    installed) with as many reload threads as our fetcher's global concurrency
    (the fetcher's default unless ``concurrency`` overrides it).
    """
    policy = FetchPolicy() if concurrency is None else FetchPolicy(max_concurrency=concurrency)
    figures: dict[str, Any] = {
        "feeds": feeds,
        "hosts": hosts,
        "latency_ms": latency * 1000,
        "concurrency": policy.max_concurrency,
        "per_host": policy.per_host,
    }
    with serve_feeds(feeds, hosts, per_feed, latency) as (site, urls):
        desk = Desk(desk_dir)
        for url in urls:
            desk.feeds.add(url)
        desk.pipeline(policy=policy).refresh(only_due=False)
        site.generation = 1
        figures.update(_timed_refresh(desk, policy, "new"))
        figures.update(_timed_refresh(desk, policy, "304"))
        figures["not_modified_answers"] = site.not_modified
        desk.close()
        if newsboat:
            figures.update(_newsboat(urls, site, policy.max_concurrency))
    return figures


def _timed_refresh(desk: Desk, policy: FetchPolicy, label: str) -> dict[str, float]:
    """One refresh as the app runs it: until the stories are stored, then until searchable.

    The app lists new stories once they are stored (``refresh(finish=False)``)
    and analyses and indexes them after, in the same worker.
    """
    pipeline = desk.pipeline(policy=policy)
    start = time.perf_counter()
    report = pipeline.refresh(only_due=False, finish=False)
    stored = time.perf_counter() - start
    pipeline.finish()
    total = time.perf_counter() - start
    return {
        f"refresh_{label}_s": round(stored, 3),
        f"refresh_{label}_complete_s": round(total, 3),
        f"refresh_{label}_analyse_index_s": round(total - stored, 3),
        f"refresh_{label}_added": report.added,
        f"refresh_{label}_errors": len(report.errors),
    }


def _newsboat(urls: list[str], site: RemoteSite, threads: int) -> dict[str, Any]:
    """The same rounds through ``newsboat -x reload``; empty figures if it is absent."""
    binary = shutil.which("newsboat")
    if binary is None:
        return {"newsboat": "not installed"}
    work = Path(tempfile.mkdtemp(prefix="newsboat-bench-"))
    try:
        (work / "urls").write_text("\n".join(urls) + "\n")
        (work / "config").write_text(f"reload-threads {threads}\n")
        command = [
            binary,
            "-x",
            "reload",
            "-u",
            str(work / "urls"),
            "-C",
            str(work / "config"),
            "-c",
            str(work / "cache.db"),
        ]
        env = {"HOME": str(work), "PATH": "/usr/bin:/bin", "TERM": "dumb"}
        site.generation = 0
        subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
        site.generation = 1
        found: dict[str, Any] = {}
        for label in ("new", "304"):
            start = time.perf_counter()
            done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
            found[f"newsboat_{label}_s"] = round(time.perf_counter() - start, 3)
            if done.returncode:
                found["newsboat_error"] = done.stderr.decode(errors="replace")[-300:]
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        feeds, hosts, per_feed = (int(value) for value in sys.argv[2:5])
        _serve(feeds, hosts, per_feed, float(sys.argv[5]))
