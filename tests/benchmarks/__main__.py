"""``make bench``: run every benchmark and print its figures."""

from __future__ import annotations

from tests.benchmarks import (
    bench_documents,
    bench_generation,
    bench_gnucash,
    bench_import,
    bench_letters,
    bench_startup,
)

if __name__ == "__main__":
    for bench in (bench_generation, bench_startup, bench_documents, bench_letters, bench_import,
                  bench_gnucash):
        bench.main()
