"""The push: validate → upload → ``importTra`` → wait, exactly once.

`push` runs it, `journal` is the SQLite submission journal that makes it exactly-once,
`policy` the polling and backoff rules, `profiles` the configuration, `doctor` the checks.
"""
