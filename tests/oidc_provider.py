"""A small OpenID Connect provider for the sign-in tests, on a free local port in a thread.

It does what the app's login needs of a real provider, and checks it as one would: discovery
(``/.well-known/openid-configuration``), an authorization endpoint with a login form (user name and
password), the code flow with PKCE (S256), client authentication (HTTP Basic or form), registered
redirect URIs, one-time codes, and RS256-signed ID tokens (Authlib's ``joserfc``) whose key is
published at ``/jwks``. Each user's ID token carries their claims (``email``, ``name``, ``roles``).

    with running_provider({"vera": User("pw", {"email": "vera@x.ru", "roles": ["viewer"]})},
                          client_id="dashboard", client_secret="s", redirect_uri=...) as provider:
        provider.metadata_url  # -> server_metadata_url of the app's [auth] secrets
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass(frozen=True)
class User:
    password: str
    claims: dict[str, Any]


@dataclass
class Provider:
    """The provider's state: clients, users, codes handed out; ``logins`` lists who signed in."""

    users: Mapping[str, User]
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    base: str = ""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "test-key"}))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.base, "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token", "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "grant_types_supported": ["authorization_code"],
        }

    def id_token(self, username: str, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.base, "sub": username, "aud": self.client_id, "iat": now, "exp": now + 3600,
                  **self.users[username].claims}
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)


def _form_page(params: Mapping[str, str], error: str = "") -> bytes:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in params.items())
    note = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return (f"<!doctype html><html><head><title>Sign in</title></head><body><h1>Company sign-in</h1>{note}"
            f'<form method="post" action="/authorize">{hidden}'
            '<label>User <input name="username" autocomplete="username"></label>'
            '<label>Password <input name="password" type="password"></label>'
            '<button type="submit">Continue</button></form></body></html>').encode()


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: bytes, kind: str = "application/json", headers: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, payload: Any) -> None:
            self._send(status, json.dumps(payload).encode())

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/.well-known/openid-configuration":
                return self._json(200, provider.metadata())
            if url.path == "/jwks":
                return self._json(200, {"keys": [provider.key.as_dict(private=False, use="sig", alg="RS256")]})
            if url.path == "/authorize":
                params = {k: v[0] for k, v in parse_qs(url.query).items()}
                problem = self._bad_request(params)
                if problem:
                    return self._json(400, {"error": "invalid_request", "error_description": problem})
                return self._send(200, _form_page(params), "text/html; charset=utf-8")
            self._json(404, {"error": "not_found"})

        def _bad_request(self, params: Mapping[str, str]) -> str | None:
            if params.get("client_id") != provider.client_id:
                return "unknown client"
            if params.get("redirect_uri") not in provider.redirect_uris:
                return "redirect_uri is not registered"
            if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
                return "only the code flow with the openid scope"
            if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
                return "PKCE with S256 is required"
            return None

        def do_POST(self) -> None:
            url = urlparse(self.path)
            form = self._form()
            if url.path == "/authorize":
                return self._login(form)
            if url.path == "/token":
                return self._token(form)
            self._json(404, {"error": "not_found"})

        def _login(self, form: dict[str, str]) -> None:
            params = {k: v for k, v in form.items() if k not in ("username", "password")}
            problem = self._bad_request(params)
            if problem:
                return self._json(400, {"error": "invalid_request", "error_description": problem})
            user = provider.users.get(form.get("username", ""))
            if user is None or not secrets.compare_digest(user.password, form.get("password", "")):
                return self._send(200, _form_page(params, "Wrong user name or password."), "text/html; charset=utf-8")
            code = secrets.token_urlsafe(24)
            with provider.lock:
                provider.codes[code] = {"username": form["username"], "redirect_uri": params["redirect_uri"],
                                        "nonce": params.get("nonce"), "challenge": params["code_challenge"],
                                        "expires": time.time() + 120}
            query = urlencode({"code": code, "state": params.get("state", "")})
            self._send(302, b"", "text/plain", {"Location": f"{params['redirect_uri']}?{query}"})

        def _client_ok(self, form: dict[str, str]) -> bool:
            header = self.headers.get("Authorization", "")
            if header.startswith("Basic "):
                from urllib.parse import unquote

                cid, _, secret = base64.b64decode(header[6:]).decode().partition(":")
                cid, secret = unquote(cid), unquote(secret)
            else:
                cid, secret = form.get("client_id", ""), form.get("client_secret", "")
            return cid == provider.client_id and secrets.compare_digest(secret, provider.client_secret)

        def _token(self, form: dict[str, str]) -> None:
            if not self._client_ok(form):
                return self._json(401, {"error": "invalid_client"})
            with provider.lock:
                grant = provider.codes.pop(form.get("code", ""), None)  # a code is good once
            if form.get("grant_type") != "authorization_code" or grant is None or grant["expires"] < time.time():
                return self._json(400, {"error": "invalid_grant"})
            if form.get("redirect_uri") != grant["redirect_uri"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri differs"})
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if not verifier or digest != grant["challenge"]:
                return self._json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
            with provider.lock:
                provider.logins.append(grant["username"])
            self._json(200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 3600,
                             "scope": "openid email profile",
                             "id_token": provider.id_token(grant["username"], grant["nonce"])})

    return Handler


@contextlib.contextmanager
def running_provider(users: Mapping[str, User], *, client_id: str, client_secret: str,
                     redirect_uri: str) -> Iterator[Provider]:
    """The provider serving on a free port of 127.0.0.1 until the block ends."""
    provider = Provider(users, client_id, client_secret, (redirect_uri,))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
