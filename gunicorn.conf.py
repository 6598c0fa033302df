"""gunicorn settings for serving Corroborate: `gunicorn 'app:create_app()'` reads this file from the working directory.

The app is loaded once in the master (preload) with the corpus and the curriculum already built, so workers fork
warm and no request pays for loading them. Threads suit the workload: requests wait on SQLite/PostgreSQL and on
sockets far more than they compute.
"""
import os

os.environ.setdefault("CORROBORATE_WARM_START", "1")

bind = os.environ.get("CORROBORATE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("CORROBORATE_THREADS", "8"))
preload_app = True
timeout = 30
backlog = 2048
