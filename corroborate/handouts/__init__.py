"""Printable PDFs: HTML rendered by WeasyPrint behind a URL fetcher that only serves the app's own files."""
