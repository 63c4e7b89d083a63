"""Fuzzing the whole server-to-client stream: ``python -m tests.fuzz --minutes 30``.

``target`` turns one input into a client run and checks it; ``seeds`` builds
the starting corpus (the recordings in tests/data and hand-built streams for
every encoding, each with the picture it must decode to); ``__main__`` runs
atheris (coverage-guided) over them with per-input RSS and time limits.
Every finding goes into tests/data/fuzz/ and is replayed by tests/test_fuzz.py.
"""
