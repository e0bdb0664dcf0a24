"""How every command logs: one line a failure on the console (tracebacks with
-v or in the log file), no library chatter, no progress lines off a terminal
(cron mails stderr), and every secret masked, everywhere."""

from __future__ import annotations

import argparse
import logging
import sys
import warnings

from workers import settings


def quiet_dateutil() -> None:
    """dateutil's warning of a zone name it cannot place ("EST" in a page's
    date, read by htmldate) not printed: the record keeps the date it could
    read, or none."""
    from dateutil.parser import UnknownTimezoneWarning

    warnings.filterwarnings("ignore", category=UnknownTimezoneWarning)


def configure_logging(args: argparse.Namespace) -> None:
    level = logging.DEBUG if args.verbose else logging.WARNING
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    logging.getLogger("dateline.progress").setLevel(logging.INFO)
    if not args.verbose:
        # trafilatura warns of every fallback it tries; the record says the outcome.
        for name in ("trafilatura", "htmldate", "readability", "psycopg.pool"):
            logging.getLogger(name).setLevel(logging.ERROR)
        quiet_dateutil()
        # The console without -v: one line a failure, no traceback (a failed
        # job's, a crawl's), no Scrapy chatter, no line per failed download (the
        # crawl's summary counts them). The log file keeps every record whole.
        for handler in logging.getLogger().handlers:
            handler.addFilter(_console_worthy)
            if not sys.stderr.isatty():  # cron mails stderr: problems only
                handler.addFilter(_not_progress)
            handler.setFormatter(
                OneLineFormatter(handler.formatter._fmt, "%H:%M:%S")  # type: ignore[union-attr]
            )
    for handler in logging.getLogger().handlers:  # after the filters reading
        handler.addFilter(_mask_secrets)  # a record's unformatted message
    if getattr(args, "log_file", None):
        handler = logging.FileHandler(args.log_file)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        handler.addFilter(_mask_secrets)
        logging.getLogger().addHandler(handler)


def _mask_secrets(record: logging.LogRecord) -> bool:
    """Every record, to any handler, with passwords and tokens masked: in its
    message, and in its traceback (a driver's error may quote a URL)."""
    if getattr(record, "_masked", False):
        return True
    record.msg, record.args = settings.masked(record.getMessage()), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = settings.masked(record.exc_text)
    record._masked = True
    return True


class OneLineFormatter(logging.Formatter):
    """A record as one line: a traceback, attached or inside the message (RQ
    puts a failed job's there), is cut to the line that says what raised."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        raised = ""
        if record.exc_info and record.exc_info[1] is not None:
            error = settings.masked(str(record.exc_info[1]))
            raised = f" ({type(record.exc_info[1]).__name__}: {error})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            text = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1 and any("Traceback (most recent call" in ln for ln in lines):
            text = f"{lines[0]} {lines[-1].strip()}"
        return " ".join(text.split("\n")) + raised


def _not_progress(record: logging.LogRecord) -> bool:
    return record.name != "dateline.progress" or record.levelno > logging.INFO


def _console_worthy(record: logging.LogRecord) -> bool:
    from scrapy.logformatter import DOWNLOADERRORMSG_LONG, DOWNLOADERRORMSG_SHORT

    if record.name.startswith(("scrapy", "twisted", "py.warnings")):
        if record.levelno < logging.WARNING:
            return False
        if record.name.startswith("scrapy.downloadermiddlewares") or record.msg in (
            DOWNLOADERRORMSG_LONG,
            DOWNLOADERRORMSG_SHORT,
        ):
            return False  # a failed download: counted in the crawl's summary
    return True
