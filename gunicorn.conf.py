"""gunicorn settings, read by `gunicorn` from the working directory (Procfile, make serve)."""

import multiprocessing
import os

# Loopback unless HOST says otherwise: `make serve` and `lca serve` answer this machine only;
# HOST=0.0.0.0 serves other machines too. The Procfile sets HOST=0.0.0.0, as platforms need.
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# The estimate is CPU-bound arithmetic: one synchronous worker per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 30  # seconds a worker may spend on one request before it is replaced
graceful_timeout = 20  # seconds in-flight requests get to finish on SIGTERM
keepalive = 5
max_requests = 10000  # recycle workers to bound memory growth...
max_requests_jitter = 1000  # ...at staggered times, so they never all restart at once
limit_request_line = 8190
limit_request_fields = 100
preload_app = True  # factor tables are loaded and validated once, before forking
accesslog = None  # the app logs one JSON line per request, with its request id
errorlog = "-"
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeat off the disk
loglevel = os.environ.get("LOG_LEVEL", "info")
