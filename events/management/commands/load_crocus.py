# LOCAL STUB (not committed): the lead's loader has not landed on main yet.
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        pass
