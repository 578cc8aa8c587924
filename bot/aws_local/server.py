"""`LocalAws`: the Price List and Bedrock control-plane stand-in as an HTTP server on 127.0.0.1.

    with LocalAws(AwsData.from_dir(path)) as aws:
        env = {"AWS_ENDPOINT_URL_PRICING": aws.url, "AWS_ENDPOINT_URL_BEDROCK": aws.url, ...}
        aws.throttle(2)          # the next two requests get ThrottlingException (botocore retries them)

Errors use each protocol's wire form: JSON 1.1 `{"__type": ..., "message": ...}` with 400 for `pricing`,
REST-JSON status + `x-amzn-ErrorType` for `bedrock`. Unsigned requests get 403, as AWS would answer.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.aws_local.data import AwsData

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
PRODUCTS_PAGE_MAX = 100  # GetProducts MaxResults is 1..100


class AwsError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class LocalAws:
    """The stand-in. `profiles_page` is the default ListInferenceProfiles page size (small, so paging shows)."""

    def __init__(self, data: AwsData, *, profiles_page: int = 5) -> None:
        self.data, self.profiles_page = data, profiles_page
        self.requests: list[tuple[str, str, str]] = []  # (service, operation, region)
        self._throttle = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, port: int = 0) -> LocalAws:
        handler = type("Handler", (_Handler,), {"aws": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="aws-local", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalAws is not running: call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> LocalAws:
        return self if self._server is not None else self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def throttle(self, count: int) -> None:
        """Answer the next `count` requests with ThrottlingException."""
        with self._lock:
            self._throttle = count

    def handle(self, service: str, region: str, method: str, target: str, body: bytes) -> dict[str, Any]:
        """One request → the response document, or `AwsError`."""
        with self._lock:
            if self._throttle > 0:
                self._throttle -= 1
                self.requests.append((service, "throttled", region))
                raise AwsError(429 if service == "bedrock" else 400, "ThrottlingException", "Rate exceeded")
        if service == "pricing":
            operation = target.rsplit(".", 1)[-1]
            self.requests.append((service, operation, region))
            if operation != "GetProducts":
                raise AwsError(400, "UnknownOperationException", f"{operation} is not served locally")
            return self._products(json.loads(body or b"{}"))
        url = urlsplit(target)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        operations = {"/foundation-models": "ListFoundationModels", "/inference-profiles": "ListInferenceProfiles"}
        if method != "GET" or url.path not in operations:
            raise AwsError(404, "UnknownOperationException", f"{method} {url.path} is not served locally")
        self.requests.append((service, operations[url.path], region))
        if url.path == "/foundation-models":
            return {"modelSummaries": self._filter_models(self.data.models(region), query)}
        profiles = [p for p in self.data.profiles(region) if p.get("type") == query.get("type", p.get("type"))]
        size = int(query.get("maxResults", self.profiles_page))
        page, token = _page(profiles, query.get("nextToken"), size, region)
        return {"inferenceProfileSummaries": page, **({"nextToken": token} if token else {})}

    def _products(self, request: dict[str, Any]) -> dict[str, Any]:
        code = str(request.get("ServiceCode", ""))
        if not code:
            raise AwsError(400, "InvalidParameterException", "ServiceCode is required")
        size = int(request.get("MaxResults", PRODUCTS_PAGE_MAX))
        if not 1 <= size <= PRODUCTS_PAGE_MAX:
            raise AwsError(400, "InvalidParameterException", "MaxResults must be between 1 and 100")
        items = self.data.products.get(code, [])
        for f in request.get("Filters", []):
            needle = f'"{f["Field"]}":{json.dumps(f["Value"])}'
            items = [i for i in items if needle in i]  # TERM_MATCH on an attribute
        page, token = _page(items, request.get("NextToken"), size, code)
        return {"FormatVersion": "aws_v1", "PriceList": page, **({"NextToken": token} if token else {})}

    @staticmethod
    def _filter_models(models: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
        provider = query.get("byProvider")
        return [m for m in models if provider is None or str(m.get("providerName", "")).lower() == provider.lower()]


def _page(items: list[Any], token: str | None, size: int, scope: str) -> tuple[list[Any], str | None]:
    start = 0
    if token:
        try:
            got_scope, offset = base64.urlsafe_b64decode(token.encode()).decode().rsplit("|", 1)
            start = int(offset)
        except (ValueError, UnicodeDecodeError):
            raise AwsError(400, "InvalidNextTokenException", "The next token is invalid") from None
        if got_scope != scope:
            raise AwsError(400, "InvalidNextTokenException", "The next token belongs to another query")
    end = start + size
    more = base64.urlsafe_b64encode(f"{scope}|{end}".encode()).decode() if end < len(items) else None
    return items[start:end], more


class _Handler(BaseHTTPRequestHandler):
    aws: LocalAws
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes; without this, delayed ACKs add ~40 ms to every kept-alive request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        service = scope.group(2) if scope else ("pricing" if self.headers.get("X-Amz-Target") else "bedrock")
        try:
            if scope is None:
                raise AwsError(403, "MissingAuthenticationTokenException", "Request is missing a SigV4 signature")
            target = self.headers.get("X-Amz-Target", "") if service == "pricing" else self.path
            reply, status = self.aws.handle(service, scope.group(1), method, target, body), 200
        except AwsError as exc:
            reply, status = {"__type": exc.code, "message": exc.message}, exc.status
            self._send(status, reply, service, exc.code)
            return
        self._send(status, reply, service, None)

    def _send(self, status: int, reply: dict[str, Any], service: str, error: str | None) -> None:
        data = json.dumps(reply).encode()
        self.send_response(status)
        json_type = "application/x-amz-json-1.1" if service == "pricing" else "application/json"
        self.send_header("Content-Type", json_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", "local-0000")
        if error is not None:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
