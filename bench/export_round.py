"""python -m bench.export_round ROWS: exits 0 if the database DATABASE_URL names has the
round ``seed_scale --export-rows`` makes, with at least ROWS rows in its ratings export, and
1 if not; bench/run then adds one to the seeded database, without seeding it again.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
django.setup()

from consultations.scale import export_round_find  # noqa: E402

if __name__ == "__main__":
    sys.exit(0 if export_round_find(min_rows=int(sys.argv[1])) else 1)
