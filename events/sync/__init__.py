"""Keeping clients in sync: the change log's writer (recorder), the map of what shows
what (graph) and the feed's cursor (feed)."""
