"""The load test (issue 13): the app under gunicorn as deployed (gunicorn.conf.py,
DEBUG off, collected static files), on the loopback interface only, against the scale
province in DATABASE_URL.

    make load                       # the deployed configuration
    .venv/bin/python -m tests.bench.load [--configs gthread:2x4,sync:5] [--users 100]
                                         [--duration 60] [--throughput-seconds 10]

For each configuration (worker class : processes [x threads]):
1. throughput: 16 clients in a closed loop for `--throughput-seconds` on a bare DRF view
   (tests/bench/urls.py), then as long on the audit list API as the province officer;
   requests per second of each and their ratio;
2. `--users` concurrent users for `--duration` seconds, mixed pages and roles (province
   and city officers, a consulting firm, an enterprise, an expert, the public), each
   user waiting 2–6 s between pages as a reader does; p50, p95 and max latency, and
   errors (any status but 200, a time-out at 30 s, a refused connection).

Bounded: every loop stops at its deadline, every request times out at 30 s, gunicorn is
stopped at the end (and the sessions made for the users deleted).
"""

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
TIMEOUT = 30
THINK = (2.0, 6.0)
DEPLOYED = "gthread:2x4"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def parse_config(text: str) -> dict:
    """`gthread:2x4` → gthread, 2 processes, 4 threads; `sync:5` → 5 sync processes."""
    worker_class, _, shape = text.partition(":")
    workers, _, threads = shape.partition("x")
    return {"class": worker_class, "workers": int(workers), "threads": int(threads or 1)}


