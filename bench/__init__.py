"""Benchmarks: `python -m bench` (or `python -m bench --quick`). Never part of the tests.

Each measurement runs in a child process of its own, so that its peak memory (the child's
maximum resident set size from `resource.getrusage`, interpreter and imports included) belongs
to that measurement alone. Results go to bench/results/latest.json and a table on stdout.
"""
