"""The app as served, except that every search answers with the same 20 hits, found once when it starts: what the
search page costs without searching. bench/search_throughput.py --floor serves it, to tell how much of the page's
cost is the search and how much the page itself (nothing in the product uses this)."""
from app import create_app as create_real_app
from corroborate.web.state import corpus

FIXED_QUERY = "Bukharin last letter to Stalin"


def create_app():
    app = create_real_app()
    library = corpus(app)
    hits = library.search(FIXED_QUERY, limit=21)
    library.search = lambda query, source=None, limit=20, offset=0: hits[:limit]   # this instance only
    return app
