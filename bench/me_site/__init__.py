"""The /me/ benchmark's site (bench/me.py): the production settings and URLs, plus one bare
view that the benchmark compares /me/ with. Never part of the product: gunicorn loads it only
with DJANGO_SETTINGS_MODULE=me_site.settings and bench/ on the path."""
