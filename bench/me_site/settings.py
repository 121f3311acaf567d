"""Production settings, with the benchmark's URLconf (a bare view beside the product's)."""

from opsboard.settings import *  # noqa: F403 (the product's settings, unchanged)

ROOT_URLCONF = "me_site.urls"
