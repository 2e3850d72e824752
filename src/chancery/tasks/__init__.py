"""Running jobs: in the archive's own processes by default (local.py), through Celery on
Redis when a broker is set (celery.py). The same stage code runs either way."""
