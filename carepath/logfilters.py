"""Logging filters that keep health data out of log lines."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class StripQueryStrings(logging.Filter):
    """Drop query strings from request lines: a search term can be a patient's name."""

    def filter(self, record):
        if record.args:
            record.args = tuple(_QUERY.sub("?…", a) if isinstance(a, str) else a
                                for a in record.args)
        record.msg = _QUERY.sub("?…", str(record.msg))
        return True
