"""Imported by the worker processes' server (see `pipeline`) before it starts any worker: the
catalogues and rules every worker needs are built once there, not again in each worker."""
from ..rules import load_rules
from .catalog import language_catalog

load_rules()
for _language in ("python", "javascript"):
    language_catalog(_language)
