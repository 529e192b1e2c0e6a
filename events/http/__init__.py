"""HTTP the way the web caches: validators, conditional GETs, Cache-Control, Vary, compression.

``policy`` says who may cache a response and what its body depends on; ``representation``
holds one rendered body with its validators and encodings; ``middleware`` applies both to
every public GET (and serves the rendered-document cache of ``events.cache``).
"""
