"""Everything in policy-review that does not draw: schema, parser, import, search,
annotations and export. It never imports textual, so the command line and the tests can use
it without paying for the UI (tests/test_architecture.py enforces this)."""
