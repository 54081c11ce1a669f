#!/usr/bin/env python3
"""What each kind of caller authentication costs per request (issue 13, item 4), side by side in one run.

Rows, each `wrk -t1 -c32 -d{duration}s` against a release build, median of {repeat} runs:

  no auth          GET /open?name=Ada            a route without `auth`
  API key          GET /keyed?name=Ada           `{"apiKey": {}}`, `x-api-key` from a 3-key `--api-keys` file
  JWT (RS256)      GET /jwt?name=Ada             `{"jwt": {…}}`, a 2048-bit RSA key from a JWKS file
  Invoke API       POST …/functions/plain/invocations, unsigned (no `--invoke-credentials`)
  Invoke API SigV4 the same, on an invoker with `--invoke-credentials`, signed once with botocore and replayed:
                   SigV4 has no nonce, so a signed request stays valid for its 15-minute window, and the invoker
                   checks the full signature on every replay, as it would for fresh ones.

Every function is `hello` from the worker binary (scaling min 1, max 4). The ratios are to "no auth" (the Invoke
API rows also to the unsigned Invoke API) from the same run; CPU / request is the invoker process's own CPU time
(without its workers) divided by the requests served.

    python3 Benchmarks/auth.py [--duration 5] [--repeat 3] [--bin-path .build/debug]

Needs wrk (`apt-get install wrk`) and the Python packages `cryptography` and `botocore` (`pip install cryptography
botocore`), which make the keys, the token and the signature.
"""
import argparse
import base64
import json
import os
import statistics
import tempfile
import time

import sys

# Benchmarks/queue.py would shadow the standard library's `queue`, which botocore needs: import it without this
# folder on the path.
_HERE = sys.path.pop(0)
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402

sys.path.insert(0, _HERE)
from common import build, cpu_seconds, require_wrk, start, stop, wrk, write_manifest  # noqa: E402

