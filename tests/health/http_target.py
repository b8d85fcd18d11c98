#!/usr/bin/env python3
"""Probe targets for the health tests: a real HTTP server on 127.0.0.1.

/healthy -> 200 {"status": "UP"}     /down -> 200 {"status": "DOWN"}
/slow    -> 200 after 1.5 s          /error -> 500
/hung    -> reads the request, never answers
Prints the port it listens on, then serves until killed.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/hung":
            time.sleep(3600)
            return
        if path == "/slow":
            time.sleep(1.5)
        status, body = 200, {"status": "UP"}
        if path == "/error":
            status, body = 500, {"status": "ERROR"}
        elif path == "/down":
            body = {"status": "DOWN"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
