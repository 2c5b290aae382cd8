"""gunicorn's settings, as `kesu run` and `make bench` start it: `gunicorn -c python:kesu.web_server`.

Threaded workers: a worker serves other requests while one waits on the database (a commit, a
query), where a sync worker would sit idle, and keeps connections alive between requests. Each
thread keeps its own database connection (CONN_MAX_AGE).

Answers carry no `Server` header: gunicorn always names itself there, and which server runs Kesu
is nobody's business outside (gunicorn has no setting for it, hence the small wrapper below).
"""

from gunicorn.http.wsgi import Response

_default_headers = Response.default_headers


def _headers_without_server(response: Response) -> list[str]:
    return [line for line in _default_headers(response) if not line.startswith("Server:")]


Response.default_headers = _headers_without_server

wsgi_app = "kesu.wsgi"
worker_class = "gthread"
workers = 2
threads = 4
