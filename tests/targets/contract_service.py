#!/usr/bin/env python3
"""A second, independent test target: the webhook contract as the ORIGINAL service behaves.

The original service was Python/FastAPI; our reference stack (stack/) is Node/Fastify. This
file is a service unlike ours, written against /work/shared/contract.md ("Behaviour of the
original service"), so the suite can be pointed at something it was not built alongside.
Python 3.9+ standard library only (no pip packages): http.server.ThreadingHTTPServer with
HTTP/1.1 keep-alive, a thread per connection.

Run it by hand:

    python3 tests/targets/contract_service.py --port 8801
    python3 tests/targets/contract_service.py --port 8801 --rate-limit none --processing-ms 1-2
    python3 tests/targets/contract_service.py --help

It prints one line, `listening on http://127.0.0.1:<port>`, and nothing per request; SIGTERM
or SIGINT (Ctrl-C) stops it. Tests start it through tests/targets/contract-target.ts.

Endpoints:
  POST /webhook/freshdesk  rate limit -> signature -> JSON -> ticket_id -> duplicate -> processing
  GET  /webhook/health     200 {"status": "healthy", "service": "webhook_server", "timestamp": ...}
  GET  /webhook/metrics    the metrics document the original really publishes (--no-metrics: 404)
  anything else            404 {"detail": "Not Found"} (405 for another method on a known path)

Counting (as the original): only fully processed webhooks increment success_count; every 4xx
and 5xx answer of POST /webhook/freshdesk, 429 included, increments failure_count; duplicate
and ignored events count as neither. Answers to other paths are not counted.
"""

import argparse
import collections
import hashlib
import hmac
import ipaddress
import json
import math
import os
import random
import re
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WEBHOOK_PATH = "/webhook/freshdesk"
HEALTH_PATH = "/webhook/health"
METRICS_PATH = "/webhook/metrics"
KNOWN_PATHS = {WEBHOOK_PATH: "POST", HEALTH_PATH: "GET", METRICS_PATH: "GET"}

SUPPORTED_EVENTS = ("ticket_created", "ticket_updated", "note_added")
DUPLICATE_WINDOW_S = 60.0
DUPLICATE_MEMORY = 100  # the last 100 events are remembered
SLOW_OPERATION_MS = 1000  # a processed webhook slower than this is a "slow operation"
PERCENTILE_SAMPLES = 10000  # percentiles over the most recent samples; count is all of them
MAX_BODY_BYTES = 10 * 1024 * 1024
IDLE_KEEPALIVE_S = 75.0  # an idle keep-alive connection is closed after this


# ---------------------------------------------------------------------------------------------
# Parts


class SlidingWindowLimiter:
    """Per client IP: refused when `limit` requests were admitted in the last `window_s`.

    Refused requests are not added to the window. Thread-safe.
    """

    def __init__(self, limit, window_s, clock=time.monotonic):
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self.lock = threading.Lock()
        self.admitted = {}  # ip -> deque of admission times, oldest first

    def check(self, ip):
        """(True, None) when admitted; (False, seconds until the oldest admitted leaves) when not."""
        now = self.clock()
        with self.lock:
            times = self.admitted.get(ip)
            if times is None:
                times = self.admitted[ip] = collections.deque()
            while times and now - times[0] >= self.window_s:
                times.popleft()
            if len(times) < self.limit:
                times.append(now)
                return True, None
            return False, times[0] + self.window_s - now

    def message(self):
        window = self.window_s
        shown = str(int(window)) if float(window).is_integer() else ("%g" % window)
        return "Rate limit exceeded: %d requests per %s seconds" % (self.limit, shown)


class DuplicateDetector:
    """The same (ticket_id, event) within the window is a duplicate; the last N events remembered.

    A key is recorded when it is first seen (before processing), so a concurrent repeat is a
    duplicate too.
    """

    def __init__(self, window_s=DUPLICATE_WINDOW_S, memory=DUPLICATE_MEMORY, clock=time.monotonic):
        self.window_s = window_s
        self.clock = clock
        self.lock = threading.Lock()
        self.recent = collections.deque(maxlen=memory)  # (key, seen at)

    def seen_before(self, key):
        now = self.clock()
        with self.lock:
            for seen_key, at in self.recent:
                if seen_key == key and now - at < self.window_s:
                    return True
            self.recent.append((key, now))
            return False


