"""gunicorn settings for serving Corroborate: `gunicorn 'app:create_app()'` reads this file from the working directory.

The app is loaded once in the master (preload) with the corpus and the curriculum already built, so workers fork
warm and no request pays for loading them. A few threads per worker let requests overlap their waits on the
database and on sockets; more than a few only make the threads of one process queue for the GIL (a process runs
one Python thread at a time). On 2 cores, with 500 students pressing Start together (bench/start_burst.py), 1 or 2
threads per worker served PostgreSQL faster than 4 (p95 1.1-1.3 s against 1.3-1.8 s) and SQLite as fast (about
0.9 s); 2 keeps a worker answering while one request waits on the database or a slow client.
"""
import os

os.environ.setdefault("CORROBORATE_WARM_START", "1")

bind = os.environ.get("CORROBORATE_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("CORROBORATE_THREADS", "2"))
preload_app = True
timeout = 30
backlog = 2048


def pre_fork(server, worker):
    # the preloaded app (corpus, curriculum: some 100,000 objects) lives as long as the process; frozen, the garbage
    # collector never walks it again, and the workers' copies of its pages stay shared
    import gc
    gc.freeze()
