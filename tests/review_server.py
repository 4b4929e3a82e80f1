"""A minimal answer-writing server over the review store, for the durability test: POST /answer?who=&index=&answer=."""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from mnistdash.people import ReviewStore

store = ReviewStore.open(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        q = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        try:
            body, code = str(store.add_answer(q["who"], "test", int(q["index"]), q["answer"], source="load")), 200
        except Exception as exc:  # the client counts what went wrong, e.g. "database is locked"
            body, code = f"{type(exc).__name__}: {exc}", 500
        self.send_response(code)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