ISSUER = "https://id.example.com/"
AUDIENCE = "orders-api"
API_KEY = "bench-key-3f9a0c27e1d84b6f9e0d2c5a7b1e4f60"
ACCESS_KEY, SECRET_KEY = "AKIDBENCHMARK", "benchmark-secret-access-key"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def integer_bytes(number):
    return number.to_bytes((number.bit_length() + 7) // 8, "big")


def make_token(folder):
    """Writes a JWKS with a fresh RSA key into `folder`; returns its path and a token signed with the key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwks = {"keys": [{"kty": "RSA", "kid": "bench-1", "alg": "RS256", "use": "sig",
                      "n": b64url(integer_bytes(numbers.n)), "e": b64url(integer_bytes(numbers.e))}]}
    path = os.path.join(folder, "jwks.json")
    with open(path, "w") as file:
        json.dump(jwks, file)
    header = b64url(json.dumps({"alg": "RS256", "kid": "bench-1", "typ": "JWT"}).encode())
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "bench", "iat": now, "exp": now + 3600, "scope": "read"}
    payload = b64url(json.dumps(claims).encode())
    signature = key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return path, f"{header}.{payload}.{b64url(signature)}"


def signed_headers(port, body):
    """The headers of an Invoke API request signed by botocore for `lambda` in `us-east-1`."""
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/2015-03-31/functions/plain/invocations",
                         data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def lua_script(folder, name, method, headers, body=None):
    """A wrk script that sends `method` with `headers` (and `body`)."""
    path = os.path.join(folder, f"{name}.lua")
    lines = [f'wrk.method = "{method}"']
    for header, value in headers.items():
        lines.append(f'wrk.headers["{header}"] = "{value}"')
    if body is not None:
        lines.append(f"wrk.body = '{body}'")
    with open(path, "w") as file:
        file.write("\n".join(lines) + "\n")
    return path


def measure(process, url, script, duration):
    before = cpu_seconds(process.pid)
    result = wrk(url, 32, duration, script)
    result["cpu"] = (cpu_seconds(process.pid) - before) / max(result["requests"], 1)
    if result["non2xx"] or result["errors"]:
        raise SystemExit(f"{url}: {result['non2xx']} non-2xx responses, {result['errors']} socket errors")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--bin-path", help="use the invoker and Functions binaries in this folder instead of a"
                        " release build (figures from a debug build are not comparable)")
    arguments = parser.parse_args()
    require_wrk()
    binaries = os.path.abspath(arguments.bin_path) if arguments.bin_path else build("invoker", "Functions")
    with tempfile.TemporaryDirectory() as folder:
        jwks, token = make_token(folder)
        keys = os.path.join(folder, "api-keys")
        with open(keys, "w") as file:
            file.write(f"ci ci-key-0123456789abcdef\npartner partner-key-0123456789abcdef\nbench {API_KEY}\n")
        os.chmod(keys, 0o600)
        credentials = os.path.join(folder, "credentials")
        with open(credentials, "w") as file:
            file.write(f"[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n")
        scaling = {"min": 1, "max": 4}
        manifest = write_manifest(folder, {
            "hello": {"handler": "hello", "scaling": scaling, "http": [
                {"path": "/open", "methods": ["GET"]},
                {"path": "/keyed", "methods": ["GET"], "auth": {"apiKey": {}}},
                {"path": "/jwt", "methods": ["GET"],
                 "auth": {"jwt": {"issuer": ISSUER, "audience": [AUDIENCE], "jwks": jwks}}},
            ]},
            "plain": {"handler": "hello", "scaling": scaling},
        })
        open_invoker, port = start(binaries, manifest, os.path.join(folder, "a.sqlite"), "--api-keys", keys)
        signed_invoker, signed_port = start(binaries, manifest, os.path.join(folder, "b.sqlite"),
                                            "--api-keys", keys, "--invoke-credentials", credentials)
        # A whole Function URL event, so that `hello` answers as it does over HTTP.
        body = json.dumps({
            "version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "name=Ada", "headers": {},
            "queryStringParameters": {"name": "Ada"}, "isBase64Encoded": False,
            "requestContext": {
                "accountId": "000000000000", "apiId": "plain", "domainName": "localhost", "domainPrefix": "localhost",
                "requestId": "bench", "routeKey": "$default", "stage": "$default", "time": "", "timeEpoch": 0,
                "http": {"method": "GET", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                         "userAgent": "wrk"}}}, separators=(",", ":"))
        invoke = "/2015-03-31/functions/plain/invocations"
        rows = [
            ("no auth", open_invoker, port, "/open?name=Ada", lua_script(folder, "open", "GET", {})),
            ("API key", open_invoker, port, "/keyed?name=Ada",
             lua_script(folder, "keyed", "GET", {"x-api-key": API_KEY})),
            ("JWT (RS256)", open_invoker, port, "/jwt?name=Ada",
             lua_script(folder, "jwt", "GET", {"Authorization": f"Bearer {token}"})),
            ("Invoke API, unsigned", open_invoker, port, invoke,
             lua_script(folder, "invoke", "POST", {"Content-Type": "application/json"}, body)),
            ("Invoke API, SigV4 (replayed)", signed_invoker, signed_port, invoke,
             lua_script(folder, "sigv4", "POST", signed_headers(signed_port, body), body)),
        ]
        results = {name: [] for name, *_ in rows}
        for _ in range(arguments.repeat):
            for name, process, row_port, path, script in rows:
                results[name].append(measure(process, f"http://127.0.0.1:{row_port}{path}", script,
                                             arguments.duration))
        stop(open_invoker)
        stop(signed_invoker)
    medians = {name: {key: statistics.median(run[key] for run in runs) for key in ("rps", "p50", "p99", "cpu")}
               for name, runs in results.items()}
    base, unsigned = medians["no auth"], medians["Invoke API, unsigned"]
    kind = f"binaries from {arguments.bin_path}" if arguments.bin_path else "release build"
    print(f"c=32, wrk -t1 -d{arguments.duration}s, median of {arguments.repeat}, {kind}\n")
    print("| Auth | req/s | × no auth | p50 | p99 | invoker CPU / request | added CPU / request |")
    print("|---|---|---|---|---|---|---|")
    for name, _, _, _, _ in rows:
        row = medians[name]
        reference = unsigned if name.startswith("Invoke API, SigV4") else base
        ratio = f"{row['rps'] / base['rps']:.2f}×"
        if reference is unsigned:
            ratio += f" ({row['rps'] / unsigned['rps']:.2f}× unsigned)"
        added = (row["cpu"] - reference["cpu"]) * 1e6
        print(f"| {name} | {row['rps']:,.0f} | {ratio} | {row['p50'] * 1e3:.2f} ms | {row['p99'] * 1e3:.2f} ms | "
              f"{row['cpu'] * 1e6:.0f} µs | {'' if row is reference else f'{added:+.0f} µs'} |")


if __name__ == "__main__":
    main()
