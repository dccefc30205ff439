"""The `nmo` command line: one module per command group, registered in nmo.cli.main."""
