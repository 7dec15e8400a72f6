"""State stores shared by a front end's components: zustand, Solid and Redux Toolkit.

A store's state lives in a heap cell ("store", site), where `site` is the call that made it:

- zustand: `create((set, get) => ({apiKey: "", setApiKey: (k) => set({apiKey: k})}))` runs the
  creator with a `set` that merges into the cell and a `get` that reads it; the hook it returns
  (a ("store", site) reference) gives the state, or what a selector picks from it
  (`useStore((s) => s.apiKey)`, `useStore.getState().apiKey`). Middlewares that hand the creator
  through (`devtools`, `immer`) are looked through; `persist` writes browser storage as well.
- Solid: `createSignal` gives a getter and a setter of the cell; `createStore` the state (read
  by field) and a setter that also takes a path (`setStore("settings", "apiKey", key)`).
- Redux Toolkit: `createSlice({initialState, reducers})` keeps the slice's state in a cell; an
  action creator (`keyChanged(key)`) runs its reducer with that state and `{payload}`;
  `configureStore({reducer: {name: slice.reducer}})`'s `getState()` and react-redux's
  `useSelector(fn)` see every slice under its name.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .args import CallArgs
from .reads import const_text
from .values import CLEAN, Value, join_all, text_value

if TYPE_CHECKING:
    from .calls import CallHandler
    from .interp import Frame
    from .program import Program

TAGS = frozenset({"store", "storeset", "storeget", "action", "rootget"})


class Stores:
    def __init__(self, program: Program, calls: CallHandler):
        self.program = program
        self.calls = calls
        self._reducers: dict[tuple, Value] = {}  # (slice site, action name) -> its reducer
        self._roots: dict[tuple, tuple] = {}  # configureStore site -> ((name, slice site), ...)

    # made by library calls ------------------------------------------------------------------

    def library_call(self, path: tuple, args: CallArgs, f: Frame) -> Value | None:
        """The value of a store-making call, or None when `path` makes none."""
        catalog = self.calls.catalog
        site = (f.module.path, args.expr.line)
        if catalog.store_middlewares.match(path) and args.pos:
            return args.pos[0]  # `devtools(creator)`: the creator, unchanged
        if catalog.store_creators.match(path) and args.pos:
            made = [r for r in args.pos[0].refs if r[0] == "store"]  # `create(persist(...))`
            return Value(refs=frozenset(made)) if made else self.zustand(site, args.pos[0], CLEAN, args, f)
        if catalog.slice_creators.match(path) and args.pos:
            return self._slice(site, args.pos[0])
        if catalog.root_stores.match(path) and args.pos:
            reducers = args.pos[0].field("reducer")
            self._roots[site] = tuple(sorted((name, r[1]) for name, value in (reducers.fields or {}).items()
                                             for r in value.refs if r[0] == "store"))
            return Value(refs=frozenset({("rootstore", site)}))
        if catalog.state_selectors.match(path) and args.pos:
            root = join_all(self._root_state(site) for site in self._roots)
            return self._select(args.pos[0], root, args, f)
        if catalog.signals.match(path):  # Solid's `const [apiKey, setApiKey] = createSignal("")`
            self.program.heap_write(("store", site), args.pos[0] if args.pos else CLEAN)
            return _pair(Value(refs=frozenset({("storeget", site)})), Value(refs=frozenset({("storeset", site)})))
        if catalog.solid_stores.match(path):  # `const [store, setStore] = createStore({...})`
            self.program.heap_write(("store", site), args.pos[0] if args.pos else CLEAN)
            return _pair(Value(refs=frozenset({("slicestate", site)})), Value(refs=frozenset({("storeset", site)})))
        return None

    def zustand(self, site: tuple, creator: Value, storage_set: Value, args: CallArgs, f: Frame) -> Value:
        """Run a zustand creator; `storage_set` also receives every `set` (persist's storage)."""
        store_set = Value(refs=frozenset({("storeset", site)})).join(storage_set)
        store_get = Value(refs=frozenset({("storeget", site)}))
        api = Value(refs=frozenset({("store", site)}))
        call = CallArgs.positional([store_set, store_get, api], args.expr)
        state = join_all(self.calls.call_function(ref, call, f) for ref in creator.refs if ref[0] == "func")
        if creator.fields is not None:  # a state object given as it is
            state = state.join(creator)
        self.program.heap_write(("store", site), state)
        for action in (state.fields or {}).values():  # each action runs as the app would call it
            for ref in (r for r in action.refs if r[0] == "func"):
                self.program.run_entry(ref[1], f, ref[3])
        return Value(refs=frozenset({("store", site)}))

    def _slice(self, site: tuple, options: Value) -> Value:
        self.program.heap_write(("store", site), options.field("initialState"))
        actions = {}
        for name, reducer in (options.field("reducers").fields or {}).items():
            self._reducers[(site, name)] = reducer
            actions[name] = Value(refs=frozenset({("action", site, name)}))
        return Value(fields={"actions": Value(fields=actions, open=False),
                             "reducer": Value(refs=frozenset({("store", site)})),
                             "name": options.field("name")}, open=False)

    # called -------------------------------------------------------------------------------

    def call(self, ref: tuple, args: CallArgs, f: Frame) -> Value:
        """A call of a store, its `set`/`get`, an action creator or a root store's getState."""
        tag, site = ref[0], ref[1]
        heap = self.program.heap
        if tag == "storeget":
            return heap.get(("store", site), CLEAN)
        if tag == "rootget":
            return self._root_state(site)
        if tag == "store":  # the hook: `useStore()`, `useStore((s) => s.apiKey)`
            return self._select(args.pos[0] if args.pos else CLEAN, heap.get(("store", site), CLEAN), args, f)
        if tag == "storeset":  # `set({apiKey: k})`, `set((state) => ({...}))`
            partial = args.pos[0] if args.pos else CLEAN
            path = [const_text(v) for v in args.pos[:-1]]
            if path and all(path):  # Solid's `setStore("settings", "apiKey", value)`
                partial = args.pos[-1]
                for name in reversed(path):
                    partial = Value(partial.taint_only().taint, fields={name: partial}, open=False)
            updaters = [r for r in partial.refs if r[0] == "func"]
            if updaters:
                now = CallArgs.positional([heap.get(("store", site), CLEAN)], args.expr)
                partial = join_all(self.calls.call_function(r, now, f) for r in updaters)
            self.program.heap_write(("store", site), partial)
            return CLEAN
        return self._dispatch(site, ref[2], args, f)

    def _dispatch(self, site: tuple, name: str, args: CallArgs, f: Frame) -> Value:
        """`keyChanged(key)`: its reducer runs on the slice's state with `{payload: key}`."""
        payload = args.pos[0] if args.pos else CLEAN
        action = Value(payload.taint_only().taint, fields={"payload": payload, "type": text_value(name)}, open=False)
        state = Value(refs=frozenset({("slicestate", site)}))
        reducer = self._reducers.get((site, name), CLEAN)
        for ref in (r for r in reducer.refs if r[0] == "func"):
            self.calls.call_function(ref, CallArgs.positional([state, action], args.expr), f)
        return action

    def _select(self, selector: Value, state: Value, args: CallArgs, f: Frame) -> Value:
        pickers = [r for r in selector.refs if r[0] == "func"]
        if not pickers:
            return state
        call = CallArgs.positional([state], args.expr)
        return join_all(self.calls.call_function(r, call, f) for r in pickers)

    def _root_state(self, site: tuple) -> Value:
        fields = {name: self.program.heap.get(("store", part), CLEAN) for name, part in self._roots.get(site, ())}
        whole = join_all(v.taint_only() for v in fields.values())
        return Value(whole.taint, fields=fields, open=False)

    # read and written -------------------------------------------------------------------------

    def attr(self, ref: tuple, name: str) -> Value:
        """`useStore.getState`, `useStore.setState`, `store.getState`."""
        site = ref[1]
        if ref[0] == "store" and name in ("getState", "setState"):
            return Value(refs=frozenset({("storeget" if name == "getState" else "storeset", site)}))
        if ref[0] == "rootstore" and name == "getState":
            return Value(refs=frozenset({("rootget", site)}))
        return CLEAN

    def write_field(self, site: tuple, name: str, value: Value) -> None:
        """`state.apiKey = action.payload` in a reducer: the slice's entry `name`."""
        self.program.heap_write(("store", site), Value(value.taint_only().taint, fields={name: value}, open=False))


def _pair(first: Value, second: Value) -> Value:
    """What `const [a, b] = hook()` takes apart."""
    return Value(fields={"#0": first, "#1": second}, open=False)
