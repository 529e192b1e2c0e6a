"""The one read layer: every public read of pages, API, feeds, sitemaps and search.

Visibility is each model's ``QuerySet.public_q`` / ``visible_to(user)`` (events/models), and
this package applies it to every nested row. Modules:

- ``as_of``: :class:`AsOf`, "what was known on day D", parsed once for pages and API;
- ``places``: the place hierarchy, one recursive query up and one down;
- ``common``: limits, slug redirects, corrections, fetching one visible row;
- ``claims``: the claim fetch plan, relations (one shape), contradiction standoffs, the page;
- ``events``: the event page (claims, figures, roles, timeline, articles, map);
- ``actors``, ``locations``, ``articles``: those detail pages;
- ``lists``: home, the /events/ list and its filters, feeds, sitemaps.

Submodules are imported by name (``from events.reads import events``); this module imports
none of them, so models may use ``events.reads.as_of`` and ``events.reads.places``.
"""
