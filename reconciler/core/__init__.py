"""The core every stage shares: the data model, the error family and exit codes, masking,
escaping, the ownership trailer and secret digests, the trigger catalogue, Ctrl-C handling."""
