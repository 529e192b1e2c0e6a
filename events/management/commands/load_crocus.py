# LOCAL STUB (untracked) until the lead's loader lands on main.
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *a, **k):
        pass
