"""HTML, Vue and Svelte files: their scripts as JavaScript, and what the markup itself says.

The scripts are analyzed in place: everything outside the `<script>` bodies is blanked (newlines
kept), so the JavaScript module has the file's own line numbers. The markup gives the inputs
that ask for a key (ids, names, and the script variables bound to them by `v-model` or
`bind:value`), forms that post a key field to another origin, and scripts loaded from other
sites on a page where a key is typed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ast_grep_py import SgNode, SgRoot

from . import ir
from .catalog import python_catalog
from .hosts import destination
from .js_frontend import parse_javascript
from .syntax import line_of
from .values import Text

_BINDING = re.compile(r"^(?:v-model(?::value)?|bind:value|:value|\[\(ngModel\)\])$")
_SCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "text/babel", "text/jsx"}


@dataclass
class _Markup:
    key_inputs: list[str] = field(default_factory=list)
    key_bindings: list[str] = field(default_factory=list)
    findings: list[tuple[str, int, int, str]] = field(default_factory=list)
    scripts: list[tuple[int, int, str]] = field(default_factory=list)  # (start index, end index, language)
    remote_scripts: list[tuple[int, str]] = field(default_factory=list)


def parse_markup(text: str, path: str) -> ir.Module:
    root = SgRoot(text, "html").root()
    markup = _Markup()
    _walk(root, markup)
    if markup.key_inputs:
        for line, host in markup.remote_scripts:
            markup.findings.append(("remote-script-on-key-page", line, line, host))
    language = "typescript" if any(lang == "typescript" for _, _, lang in markup.scripts) else "javascript"
    code = _blank_outside(text, [(start, end) for start, end, _ in markup.scripts])
    module = parse_javascript(code, path, language)
    module.key_inputs = tuple(sorted(set(markup.key_inputs)))
    module.key_bindings = tuple(sorted(set(markup.key_bindings)))
    module.markup_findings = tuple(markup.findings)
    module.directives = module.directives + ("markup",)
    return module


def _blank_outside(text: str, spans: list[tuple[int, int]]) -> str:
    out = [c if c == "\n" else " " for c in text]
    for start, end in spans:
        out[start:end] = text[start:end]
    return "".join(out)


def _attributes(tag: SgNode) -> dict[str, str]:
    """name -> value of a start tag's attributes."""
    found = {}
    for attribute in tag.named_children():
        if attribute.kind() != "attribute":
            continue
        parts = attribute.named_children()
        if not parts:
            continue
        name = parts[0].text().lower() if parts[0].kind() == "attribute_name" else ""
        value = ""
        if len(parts) > 1:
            inner = parts[1].named_children()
            value = inner[0].text() if inner else parts[1].text()
        found[name] = value.strip("{}\"' ")
    return found


def _walk(node: SgNode, markup: _Markup) -> bool:
    """Visit elements; return whether a key input was found below `node`."""
    found_key = False
    for child in node.named_children():
        kind = child.kind()
        if kind == "script_element":
            _script(child, markup)
            continue
        if kind != "element":
            if child.named_children():
                found_key |= _walk(child, markup)
            continue
        tag = next((c for c in child.named_children() if c.kind() in ("start_tag", "self_closing_tag")), None)
        if tag is None:
            continue
        name_node = next((c for c in tag.named_children() if c.kind() == "tag_name"), None)
        name = name_node.text().lower() if name_node is not None else ""
        attributes = _attributes(tag)
        if name in ("input", "textarea") and is_key_input(attributes):
            found_key = True
            _record_input(tag, attributes, markup)
        if name == "form":
            below = _walk(child, markup)
            action = attributes.get("action", "")
            if below and action:
                _form(tag, action, markup)
            found_key |= below
        else:
            found_key |= _walk(child, markup)
    return found_key


def is_key_input(attributes: dict[str, str]) -> bool:
    """A password field, or a field whose id, name or placeholder asks for a key."""
    catalog = python_catalog()
    if attributes.get("type", "").lower() == "password":
        return True
    for attribute in ("id", "name"):
        value = attributes.get(attribute, "")
        if value and catalog.is_key_widget(value):
            return True
    return any(catalog.key_label.search(attributes[a]) for a in ("placeholder", "aria-label", "title")
               if attributes.get(a))


def _record_input(tag: SgNode, attributes: dict[str, str], markup: _Markup) -> None:
    for attribute in ("id", "name"):
        if attributes.get(attribute):
            markup.key_inputs.append(attributes[attribute])
    for attribute, value in attributes.items():
        if _BINDING.match(attribute) and value.replace(".", "").replace("_", "").isalnum():
            markup.key_bindings.append(value.split(".")[0])
    if attributes.get("type", "").lower() != "password":
        line = line_of(tag)
        markup.findings.append(("unmasked-key-input", line, line, "input"))


def _form(tag: SgNode, action: str, markup: _Markup) -> None:
    place = destination(Text(action, True))
    line = line_of(tag)
    if place.kind == "third-party":
        markup.findings.append(("key-sent-to-third-party", line, line, place.host))
    elif place.kind == "relative":
        markup.findings.append(("key-relayed-to-own-server", line, line, place.host))
    elif place.kind == "provider" or place.kind == "loopback":
        return
    if place.scheme == "http" and place.kind != "loopback":
        markup.findings.append(("insecure-transport", line, line, place.host))


def _script(element: SgNode, markup: _Markup) -> None:
    tag = next((c for c in element.named_children() if c.kind() == "start_tag"), None)
    attributes = _attributes(tag) if tag is not None else {}
    source = attributes.get("src", "")
    if source:
        place = destination(Text(source, True))
        if source.startswith(("http:", "https:", "//")) and place.kind == "third-party":
            markup.remote_scripts.append((line_of(element), place.host))
        return
    kind = attributes.get("type", "").lower()
    if kind not in _SCRIPT_TYPES:
        return
    body = next((c for c in element.named_children() if c.kind() == "raw_text"), None)
    if body is None:
        return
    r = body.range()
    language = "typescript" if attributes.get("lang", "") in ("ts", "typescript") else "javascript"
    markup.scripts.append((r.start.index, r.end.index, language))