class Server:
    def __init__(self, config: dict, env: dict):
        self.port = free_port()
        self.env = env | {
            "GUNICORN_WORKER_CLASS": config["class"],
            "WEB_CONCURRENCY": str(config["workers"]),
            "GUNICORN_THREADS": str(config["threads"]),
            "GUNICORN_BIND": f"{HOST}:{self.port}",
            "GUNICORN_ACCESS_LOG": "",
        }
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "tests.bench.wsgi:application",
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = request(self.port, "/bench/hello/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def request(port, path, cookie=None, connection=None):
    """One GET; (status, connection to reuse). A kept-alive connection the server closed
    meanwhile (gunicorn's keepalive is shorter than a reader's pause) is opened again
    and the GET sent once more, as a browser does; a fresh connection is not retried."""
    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    if connection is not None:
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status, connection
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status, connection


def sessions() -> dict:
    """A logged-in session per role of the mix (the scale logins have no password)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from cpaudit.seeding import scale

    prefix = scale.user_prefix(os.environ.get("BENCH_PROVINCE", "320000"))
    users = {
        "province": User.objects.get(username=f"{prefix}province"),
        "city": User.objects.filter(username__startswith=prefix, role="authority")
        .exclude(username__contains="province")
        .order_by("username")
        .first(),
        "consultant": User.objects.filter(username__startswith=prefix, role="consultant")
        .order_by("username")
        .first(),
        "enterprise": User.objects.filter(username__startswith=prefix, role="enterprise")
        .order_by("username")
        .first(),
        "expert": User.objects.filter(username__startswith=prefix, role="expert")
        .order_by("username")
        .first(),
    }
    keys = {}
    for role, user in users.items():
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys[role] = store.session_key
    return keys


def drop_sessions(keys: dict):
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys.values()).delete()


# The mix: (share of users, role, pages).
MIX = [
    (
        30,
        "province",
        [
            "/dashboard/",
            "/reviews/",
            "/reviews/?overdue=on",
            "/audits/",
            "/audits/?page=20",
            "/api/v1/audits/?page=50",
            "/api/v1/audits/?overdue=true",
            "/api/v1/statistics/summary/?year=2026",
        ],
    ),
    (25, "city", ["/dashboard/", "/reviews/", "/audits/", "/api/v1/audits/", "/statistics/"]),
    (15, "consultant", ["/dashboard/", "/audits/", "/api/v1/audits/"]),
    (10, "enterprise", ["/dashboard/", "/audits/"]),
    (5, "expert", ["/dashboard/", "/reviews/"]),
    (
        15,
        None,
        [
            "/api/v1/public/key-lists/",
            "/public/",
            "/api/v1/public/entries/?search=%E5%8C%96%E5%B7%A5",
        ],
    ),
]


def closed_loop(port, path, cookie, clients: int, seconds: float) -> float:
    """Requests per second of `clients` threads asking for `path` back to back."""
    done, errors, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = None
        while time.monotonic() < deadline:
            try:
                status, connection = request(port, path, cookie, connection)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                connection, ok = None, False
            with lock:
                done[0] += ok
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors[0]:
        print(f"  {path}: {errors[0]} errors", flush=True)
    return done[0] / (time.monotonic() - started)


def mixed(port, keys: dict, users: int, seconds: float, seed: int = 1) -> dict:
    roles = [role for share, role, _pages in MIX for _ in range(share)]
    pages = {role: paths for _share, role, paths in MIX}
    samples, errors, lock = [], [], threading.Lock()
    deadline = time.monotonic() + seconds

    def user(number):
        own = random.Random(seed * 1000 + number)
        role = roles[own.randrange(len(roles))] if number else "province"
        cookie = keys.get(role) if role else None
        connection = None
        time.sleep(own.uniform(0, THINK[1]))  # users arrive over the first seconds
        while time.monotonic() < deadline:
            path = own.choice(pages[role])
            started = time.perf_counter()
            try:
                status, connection = request(port, path, cookie, connection)
                failure = None if status == 200 else f"{status} {path}"
            except (OSError, http.client.HTTPException) as error:
                connection, failure = None, f"{type(error).__name__} {path}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                samples.append(elapsed)
                if failure:
                    errors.append(failure)
            time.sleep(min(own.uniform(*THINK), max(0, deadline - time.monotonic())))

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(samples)
    return {
        "requests": len(samples),
        "p50": statistics.median(ordered) if ordered else None,
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        if ordered
        else None,
        "max": ordered[-1] if ordered else None,
        "errors": len(errors),
        "first_errors": errors[:5],
        "rate": len(samples) / seconds,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", default=DEPLOYED, help="e.g. gthread:2x4,sync:5")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--throughput-seconds", type=int, default=10)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("load: needs PostgreSQL with the scale province: set DATABASE_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpaudit.settings")
    import django

    django.setup()
    static = tempfile.mkdtemp(prefix="cpaudit-static-")
    env = os.environ | {
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback interface
        "STATIC_ROOT": static,
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, check=True
    )
    keys = sessions()
    results = []
    try:
        for text in args.configs.split(","):
            config = parse_config(text)
            print(f"# gunicorn {text}", flush=True)
            with Server(config, env) as server:
                request(server.port, "/api/v1/audits/", keys["province"])  # warm
                hello = closed_loop(server.port, "/bench/hello/", None, 16, args.throughput_seconds)
                audits = closed_loop(
                    server.port, "/api/v1/audits/", keys["province"], 16, args.throughput_seconds
                )
                load = mixed(server.port, keys, args.users, args.duration)
            results.append((text, hello, audits, load))
    finally:
        drop_sessions(keys)
        shutil.rmtree(static, ignore_errors=True)
    print(
        f"\n## gunicorn under load ({args.users} users, {args.duration} s, think time "
        f"{THINK[0]:.0f}–{THINK[1]:.0f} s; throughput: 16 clients back to back, "
        f"{args.throughput_seconds} s each)"
    )
    header = (
        f"{'config':<12} | {'hello req/s':>11} | {'audits req/s':>12} | {'ratio':>6} | "
        f"{'requests':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} | {'errors':>6} | verdict"
    )
    print(header)
    print("-" * len(header))
    for text, hello, audits, load in results:
        ok = audits / hello >= 0.2 and (load["p95"] or 1e9) < 2000 and not load["errors"]
        print(
            f"{text:<12} | {hello:11.1f} | {audits:12.1f} | {audits / hello:6.1%} | "
            f"{load['requests']:8} | {load['p50']:7.0f} | {load['p95']:7.0f} | "
            f"{load['max']:7.0f} | {load['errors']:6} | {'ok' if ok else 'SHORT'}"
        )
        for error in load["first_errors"]:
            print(f"  error: {error}")
    print("goals: audits ≥ 20% of hello; p95 < 2,000 ms; 0 errors")


if __name__ == "__main__":
    main()
