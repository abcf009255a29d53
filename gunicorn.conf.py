"""Gunicorn as deployed (the Dockerfile, docker-compose.yml and the README run it with
this file, which gunicorn reads from the working directory by itself).

Chosen by measurement on 2 cores (`make load`, tests/bench/load.py, README "Serving"):
gthread workers, one process per core with 4 threads each. A request spends part of
its time waiting on PostgreSQL; threads fill that wait, and two processes keep each
core busy without the memory and connection count of 2 × cores + 1 sync workers.
Every figure can be set from the environment.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = 5
# A worker is replaced now and then, so that no slow leak grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# No control socket (gunicorn ≥ 24 opens one in the home directory by default): one
# fewer file shared by every instance on a machine; signals still manage the server.
control_socket_disable = True
