"""The analyzer's knowledge as data: the tables in trustcheck/catalog/ and the rules' sinks,
loaded once and compiled for matching."""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..rules import SinkSpec, load_rules
from .paths import PatternIndex, split_path

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"


def _load(name: str) -> dict:
    with open(CATALOG_DIR / name, "rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Provider:
    name: str
    hosts: tuple[str, ...]
    packages: tuple[str, ...]
    key_formats: tuple[re.Pattern[str], ...]
    default_host: str  # where its SDKs send requests by default; "" for a group of several


@dataclass(frozen=True)
class SourceSpec:
    label: str
    origin: str
    when: str = ""


@dataclass(frozen=True)
class CallbackSpec:
    function: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    leading: int
    arguments: tuple[str, ...] = ()  # library objects the function is called with (a bot's update)


@dataclass(frozen=True)
class RequestSetup:
    """A method that sets up a request object before it is sent (`xhr.open(method, url)`)."""
    url: str  # the argument (role) that is the URL, or ""
    data: str  # the argument whose value goes with the request, or ""


@dataclass(frozen=True)
class HandedValue:
    """A call that hands a value to the function passed to it, in this parameter: its own
    result ("result") or what one of its arguments holds (a role: "0")."""
    parameter: int
    value: str


class Providers:
    """Provider hosts, SDK packages and key formats (catalog/providers.toml)."""

    def __init__(self, raw: dict):
        self._loopback_exact = {h for h in raw["loopback"] if "*" not in h}
        self._loopback_wild = [h for h in raw["loopback"] if "*" in h]
        self.providers = tuple(
            Provider(p["name"], tuple(p["hosts"]), tuple(p.get("packages", ())),
                     tuple(re.compile(f) for f in p.get("key_formats", ())),
                     p.get("default_host", p["hosts"][0] if "*" not in p["hosts"][0] else ""))
            for p in raw["provider"])
        self._exact = {h for p in self.providers for h in p.hosts if "*" not in h}
        self._wild = [h for p in self.providers for h in p.hosts if "*" in h]
        self._packages = {pkg: p for p in self.providers for pkg in p.packages}

    def is_provider_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self._exact or any(fnmatch.fnmatchcase(host, w) for w in self._wild)

    def is_loopback(self, host: str) -> bool:
        host = host.lower()
        return host in self._loopback_exact or any(fnmatch.fnmatchcase(host, p) for p in self._loopback_wild)

    def provider_of_package(self, path: tuple[str, ...]) -> tuple[Provider, str] | None:
        """The provider whose SDK an API path belongs to (longest package prefix), with the
        package's name."""
        for end in range(len(path), 0, -1):
            package = ".".join(path[:end])
            provider = self._packages.get(package)
            if provider is not None:
                return provider, package
        return None


class LanguageCatalog:
    """What one language's libraries do with values (catalog/<language>.toml) and the rules'
    sinks for that language."""

    def __init__(self, raw: dict, names: dict, language: str):
        self.language = language
        app = raw["app"]
        self.server_frameworks = tuple(app["server_frameworks"])
        self._framework_roots: dict[str, bool] = {}
        self._consumer_paths: dict[tuple[str, ...], bool] = {}
        self.session_scripts = tuple(app["session_scripts"])
        self.browser_frameworks = tuple(app.get("browser_frameworks", ()))
        self.local_tools = tuple(app.get("local_tools", ()))
        self.call_sources: PatternIndex[SourceSpec] = PatternIndex()
        self.read_sources: PatternIndex[SourceSpec] = PatternIndex()
        unconditional = []
        for entry in raw["source"]:
            spec = SourceSpec(entry["label"], entry["origin"], entry.get("when", ""))
            self.call_sources.add(entry.get("calls", ()), spec)
            self.read_sources.add(entry.get("reads", ()), spec)
            if not spec.when:
                unconditional += [tuple(word for word in call.split(".") if not set(word) & set("*{}()[]"))
                                  for call in entry.get("calls", ())]
        # The literal words of each call that is a source whatever it is called with
        # (`getpass.getpass` -> ("getpass", "getpass")): a file without them makes no such call.
        self.unconditional_source_words = tuple(words for words in unconditional if words)
        request = raw["request"]
        self.request_objects = PatternIndex[bool]()
        self.request_objects.add(request["objects"], True)
        self.request_object_roots = frozenset(path.split(".")[0] for path in request["objects"])  # `flask`
        self.request_param_names = frozenset(request["param_names"])
        self.request_annotations = frozenset(request["annotations"])
        self.route_decorators = frozenset(request["route_decorators"])
        # Where set, only functions of these names that take a request first are routes.
        self.handler_names = frozenset(request.get("handler_names", ()))
        self.request_parameter_defaults = frozenset(request["parameter_defaults"])
        self.request_channels: dict[str, str] = dict(request["channels"])
        self.request_readers: dict[str, str] = dict(request.get("readers", {}))  # function -> part it reads
        self.request_reader_modules = frozenset(request.get("reader_modules", ()))
        sanitizers = raw["sanitizers"]
        self.sanitizers = PatternIndex[bool]()
        self.sanitizers.add(sanitizers["calls"], True)
        self.sanitizer_names = re.compile(sanitizers["names"])
        self.predicate_methods = frozenset(sanitizers["predicate_methods"])
        flow = raw["flow"]
        self.consumers = frozenset(tuple(c.split(".")) for c in flow["consumers"])
        self._consumer_depth = max(len(c) for c in self.consumers)
        self.base_url_keywords = frozenset(flow["base_url_keywords"])
        self.credential_keywords = re.compile(flow["credential_keywords"])
        self.mutators = frozenset(flow["mutators"])
        self.propagating_methods = frozenset(flow["propagating_methods"])
        self.config_readers = PatternIndex[bool]()
        self.config_readers.add(flow["config_readers"], True)
        self.config_reads = PatternIndex[bool]()
        self.config_reads.add(flow["config_reads"], True)
        self.fetchers = PatternIndex[bool]()
        self.fetchers.add(flow["fetchers"], True)
        self.user_reads = PatternIndex[bool]()
        self.user_reads.add(flow["user_reads"], True)
        self.decoders = PatternIndex[bool]()
        self.decoders.add(flow["decoders"], True)
        self.mergers = PatternIndex[bool]()
        self.mergers.add(flow.get("mergers", ()), True)
        self.store_creators, self.store_middlewares = PatternIndex[bool](), PatternIndex[bool]()
        self.slice_creators, self.root_stores = PatternIndex[bool](), PatternIndex[bool]()
        self.state_selectors = PatternIndex[bool]()
        stores = raw.get("stores", {})
        self.signals, self.solid_stores = PatternIndex[bool](), PatternIndex[bool]()
        for name in ("store_creators", "store_middlewares", "slice_creators", "root_stores", "state_selectors",
                     "signals", "solid_stores"):
            getattr(self, name).add(stores.get(name, ()), True)
        self.persisting_stores = PatternIndex[bool]()
        self.persisting_stores.add(flow.get("persisting_stores", ()), True)
        self.callbacks: PatternIndex[CallbackSpec] = PatternIndex()
        for entry in raw.get("callback", ()):
            spec = CallbackSpec(tuple(entry["function"]), tuple(entry.get("inputs", ())),
                                tuple(entry.get("outputs", ())), int(entry.get("leading", 0)),
                                tuple(split_path(p) for p in entry.get("arguments", ())))
            self.callbacks.add(entry["calls"], spec)
        self.collectors: PatternIndex[str] = PatternIndex()  # method -> the field it adds its argument to
        for entry in raw.get("collector", ()):
            self.collectors.add(entry["calls"], entry["field"])
        self.request_setups: PatternIndex[RequestSetup] = PatternIndex()
        for entry in raw.get("request_setup", ()):
            self.request_setups.add(entry["calls"], RequestSetup(entry.get("url", ""), entry.get("data", "")))
        self.result_callbacks: PatternIndex[HandedValue] = PatternIndex()
        for entry in raw.get("result_callback", ()):
            handed = HandedValue(int(entry["parameter"]), entry.get("value", "result"))
            self.result_callbacks.add(entry["calls"], handed)
        self.sink_calls: PatternIndex[SinkSpec] = PatternIndex()
        self.sink_stores: PatternIndex[SinkSpec] = PatternIndex()
        for rule in load_rules().values():
            for sink in getattr(rule, language):
                self.sink_calls.add(sink.calls, sink)
                self.sink_stores.add(sink.stores, sink)
        flags = re.IGNORECASE
        self.key_identifier = re.compile(names["identifier"], flags)
        self.key_request_field = re.compile(names["request_field"], flags)
        self.key_env = re.compile(names["env"], flags)
        self.key_label = re.compile(names["label"], flags)

    def is_server_framework(self, root: str) -> bool:
        """Whether a library root (`express`, `@koa/router`, `next/server`) is a server framework."""
        found = self._framework_roots.get(root)
        if found is None:
            found = self._framework_roots[root] = any(root == name or root.startswith(name + "/")
                                                      for name in self.server_frameworks)
        return found

    def is_consumer(self, path: tuple[str, ...]) -> bool:
        """A library that sends, stores or shows what it is given (a provider's SDK included):
        what it returns is not the key."""
        found = self._consumer_paths.get(path)
        if found is None:
            found = any(path[:n] in self.consumers for n in range(1, min(len(path), self._consumer_depth) + 1)) \
                or providers().provider_of_package(path) is not None
            self._consumer_paths[path] = found
        return found

    def is_key_name(self, name: str) -> bool:
        forms = {_snake(name), name.strip().lower().replace("-", "_")}
        return any(self.key_identifier.search(form) for form in forms)

    def is_key_widget(self, name: str) -> bool:
        """A form field's id or name that says key, widget words aside (`api_key_input_field`,
        `apiKeyInput`, `openaiKeyBox`)."""
        words = _snake(name).split("_")
        while len(words) > 1 and words[-1] in _WIDGET_WORDS:
            words.pop()
        while len(words) > 1 and words[0] in _WIDGET_WORDS:
            words.pop(0)
        rest = "_".join(words)
        return self.is_key_name(rest) or self.is_key_field(rest)

    def is_key_field(self, name: str) -> bool:
        """A request field carrying a key (`HTTP_` is how WSGI spells a header)."""
        forms = {_snake(name), name.strip().lower().replace("-", "_")}
        return any(self.key_request_field.search(re.sub(r"^http_", "", form)) for form in forms)

    def is_key_env(self, name: str) -> bool:
        return bool(self.key_env.search(name.strip().lower()))


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


_WIDGET_WORDS = {"input", "inp", "field", "box", "el", "elem", "element", "textbox", "entry", "ctrl", "control",
                 "txt", "text", "area", "textarea", "value", "form", "ref", "node"}


def _snake(name: str) -> str:
    """`apiKey` -> `api_key`, `X-Api-Key` -> `x_api_key`."""
    return _CAMEL.sub("_", name.strip()).lower().replace("-", "_").replace(" ", "_")


@cache
def providers() -> Providers:
    return Providers(_load("providers.toml"))


@cache
def language_catalog(language: str) -> LanguageCatalog:
    return LanguageCatalog(_load(f"{language}.toml"), _load("names.toml"), language)


def python_catalog() -> LanguageCatalog:
    return language_catalog("python")
