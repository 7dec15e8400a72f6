"""The WSGI entry point: `gunicorn -w 2 --threads 4 wsgi:app` (or `flask --app wsgi run` for development)."""
from trustcheck.app import create_app

app = create_app()
