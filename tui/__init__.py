"""The Textual app and the command line of policy-review."""
