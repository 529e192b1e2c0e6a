"""The rendered-document cache: public bodies rendered once per version of the record.

``changes`` watches every SQL statement Django sends and, on commit of a write to a table
a public response can read, moves the record's generation on and sends
``public_data_changed`` naming the surrogate keys to purge; ``store`` keeps rendered
representations under the generation they were rendered at. docs/caching.md has the design.
"""
