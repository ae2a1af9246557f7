"""``make bench``: run every benchmark and print its figures."""

from __future__ import annotations

import os

from tests.benchmarks import (
    bench_documents,
    bench_generation,
    bench_gnucash,
    bench_import,
    bench_letters,
    bench_server,
    bench_startup,
)
from tests.postgres_server import why_not_available

if __name__ == "__main__":
    for bench in (bench_generation, bench_startup, bench_documents, bench_letters, bench_import,
                  bench_gnucash):
        bench.main()
    # On a PostgreSQL server: the one DULY_BENCH_SERVER names, or a throwaway one.
    unavailable = None if os.environ.get("DULY_BENCH_SERVER") else why_not_available()
    if unavailable is None:
        bench_server.main()
    else:
        print(f"bench_server skipped: {unavailable}", flush=True)
