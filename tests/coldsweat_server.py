"""Run a real coldsweat (Fever API server) on 127.0.0.1 for the sync tests.

``python coldsweat_server.py DB setup EMAIL PASSWORD FEED_URL...``: create the user
and subscribe it; ``... DB fetch``: fetch every feed; ``... DB serve``: serve the
Fever API on a free loopback port (printed on the first line of stdout).

Nothing may leave the loopback address: coldsweat looks feed icons up on an outside
host, so its icon fetch is switched off, and every name lookup that is not of a
loopback host is refused in this process.
"""

from __future__ import annotations

import socket
import sys

_real_getaddrinfo = socket.getaddrinfo


def _loopback_only(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    if host not in ("127.0.0.1", "localhost", "::1", b"127.0.0.1", b"localhost"):
        raise OSError(f"refused: {host!r} is not a loopback address")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_only

import coldsweat  # noqa: E402
import coldsweat.fetcher  # noqa: E402
from coldsweat import feed, models  # noqa: E402

coldsweat.fetcher.Fetcher._fetch_icon = lambda self: None  # type: ignore[method-assign]


def main() -> None:
    db, action, *rest = sys.argv[1:]

    class Config:
        DATABASE_URL = f"sqlite:///{db}"
        SECRET_KEY = "test only"

    app = coldsweat.create_app(Config)
    if action == "serve":
        from werkzeug.serving import make_server

        server = make_server("127.0.0.1", 0, app, threaded=True)
        print(server.server_port, flush=True)
        server.serve_forever()
        return
    with app.app_context():
        if action == "setup":
            # only here: setup() re-inserts the built-in groups with REPLACE, which
            # cascades to (deletes) every subscription
            models.setup()
            email, password, *urls = rest
            user = models.User.create(
                email=email,
                password_hash="-",
                fever_api_key=models.User.make_fever_api_key(email, password),
            )
            group = models.Group.get(models.Group.title == models.Group.DEFAULT_GROUP)
            for url in urls:
                feed.add_subscription(user, feed.add_feed_from_url(url), group)
        elif action == "fetch":
            feed.fetch_all_feeds()
        elif action == "read":  # mark items read/saved as another client would
            flag, *ids = rest
            user = models.User.get()
            for item_id in ids:
                entry = models.Entry.get(models.Entry.id == int(item_id))
                model = models.Saved if flag == "saved" else models.Read
                model.get_or_create(user=user, entry=entry)


if __name__ == "__main__":
    main()
