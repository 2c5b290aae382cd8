"""gunicorn's settings, as `kesu run` and `make bench` start it: `gunicorn -c python:kesu.web_server`.

Threaded workers: a worker serves other requests while one waits on the database (a commit, a
query), where a sync worker would sit idle, and keeps connections alive between requests. Each
thread keeps its own database connection (CONN_MAX_AGE).
"""

wsgi_app = "kesu.wsgi"
worker_class = "gthread"
workers = 2
threads = 4
