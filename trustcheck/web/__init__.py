"""The web site: pages and JSON API over the same scan and report model as the CLI."""
