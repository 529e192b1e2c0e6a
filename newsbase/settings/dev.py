from newsbase.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Issue 15: webhooks may go to a receiver on this machine (plain HTTP on loopback).
WEBHOOKS_ALLOW_LOOPBACK = True
