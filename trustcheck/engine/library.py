"""Calls into libraries, as the catalogue describes them: where keys enter (sources), where
they go (sinks, clients pointed at a host), what text results (URLs, configuration, decoded
constants), and what the result still holds."""
from __future__ import annotations

import base64
import binascii
import codecs
import re
from typing import TYPE_CHECKING

from .catalog import providers
from .hosts import Destination, destinations
from .paths import deeper, path_text
from .reads import CONFIG_TEXT, USER_TEXT, const_text, is_singleton
from .values import CLEAN, HOLDER, KEY, REST, UNKNOWN_TEXT, Text, Value, join_all, text_value

if TYPE_CHECKING:
    from .args import CallArgs
    from .interp import Frame
    from .program import Program

PASSWORD_KWARGS = {"type": "password", "input_type": "password", "password": True, "hide_input": True,
                   "is_password": True, "secret": True}
STRING_METHODS = {"strip", "lstrip", "rstrip", "lower", "upper", "casefold", "encode", "decode", "replace",
                  "removeprefix", "removesuffix", "split", "splitlines", "partition", "rpartition", "ljust",
                  "rjust", "center", "zfill", "title", "capitalize", "swapcase", "format", "join", "expandtabs",
                  "translate", "as_posix", "hex", "__str__", "__repr__", "get_secret_value"}
TEXT_PRESERVING = {("str",), ("urllib", "parse", "urljoin"), ("urljoin",), ("requests", "compat", "urljoin"),
                   ("posixpath", "join"), ("yarl", "URL"), ("httpx", "URL")}
CONNECTION_SCHEMES = {"HTTPConnection": "http://", "HTTPSConnection": "https://"}
URL_TAKERS = {"connect", "from_url", "create_connection", "ws_connect", "WebSocketApp", "Webhook", "create"}
KEYED_READS = {("os", "getenv"): ("os", "environ")}  # functions that read one entry of a mapping
SQL_NON_WRITES = ("select", "with", "pragma", "create", "drop", "alter", "explain", "delete", "begin", "commit")
STREAMS = {("sys", "stdout"), ("sys", "stderr"), ("sys", "__stdout__"), ("sys", "__stderr__")}
_FIELD = re.compile(r"\{([^{}]*)\}")
_WORD = re.compile(r"[a-z]{4,}")
# Words of a source's label that do not name a service (and model providers' names, see _own_service).
_GENERIC_WORDS = {"api", "key", "keys", "token", "secret", "access", "auth", "your", "user", "typed", "entered",
                  "read", "from", "environment", "environ", "getenv", "request", "header", "field", "parameter",
                  "query", "body", "cookie", "input", "password", "hidden", "prompt", "labelled", "streamlit",
                  "text_input", "text", "sidebar", "secrets", "gradio", "textbox", "getpass", "into", "bound",
                  "command", "line", "given", "storage", "browser", "back", "local", "session", "state",
                  "config", "settings", "value", "bearer", "authorization", "openai", "anthropic", "claude",
                  "gemini", "google_ai", "groq", "mistral", "cohere", "together", "deepseek", "perplexity",
                  "fireworks", "openrouter", "replicate", "azure", "xai_", "grok", "models", "llm_", "chat",
                  "proxy", "gateway", "relay", "client"}


