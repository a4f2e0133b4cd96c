"""gunicorn reads this file from the working directory: its own logs get the gateway's masking.

gunicorn's error log quotes whole request lines ("Invalid request from ip=...: Invalid HTTP request
line: 'GET /sms/aggregator?original=62812...&credential=...'"), so phone numbers and credentials are
masked there as in every other log line (gateway.logs), and the access log shows paths without
query strings. Binding, workers and timeouts stay on the Procfile's command line.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from gateway.logs import MaskingFilter

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
"""No `%(r)s`, `%(q)s` or referer: query strings may carry a number or the aggregator credential."""


class MaskingLogger(Logger):
    """gunicorn's logger with gateway.logs.MaskingFilter on its error and access loggers."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskingFilter) for existing in log.filters):
                log.addFilter(MaskingFilter())


logger_class = MaskingLogger