class Metrics:
    def __init__(self):
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.success_count = 0
        self.failure_count = 0
        self.slow_operation_count = 0
        self.times_count = 0
        self.times_sum = 0
        self.times = collections.deque(maxlen=PERCENTILE_SAMPLES)  # integer ms

    def success(self, elapsed_ms):
        ms = int(round(elapsed_ms))
        with self.lock:
            self.success_count += 1
            self.times.append(ms)
            self.times_count += 1
            self.times_sum += ms
            if ms > SLOW_OPERATION_MS:
                self.slow_operation_count += 1

    def failure(self):
        with self.lock:
            self.failure_count += 1

    def document(self):
        with self.lock:
            success, failure = self.success_count, self.failure_count
            times = sorted(self.times)
            count, total = self.times_count, self.times_sum
            slow = self.slow_operation_count
        answered = success + failure
        if times:
            n = len(times)

            def pick(p):
                return times[min(int(n * p), n - 1)]

            processing = {
                "p50": pick(0.50),
                "p95": pick(0.95),
                "p99": pick(0.99),
                "average": int(round(total / count)),
                "count": count,
            }
        else:
            processing = {"p50": None, "p95": None, "p99": None, "average": None, "count": None}
        return {
            "webhook_metrics": {
                "success_count": success,
                "failure_count": failure,
                "success_rate_percent": round(success / answered * 100, 2) if answered else 0.0,
                "processing_times": processing,
            },
            "performance_metrics": {"slow_operation_count": slow, "api_latencies": {}},
            "uptime_seconds": round(time.monotonic() - self.started, 2),
            "journey_metrics": {},
            "error_metrics": {},
            "alerts": [],
        }


class Processor:
    """Stand-in for the Freshdesk API call and the automation: a seeded random sleep."""

    def __init__(self, low_ms, high_ms, seed):
        self.low_ms = low_ms
        self.high_ms = high_ms
        self.random = random.Random(seed)
        self.lock = threading.Lock()

    def process(self):
        with self.lock:
            ms = self.random.uniform(self.low_ms, self.high_ms)
        if ms > 0:
            time.sleep(ms / 1000.0)


def ticket_fields(payload):
    """(ticket_id, event, subject + description) from a flat or a wrapped payload."""
    inner = payload.get("freshdesk_webhook")
    if not isinstance(inner, dict):
        inner = {}
    ticket_id = payload.get("ticket_id")
    if not ticket_id:
        ticket_id = inner.get("ticket_id")
    event = payload.get("event") or inner.get("event") or "ticket_created"
    text = []
    for source in (payload, inner):
        for field in ("ticket_subject", "ticket_description", "subject", "description"):
            value = source.get(field)
            if isinstance(value, str):
                text.append(value)
    return ticket_id, event, " ".join(text)


def should_process(event, text):
    if event not in SUPPORTED_EVENTS:
        return False
    if event == "ticket_updated" and "refund" not in text.lower():
        return False
    return True


# ---------------------------------------------------------------------------------------------
# HTTP


class Service:
    def __init__(self, args):
        self.secret = args.secret.encode("utf-8")
        self.limiter = args.rate_limit  # SlidingWindowLimiter or None
        self.retry_after = args.retry_after
        self.retry_after_value = args.retry_after_value
        self.accept_status = args.accept_status
        self.bad_signature_status = args.bad_signature_status
        self.metrics_enabled = args.metrics
        self.metrics = Metrics()
        self.duplicates = DuplicateDetector()
        self.processor = Processor(args.processing_ms[0], args.processing_ms[1], args.seed)


