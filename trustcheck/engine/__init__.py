"""The analysis engine. The flow: `python_frontend` builds IR, `program` interprets the whole
program with `interp` and `calls` over `values`, `results` turns what it saw into findings;
`pipeline` runs it all for a set of files."""
