"""Settings for benchmark servers only: CarePath's own settings, plus a URLconf with a bare
"hello" view to compare against (bench/hello_urls.py). Used by bench/checkins.py through
DJANGO_SETTINGS_MODULE=bench_settings with bench/ on PYTHONPATH; never by the app."""

from carepath.settings import *  # noqa: F403

ROOT_URLCONF = "hello_urls"
