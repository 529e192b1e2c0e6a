from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "News events"

    def ready(self):
        from events import chronology
        from events.sync import recorder

        recorder.connect()
        chronology.connect()  # the stored reading order of events
        # Issue 11: every connection reports its writes to the rendered-document cache.
        from django.db.backends.signals import connection_created

        from .cache.changes import install, public_data_changed

        connection_created.connect(install, dispatch_uid="events.cache.install")
        install()
        # ...and the HTTP caches in front (Varnish) drop what named the changed keys.
        public_data_changed.connect(purge_changed, dispatch_uid="events.cache.purge")


def purge_changed(sender, keys, **kwargs):
    from newsbase.purge import purge_keys

    purge_keys(keys)