class Library:
    def __init__(self, program: Program):
        self.program = program

    @property
    def catalog(self):
        """The catalogue of the language of the code being run."""
        return self.program.catalog

    def call(self, path: tuple, args: CallArgs, f: Frame) -> Value:
        catalog = self.catalog
        e = args.expr
        if catalog.mergers.match(path):  # `defaults(options, defaultConfig)`: entry by entry
            return join_all(args.pos)
        part = catalog.request_readers.get(path[-1]) if len(path) == 1 or (
            len(path) == 2 and path[0] in catalog.request_reader_modules) else None
        if part is not None and args.pos:  # `readBody(event)`, `getHeader(event, "x-api-key")`
            reads = self.program.calls.reads
            name = const_text(args.pos[1]) if len(args.pos) > 1 else None
            return reads.request_field(part, name, f) if name else reads.request_part("any", part, f)
        result = self.source(path, args, f)
        if path[-1] == "setItem" and len(args.pos) >= 2:
            self._typed_into_key_slot(args, f)
        sent = False
        for spec in catalog.sink_calls.match(path):
            sent |= self.check_sink(spec, path, args, e.line, e.end_line, f)
        if not sent:
            self.check_client(path, args, f)
        keyed = KEYED_READS.get(path) or (path[:-1] if path[-1:] in (("get",), ("pop",)) else None)
        name = const_text(args.pos[0]) if keyed and is_singleton(keyed) and args.pos else None
        if name is not None:  # os.environ.get("X"): entry X, not everything in the environment
            default = args.pos[1].taint_only((KEY,)) if len(args.pos) > 1 else CLEAN
            taint = self.program.heap_subtree(("m", keyed + (name,))).join(default)
        else:
            taint = self._result_taint(path, args)
        return result.join(Value(taint.taint, self.text(path, args), self._result_refs(path, result)))

    def _result_refs(self, path: tuple, result: Value) -> frozenset:
        """A widget that returns the key returns a plain value, not a library object; a call
        that returns the incoming request (Next.js's `headers()`) is one."""
        if result.taint and not path[-1][:1].isupper():
            return frozenset()
        refs = {("mod", deeper(path, "()"))}
        if self.catalog.request_objects.match(path + ("()",)):
            refs.add(("req", "cookies" if path[-1] == "cookies" else "headers"))
        return frozenset(refs)

    def _result_taint(self, path: tuple, args: CallArgs) -> Value:
        catalog = self.catalog
        everything = args.everything()
        last = path[-1] if path else ""
        is_class = (last[:1].isupper() and not last.isupper()) or args.expr.constructs
        recv = args.recv
        if last == "get_secret_value" and recv is not None:
            return recv.as_kind(KEY)
        # a method of the value itself (a dict's .get, a string's .strip) keeps the key
        kept = recv.taint_only((KEY,)) if recv is not None and (
            last in catalog.propagating_methods or last in STRING_METHODS) else CLEAN
        if catalog.sanitizers.match(path) or catalog.sanitizer_names.search(last) or last in catalog.predicate_methods:
            return CLEAN
        if path[-1] == "()":  # `new Run({...})` where `Run = mongoose.model(...)`: a document
            return everything.taint_only((KEY,))
        if catalog.is_consumer(path):
            return everything.as_kind(HOLDER) if is_class and everything.taint else kept
        if is_class and (args.star.taint or any(catalog.credential_keywords.match(k) and v.taint
                                                for k, v in args.options().items())):
            return everything.as_kind(HOLDER)
        return everything.taint_only((KEY,))

    # sources ------------------------------------------------------------------------------

    def source(self, path: tuple, args: CallArgs, f: Frame) -> Value:
        out = CLEAN
        call = path_text(path)
        e = args.expr
        password = _password_kwarg(args)
        program = self.program
        for spec in self.catalog.call_sources.match(path):
            if spec.when == "key-env-name":
                name = const_text(args.pos[0]) if args.pos else None
                if name and self.catalog.is_key_env(name):
                    out = out.join(program.source_value(f.module.path, e.line, f"{call}({name!r})", spec.origin,
                                                        CONFIG_TEXT))
            elif spec.when == "key-storage-name":
                if args.pos and self._names_a_key(args.pos[0]):
                    out = out.join(program.source_value(f.module.path, e.line, f"{call}(...)", spec.origin))
            elif spec.when == "key-storage-entries":
                names = _entry_names(args.pos[0]) if args.pos else []
                if any(self._names_a_key(text_value(name)) for name in names):
                    key = program.source_value(f.module.path, e.line, f"{call}(...)", spec.origin)
                    fields = {name: key if self._names_a_key(text_value(name)) else Value(strs=USER_TEXT)
                              for name in names}
                    out = out.join(Value(key.taint, fields=fields, open=False))
            elif spec.when == "widget-for-key":
                if password:
                    out = out.join(program.source_value(f.module.path, e.line, f"{call}, password field", spec.origin))
                elif self._asks_for_key(args):
                    out = out.join(program.source_value(f.module.path, e.line, f"{call}, labelled as a key",
                                                        spec.origin))
                    program.report("unmasked-key-input", f, e.line, e.end_line, {}, call=call)
            else:
                out = out.join(program.source_value(f.module.path, e.line, f"{call}()", spec.origin))
        if not out.taint and password:
            out = program.source_value(f.module.path, e.line, f"{call}, password field", "user")
        if out.taint and path[0] == "streamlit" and "key" in args.kw:
            widget_key = const_text(args.kw["key"])
            if widget_key:
                program.heap_write(("m", ("streamlit", "session_state", widget_key)), out)
        return out

    def _typed_into_key_slot(self, args: CallArgs, f: Frame) -> None:
        """`localStorage.setItem("apikey", text the user typed)`: the slot says what the text is."""
        value = args.pos[1]
        if value.taint or not value.strs or any(t.origin != "user" for t in value.strs):
            return
        slot = const_text(args.pos[0])
        if slot and self._names_a_key(args.pos[0]):
            args.pos[1] = value.join(self.program.source_value(
                f.module.path, args.expr.line, f"typed by the user and saved as {slot!r}", "user"))

    def _names_a_key(self, name: Value) -> bool:
        """A storage entry named like a key: "openaiKey", "app.apiKey", ["apiKey", "model"]."""
        texts = [t.prefix for t in name.strs] + list(name.fields or ())
        catalog = self.catalog
        return any(catalog.is_key_name(part) or catalog.is_key_field(part)
                   for text in texts for part in re.split(r"[.:/]", text) if part)

    def _asks_for_key(self, args: CallArgs) -> bool:
        catalog = self.catalog
        labels = [args.pos[0]] if args.pos else []
        labels += [args.kw[k] for k in ("label", "prompt", "placeholder", "text", "message") if k in args.kw]
        if any(catalog.key_label.search(t.prefix) for v in labels for t in v.strs):
            return True
        widget_key = const_text(args.kw["key"]) if "key" in args.kw else None
        return bool(widget_key and catalog.is_key_name(widget_key))

    # text of results ----------------------------------------------------------------------

    def text(self, path: tuple, args: CallArgs) -> frozenset:
        catalog = self.catalog
        last = path[-1] if path else ""
        if args.recv is not None and args.recv.strs and last in STRING_METHODS:
            return string_method(last, args.recv, args)
        if path == ("Object", "keys") and args.pos and args.pos[0].fields:  # the names, known
            return frozenset(Text(name, True) for name in _entry_names(Value(fields=args.pos[0].fields)))
        if catalog.config_readers.match(path):
            default = args.pos[1] if len(args.pos) > 1 else args.kw.get("default")
            return frozenset({Text(t.prefix, t.complete, "config") for t in (default.strs if default else ())}
                             | CONFIG_TEXT)
        if catalog.fetchers.match(path + ("()",)) or catalog.fetchers.match(path):
            return frozenset({Text("", False, "remote")})
        if catalog.decoders.match(path) and args.pos:
            rot13 = len(args.pos) > 1 and const_text(args.pos[1]) in ("rot13", "rot_13")
            return frozenset(_decode(t, rot13) for t in args.pos[0].strs)
        if path in TEXT_PRESERVING and args.pos:
            first = args.pos[0].strs
            if len(args.pos) == 1:
                return first
            return frozenset(Text(t.prefix, False, t.origin) for t in first)
        if path[0] in ("streamlit", "gradio") or path in (("input",), ("getpass", "getpass")) \
                or catalog.user_reads.match(path):
            return USER_TEXT
        if catalog.is_consumer(path) and (last[:1].isupper() or last in URL_TAKERS):
            scheme = CONNECTION_SCHEMES.get(last)
            options = args.options()
            for keyword in sorted(catalog.base_url_keywords & options.keys()):
                return options[keyword].strs
            if args.pos and args.pos[0].strs:
                if scheme:
                    return frozenset(Text(scheme + t.prefix, t.complete, t.origin) for t in args.pos[0].strs)
                return args.pos[0].strs
        return frozenset()

    # sinks --------------------------------------------------------------------------------

    def check_sink(self, spec, path: tuple, args: CallArgs, line: int, end_line: int, f: Frame) -> bool:
        """Report what the sink receives; True when it was a request with a URL."""
        program = self.program
        if not program.imports_allow(spec):
            return False
        if any(not args.present(r) for r in spec.requires) or any(args.present(r) for r in spec.excludes):
            return False
        if spec.when and not self._predicate(spec.when, args):
            return False
        call = path_text(path)
        if not spec.needs_key:
            program.report(spec.rule, f, line, end_line, {}, call=call, host=spec.host)
            return False
        facts = self._facts(spec, args)
        if spec.url:
            url = self._url_value(spec.url, args)
            query = args.kw.get("params", CLEAN)
            texts = self._url_texts(spec.url, args)
            if not texts and spec.default_url:
                texts = frozenset({Text(spec.default_url, True)})
            self.report_destination(spec.rule, texts, facts, call, line, end_line, f, key_in_url=url.join(query))
            return True
        if facts:
            program.report(spec.rule, f, line, end_line, facts, call=call, host=spec.host)
        return False

    def _facts(self, spec, args: CallArgs) -> dict:
        """The key facts a sink receives through its data arguments."""
        kinds = (KEY, HOLDER) if spec.holders else (KEY,)
        facts = {}
        for role in spec.data:
            for alternative in role.split("|"):
                value = args.role(alternative)
                if value is None:
                    continue
                if alternative == "receiver":
                    value = value.join(self.program.objects_fields(value))
                    if value.strs:  # a client built with its base URL was judged where it was built
                        value = value.taint_only((KEY,))
                for fact, trace in value.taint.items():
                    if fact[1] in kinds and (fact not in facts or trace.length < facts[fact].length):
                        facts[fact] = trace
        return facts

    def _url_value(self, roles: tuple[str, ...], args: CallArgs) -> Value:
        for role in roles:
            value = args.role(role)
            if value is not None and role != "receiver" and not _has_url_field(value):
                return value  # an options object is not the URL: its `url` field is another role
        return CLEAN

    def _url_texts(self, roles: tuple[str, ...], args: CallArgs) -> frozenset:
        for role in roles:
            value = args.role(role)
            if value is None:
                continue
            if role == "receiver":
                return value.strs
            if _has_url_field(value) or (not value.strs and value.fields is not None):
                continue  # an options object: its `url` field is another role
            texts = value.strs or frozenset({UNKNOWN_TEXT})
            found = destinations(texts)
            if found and all(d.kind == "relative" for d in found) and args.recv is not None and args.recv.strs:
                return args.recv.strs
            return texts
        return frozenset()

    def report_destination(self, rule_id: str, texts, facts: dict, call: str, line: int, end_line: int,
                           f: Frame, key_in_url: Value = CLEAN) -> None:
        if not facts:
            return
        found = destinations(texts) or [Destination("unknown", "an undetermined host")]
        worst = found[0]
        program = self.program
        if worst.kind == "third-party" and self._own_service(facts, worst.host):
            program.expected_use(f, line, f"sent to {worst.host}, the service the key is named after")
            return
        if worst.kind == "third-party":
            program.report(rule_id, f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind == "config":
            program.report("key-sent-to-configured-host", f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind == "unknown":
            program.report("key-sent-to-unresolved-host", f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind == "relative" and program.contexts.get(f.module.path) == "browser":
            program.report("key-relayed-to-own-server", f, line, end_line, facts, call=call, host=worst.host)
        elif worst.kind in ("provider", "loopback"):
            local = " (a server on this machine)" if worst.kind == "loopback" else ""
            program.expected_use(f, line, f"sent to {worst.host}{local}")
        if key_in_url.has_key() and worst.kind not in ("provider", "loopback", "user", "relative"):
            program.report("key-in-url", f, line, end_line, key_in_url.taint, call=call, host=worst.host)
        for dest in found:
            if dest.scheme in ("http", "ws") and dest.kind not in ("loopback", "relative"):
                program.report("insecure-transport", f, line, end_line, facts, call=call, host=dest.host)
                break

    def _own_service(self, facts: dict, host: str) -> bool:
        """Every key here is named after the service at `host` (LANGCHAIN_API_KEY sent to
        api.smith.langchain.com, a weather key to api.weatherapi.com). Model providers' names
        do not count: a host named like one is exactly how a look-alike proxy is named."""
        labels = re.split(r"[.-]", host.lower())
        for fact in facts:
            words = set(_WORD.findall(self.program.sources[fact[0]].label.lower())) - _GENERIC_WORDS
            if not any(word in label for word in words for label in labels):
                return False
        return bool(facts)

    def check_client(self, path: tuple, args: CallArgs, f: Frame) -> None:
        """A call that takes the key together with a base URL is a client pointed there; a
        provider SDK's client built with the key and no base URL talks to its provider."""
        facts = {}
        for value in [*args.pos, *args.kw.values()]:
            for fact, trace in value.taint.items():
                if fact not in facts or trace.length < facts[fact].length:
                    facts[fact] = trace
        if not facts:
            return
        e = args.expr
        call = path_text(path)
        options = args.options()
        bases = [k for k in options if k in self.catalog.base_url_keywords]
        if bases:
            texts = frozenset().union(*(options[k].strs or frozenset({UNKNOWN_TEXT}) for k in bases))
            self.report_destination("key-in-redirected-client", texts, facts, call, e.line, e.end_line, f)
            return
        self.expect_provider(path, e.line, f)

    def expect_provider(self, path: tuple, line: int, f: Frame) -> None:
        found = providers().provider_of_package(path)
        if found is None:
            return
        provider, package = found
        if provider.default_host:
            message = f"sent to {provider.default_host} through the {provider.name} SDK"
        else:
            message = f"used with {package}, which talks to the model's provider"
        self.program.expected_use(f, line, message)

    def check_redirect_store(self, path: tuple, holder: Value, value: Value, f: Frame) -> None:
        """`client.base_url = URL` or `openai.api_base = URL`: the key goes where the URL points."""
        facts = {k: t for k, t in holder.taint.items()}
        if is_singleton(path[:-1]):
            for key_name in ("api_key", "key", "api_token"):
                facts.update(self.program.heap.get(("m", path[:-1] + (key_name,)), CLEAN).taint)
        if facts:
            self.report_destination("key-in-redirected-client", value.strs or frozenset({UNKNOWN_TEXT}), facts,
                                    path_text(path), f.line, f.line, f)

    def check_store(self, path: tuple, value: Value, f: Frame) -> None:
        for spec in self.catalog.sink_stores.match(path):
            if not self.program.imports_allow(spec):
                continue
            kinds = (KEY, HOLDER) if spec.holders else (KEY,)
            facts = {fact: t for fact, t in value.taint.items() if fact[1] in kinds}
            call = path_text(path[:-1]) + "[...]" if path[-1] == "[]" else path_text(path)
            if spec.url:  # `new Image().src = url`: the stored value is a URL that is requested
                self.report_destination(spec.rule, value.strs or frozenset({UNKNOWN_TEXT}), facts, call,
                                        f.line, f.line, f, key_in_url=value)
            elif facts:
                self.program.report(spec.rule, f, f.line, f.line, facts, call=call)

    def _predicate(self, name: str, args: CallArgs) -> bool:
        first = args.pos[0] if args.pos else None
        if name == "sql-writes":
            texts = first.strs if first is not None else frozenset()
            return not texts or any(not t.prefix.strip().lstrip("(").lower().startswith(SQL_NON_WRITES)
                                    for t in texts)
        if name == "remote-text":
            return first is not None and any(t.origin == "remote" for t in first.strs)
        if name == "decoded-text":
            return first is not None and any(t.origin == "decoded" for t in first.strs)
        if name in ("to-a-file", "to-a-stream"):
            target = args.kw.get("file")
            stream = target is not None and any(r[0] == "mod" and r[1] in STREAMS for r in target.refs)
            return stream if name == "to-a-stream" else not stream
        if name in ("fd-is-stdio", "fd-is-a-file"):
            opened = first is not None and any(r[0] == "mod" and "()" in r[1] for r in first.refs)
            return opened if name == "fd-is-a-file" else not opened
        if name == "any-origin":
            target = args.pos[1] if len(args.pos) > 1 else args.kw.get("targetOrigin")
            return target is not None and const_text(target) == "*"
        raise ValueError(f"unknown sink predicate {name!r}")


def string_method(method: str, recv: Value, args: CallArgs) -> frozenset:
    """Known text of `recv.method(...)` for the string methods that keep a URL's host."""
    if method == "format":
        return frozenset(_format(t, args) for t in recv.strs)
    if method == "join":
        separator = const_text(recv)
        if separator is not None and args.items is not None:
            joined = {Text("", True)}
            for index, item in enumerate(args.items):
                texts = item.strs or frozenset({UNKNOWN_TEXT})
                joined = {Text(a.prefix + (separator if index else "") + b.prefix, b.complete, a.origin)
                          if a.complete else a for a in joined for b in texts}
            return frozenset(list(joined)[:8])
        return frozenset()
    if method in ("decode", "encode", "__str__", "as_posix"):
        return recv.strs
    if method in _EXACT and all(t.complete for t in recv.strs):
        constants = [const_text(a) for a in args.pos]
        if None not in constants:
            try:
                return frozenset(Text(getattr(t.prefix, method)(*constants), True, t.origin) for t in recv.strs)
            except (TypeError, ValueError):
                pass
    if method in STRING_METHODS:
        return frozenset(Text(t.prefix, False, t.origin) for t in recv.strs)
    return frozenset()


_EXACT = {"strip", "rstrip", "lstrip", "lower", "upper", "replace", "removeprefix", "removesuffix", "casefold"}


def percent_format(template: frozenset, values: Value) -> frozenset:
    """`"https://%s/keys" % host`: the first `%s` filled when its value is known."""
    filler = const_text(values)
    out = set()
    for t in template:
        head, percent, rest = t.prefix.partition("%")
        if percent and filler is not None and rest[:1] in ("s", "r", "d"):
            tail, more, _ = rest[1:].partition("%")
            out.add(Text(head + filler + tail, t.complete and not more, t.origin))
        else:
            out.add(Text(head, t.complete and not percent, t.origin))
    return frozenset(out)


def _format(template: Text, args: CallArgs) -> Text:
    """`"https://{}/v1".format(host)`: fill the fields whose values are known, in order."""
    out = ""
    auto = 0
    position = 0
    for match in _FIELD.finditer(template.prefix):
        out += template.prefix[position:match.start()]
        name = match.group(1).split(":")[0].split("!")[0]
        if name == "":
            value = args.pos[auto] if auto < len(args.pos) else None
            auto += 1
        elif name.isdigit():
            value = args.pos[int(name)] if int(name) < len(args.pos) else None
        else:
            value = args.kw.get(name)
        text = const_text(value) if value is not None else None
        if text is None:
            return Text(out, False, template.origin)
        out += text
        position = match.end()
    return Text(out + template.prefix[position:], template.complete, template.origin)


def _password_kwarg(args: CallArgs) -> bool:
    for name, wanted in PASSWORD_KWARGS.items():
        value = args.kw.get(name)
        if value is None:
            continue
        if wanted is True and not value.strs and not value.refs:
            return True  # password=True: a literal True evaluates to a clean, textless value
        if isinstance(wanted, str) and any(t.prefix == wanted for t in value.strs):
            return True
    return False


def _decode(text: Text, rot13: bool) -> Text:
    """A constant decoded the way obfuscated code hides hosts (base64, hex, rot13)."""
    if not text.complete:
        return Text("", False, "decoded")
    raw = text.prefix.strip()
    if rot13:
        return Text(codecs.decode(raw, "rot13"), True, "decoded")
    for decode in (lambda s: base64.b64decode(s, validate=True), bytes.fromhex, binascii.a2b_base64):
        try:
            return Text(decode(raw).decode("utf-8"), True, "decoded")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            continue
    return Text("", False, "decoded")


def _has_url_field(value: Value) -> bool:
    """An options object naming its URL (`$.ajax({url, headers})`), not a URL."""
    return value.fields is not None and "url" in value.fields


def _entry_names(names: Value) -> list[str]:
    """The entries a storage read asks for: "apiKey", ["apiKey", "model"], {apiKey: ""}."""
    found = [t.prefix for t in names.strs if t.complete and t.prefix]
    found += [name for name in (names.fields or ()) if name != REST and not name.startswith("#")]
    return sorted(set(found))
