"""gunicorn settings for production: `gunicorn dashboard.wsgi` reads this file.

Threads, because the dashboard spends its time waiting on the Autoenhance API,
not on the CPU. Every value can be overridden from the environment.
"""

from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread"
# Longer than the API client's worst case (retries included), so a slow
# upstream gets a clear error page rather than a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
# Searches and page tokens ride in query strings: keep them out of access logs.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


class ShareTokenRedactingLogger(Logger):
    """A share link's token is in its path; a token in a log is a working link.
    (The same rule as orders/logfilters.py, which this file can't import.)"""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = re.sub(r"/s/[^/]+", "/s/<token>", atoms["U"])
        return atoms


logger_class = ShareTokenRedactingLogger
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
