"""Published indicator statistics (PHE / OHID methods), vectorised."""
