"""The exit statuses of `policy-review` (README, "Command line"): shared by the parser and the
commands, so that neither imports the other."""

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
