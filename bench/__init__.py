"""Performance figures for `make bench`, each printed beside its baseline from the same run."""
