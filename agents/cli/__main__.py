"""`python -m agents.cli` runs the nmo command line."""

from agents.cli.main import run

run()
