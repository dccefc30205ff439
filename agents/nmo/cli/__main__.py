"""`python -m nmo.cli` runs the nmo command line."""

from nmo.cli.main import run

run()
