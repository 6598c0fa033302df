"""A bare Flask hello-world, the baseline for bench/page_throughput.py (same gunicorn settings)."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
