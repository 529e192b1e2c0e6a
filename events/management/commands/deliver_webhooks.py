"""The webhook worker: follows the change feed and delivers it to every subscriber.

A plain loop over :func:`events.sync.webhooks.run_once` (see that module and the README for
why the feed and the delivery rows are the queue). SIGTERM or SIGINT stops it after the
round in progress, so a container stop never cuts a delivery's bookkeeping in half.
"""

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from events.sync.webhooks import run_once

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Deliver the change feed to the registered webhooks: signed POSTs, retried with "
        "exponential backoff, until stopped (SIGTERM/SIGINT) or, with --once, one round."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Do one round (dispatch and deliver), then exit."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            help="Seconds to wait when a round found nothing to do (default 2).",
        )

    def handle(self, *args, once: bool, interval: float, **options):
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            self.stdout.write(f"Delivering webhooks every {interval:g} s when idle.")
        while not stop.is_set():
            if not once:
                close_old_connections()  # a restarted database does not stop the worker
            try:
                done = run_once()
            except DatabaseError:
                if once:
                    raise
                log.exception("Webhook round failed; trying again in %g s", interval)
                done = 0
            if done and options["verbosity"] > 1:
                self.stdout.write(f"{done} deliveries written or attempted.")
            if once:
                break
            if not done:
                stop.wait(interval)
