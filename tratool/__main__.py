"""``python -m tratool``: the same command as ``tratool``."""

from tratool.cli import main

main(prog_name="tratool")
