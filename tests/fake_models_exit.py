"""An extra-models module that exits while it is imported: must be a bad setting, not a run that 'succeeded'."""

raise SystemExit(0)