def json_bytes(content):
    # As Starlette's JSONResponse renders it.
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "contract-service"
    timeout = IDLE_KEEPALIVE_S
    service = None  # set on the class before serving

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def version_string(self):
        return self.server_version

    # --- answers

    def answer(self, status, content=None, headers=None):
        body = b"" if content is None else json_bytes(content)
        self.send_response(status)
        if content is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)
        self.wfile.flush()

    def send_error(self, code, message=None, explain=None):
        # Malformed requests (bad request line, oversized headers, ...): a JSON answer with a
        # Content-Length, then the connection closes.
        self.close_connection = True
        try:
            detail = message or self.responses.get(code, ("Error",))[0]
            self.answer(code, {"detail": detail})
        except OSError:
            pass

    # --- request body

    def read_body(self):
        """The raw body, or None after answering (and closing) when it cannot be read."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.read_chunked()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
            if length < 0:
                raise ValueError
        except ValueError:
            self.send_error(400, "Invalid Content-Length")
            return None
        if length > MAX_BODY_BYTES:
            self.send_error(413, "Request Entity Too Large")
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            self.close_connection = True
            return None
        return body

    def read_chunked(self):
        parts, size = [], 0
        for _ in range(1_000_000):  # bounded: at most this many chunks
            line = self.rfile.readline(1024)
            try:
                chunk = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.send_error(400, "Invalid chunked body")
                return None
            if chunk == 0:
                for _ in range(100):  # trailers, up to the empty line
                    trailer = self.rfile.readline(8192)
                    if trailer in (b"\r\n", b"\n", b""):
                        break
                return b"".join(parts)
            size += chunk
            if size > MAX_BODY_BYTES:
                self.send_error(413, "Request Entity Too Large")
                return None
            data = self.rfile.read(chunk)
            self.rfile.readline(8)  # the CRLF after the chunk
            if len(data) < chunk:
                self.close_connection = True
                return None
            parts.append(data)
        self.send_error(413, "Request Entity Too Large")
        return None

    # --- routing

    def route(self):
        body = self.read_body()
        if body is None:
            return
        path = self.path.split("?", 1)[0]
        method = KNOWN_PATHS.get(path)
        if method is None:
            self.answer(404, {"detail": "Not Found"})
        elif self.command != method:
            self.answer(405, {"detail": "Method Not Allowed"}, {"Allow": method})
        elif path == WEBHOOK_PATH:
            self.webhook(body)
        elif path == HEALTH_PATH:
            self.answer(200, {
                "status": "healthy",
                "service": "webhook_server",
                "timestamp": datetime.now(timezone.utc).isoformat(),
            })
        elif not self.service.metrics_enabled:
            self.answer(404, {"detail": "Not Found"})
        else:
            self.answer(200, self.service.metrics.document())

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = route

    # --- POST /webhook/freshdesk

    def fail(self, status, content, headers=None):
        self.service.metrics.failure()
        self.answer(status, content, headers)

    def webhook(self, body):
        service = self.service
        started = time.monotonic()

        # 1. Rate limiter: every POST counts, signed or not; refused ones are not added.
        if service.limiter is not None:
            admitted, wait_s = service.limiter.check(self.client_address[0])
            if not admitted:
                headers = None
                if service.retry_after_value is not None:
                    headers = {"Retry-After": service.retry_after_value}
                elif service.retry_after:
                    headers = {"Retry-After": str(max(1, int(math.ceil(wait_s))))}
                self.fail(429, {"detail": service.limiter.message()}, headers)
                return

        # 2. Signature.
        received = self.headers.get("X-Freshdesk-Signature") or ""
        expected = hmac.new(service.secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(received.encode("utf-8", "replace"), expected.encode("ascii")):
            self.fail(service.bad_signature_status, {"detail": "Invalid webhook signature"})
            return

        # 3. JSON (anything unparsable, or not an object, is the original's unhandled 500).
        try:
            payload = json.loads(body)
            ticket_id, event, text = ticket_fields(payload)
        except Exception:  # noqa: BLE001 - the original answered any of these with a 500
            self.fail(500, {"detail": "Internal Server Error"})
            return

        # 4. ticket_id.
        if not ticket_id:
            self.fail(400, {"detail": "Missing ticket_id"})
            return

        # 5. Duplicate.
        if service.duplicates.seen_before((str(ticket_id), str(event))):
            self.answer(200, {"status": "duplicate", "message": "Duplicate event ignored"})
            return

        # 6. Processing.
        if service.accept_status == 202:
            self.answer(202)
            worker = threading.Thread(
                target=self.process_queued, args=(event, text), name="webhook-worker", daemon=True)
            worker.start()
            return
        if not should_process(event, text):
            self.answer(200, {"status": "ignored"})
            return
        service.processor.process()
        service.metrics.success((time.monotonic() - started) * 1000.0)
        self.answer(200, {"status": "processed", "ticket_id": ticket_id, "event": event})

    def process_queued(self, event, text):
        service = self.service
        if not should_process(event, text):
            return
        started = time.monotonic()
        service.processor.process()
        service.metrics.success((time.monotonic() - started) * 1000.0)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of new connections would lose SYNs and
    # wait a second for the retransmit. uvicorn's default backlog is 2048.
    request_queue_size = 2048


class Server6(Server):
    address_family = socket.AF_INET6


# ---------------------------------------------------------------------------------------------
# Command line


def loopback_host(value):
    host = "127.0.0.1" if value == "localhost" else value
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not an IP address; only loopback is allowed" % value)
    if not address.is_loopback:
        raise argparse.ArgumentTypeError("%s is not a loopback address; only loopback is allowed" % value)
    return str(address)


def rate_limit(value):
    if value.lower() == "none":
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", value)
    if not match or int(match.group(1)) < 1 or float(match.group(2)) <= 0:
        raise argparse.ArgumentTypeError("expected N/Ws (e.g. 100/60s) or none, got %r" % value)
    return SlidingWindowLimiter(int(match.group(1)), float(match.group(2)))


def processing_ms(value):
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?)\s*)?", value)
    if not match:
        raise argparse.ArgumentTypeError("expected LOW-HIGH in ms (e.g. 200-500), got %r" % value)
    low = float(match.group(1))
    high = float(match.group(2)) if match.group(2) is not None else low
    if high < low:
        raise argparse.ArgumentTypeError("LOW must not exceed HIGH, got %r" % value)
    return low, high


def port_number(value):
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("port must be 0-65535, got %r" % value)
    return port


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="The webhook contract as the original (Python/FastAPI) service behaves; a test target.")
    parser.add_argument("--host", type=loopback_host, default="127.0.0.1",
                        help="loopback address to listen on (default 127.0.0.1; nothing else is allowed)")
    parser.add_argument("--port", type=port_number, default=0, help="port (default 0: a free port)")
    parser.add_argument("--secret", default="test_secret_key_12345",
                        help="HMAC-SHA256 key of X-Freshdesk-Signature (default test_secret_key_12345)")
    parser.add_argument("--rate-limit", type=rate_limit, default=rate_limit("100/60s"),
                        help="sliding window per client IP, N/Ws (default 100/60s), or none")
    parser.add_argument("--retry-after", action="store_true",
                        help="429s carry Retry-After: whole seconds until the oldest admitted request leaves (>= 1)")
    parser.add_argument("--retry-after-value", default=None,
                        help="429s carry exactly this Retry-After, e.g. 3600 (a service that misstates it)")
    parser.add_argument("--accept-status", type=int, choices=(200, 202), default=200,
                        help="200: processed inside the request (default); 202: empty answer, processed afterwards")
    parser.add_argument("--bad-signature-status", type=int, choices=(401, 500), default=401,
                        help="status of a bad or missing signature (default 401; 500 like Debian's webhook)")
    parser.add_argument("--no-metrics", dest="metrics", action="store_false",
                        help="GET /webhook/metrics answers 404")
    parser.add_argument("--processing-ms", type=processing_ms, default=(200.0, 500.0),
                        help="processing time, uniform LOW-HIGH ms (default 200-500)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the processing times (default 1)")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit when this process is gone (tests pass their own pid)")
    return parser.parse_args(argv)


def parent_gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    Handler.service = Service(args)
    server_class = Server6 if ":" in args.host else Server
    server = server_class((args.host, args.port), Handler)
    port = server.server_address[1]
    shown_host = "[%s]" % args.host if ":" in args.host else args.host

    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                               name="serve", daemon=True)
    serving.start()
    sys.stdout.write("listening on http://%s:%d\n" % (shown_host, port))
    sys.stdout.flush()

    while not stop.wait(0.5):
        if args.parent_pid is not None and parent_gone(args.parent_pid):
            break
        if not serving.is_alive():
            break
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
