"""nijta: the CLI and the small shared runtime (config loading, workspace layout)."""
