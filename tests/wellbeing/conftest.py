"""Fixtures of the wellbeing tests: a real local SMS gateway over HTTP, greeting settings."""

import http.server
import json
import threading

import pytest


class Gateway:
    """A local HTTP SMS gateway: records every request; answers ok, an error code, or HTTP 500."""

    def __init__(self):
        self.requests: list[dict] = []
        self.mode = "ok"  # "ok" | "refuse" | "http500"
        self.lock = threading.Lock()
        # Hold the answer to request number ``hold`` (1-based) until ``release`` is set: the
        # gateway has the message, the sender is still waiting (and can be killed meanwhile).
        self.hold: int | None = None
        self.held = threading.Event()
        self.release = threading.Event()

    def texts(self):
        with self.lock:
            return [r["body"]["text"] for r in self.requests]


def _handler(gateway):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length).decode("utf-8"))
            with gateway.lock:
                gateway.requests.append({"body": body, "signature": self.headers.get("X-Signature")})
                n = len(gateway.requests)
                mode = gateway.mode
                hold = gateway.hold == n
            if hold:
                gateway.held.set()
                gateway.release.wait(timeout=120)
            if mode == "http500":
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"gateway down")
                return
            answer = {"code": 0, "message_id": f"msg-{n}", "status": "queued"}
            if mode == "refuse":
                answer = {"code": 1001, "message": "余额不足"}
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                self.wfile.write(payload)
            except OSError:  # the sender is gone (a killed worker)
                pass

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def sms_gateway(settings):
    """Start a real HTTP gateway on 127.0.0.1 (ephemeral port) and point the SMS backend at it."""
    gateway = Gateway()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "core.notifications.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.SMS_GATEWAY_KEY = "test-key"
    settings.SMS_GATEWAY_TEMPLATE = "SMS_BIRTHDAY_001"
    settings.SMS_GATEWAY_TIMEOUT = 2.0
    yield gateway
    gateway.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
