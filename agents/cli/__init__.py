"""The `nmo` command line: one module per command group, registered in agents.cli.main."""
