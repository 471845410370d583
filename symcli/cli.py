"""The `symcli` command line: thin click commands over the library (see docs/cli.md).

Each command parses options, calls the API, writes results atomically and maps every SymcliError
to one line on stderr and exit 1 (2 for usage errors, 130 for Ctrl-C).
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from typing import Any, Sequence

import click

from . import __version__

STATE = {"debug": False, "quiet": False}


def _warn(message: str) -> None:
    if not STATE["quiet"]:
        click.echo(f"symcli: warning: {message}", err=True)


def _one_line(text: str) -> str:
    """Names in messages come from files: show control characters escaped, keep one line."""
    return "".join(c if c.isprintable() else " " if c in "\n\r\t" else ascii(c)[1:-1] for c in str(text))


def _fail(message: str, code: int = 1) -> None:
    click.echo("symcli: error: " + _one_line(message), err=True)
    sys.exit(code)


class SymcliGroup(click.Group):
    """Maps errors to one stderr line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        from .errors import SymcliError
        try:
            return super().invoke(ctx)
        except SymcliError as exc:
            if STATE["debug"]:
                traceback.print_exc()
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("symcli: interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except RecursionError:
            _fail("the graph is too deep to process (recursion limit)")
        except MemoryError:
            _fail("out of memory (use --max-memory to bound a run)")
        except Exception as exc:  # a bug: still one line unless --debug
            if STATE["debug"]:
                traceback.print_exc()
            _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for a traceback)")


@click.group(cls=SymcliGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="symcli")
@click.option("--debug", is_flag=True, help="Show a traceback on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but results and errors.")
def main(debug: bool, quiet: bool) -> None:
    """Run, differentiate and check MXNet symbol graphs from the shell.

    \b
    Examples:
      symcli validate model-symbol.json
      symcli infer-shape model-symbol.json -s data=1,3,224,224
      symcli run xx.json -i X=x.npy --grad --head-grads hg.npz -o out.npz
      symcli grad f.json --wrt x -o df.json && symcli grad df.json --wrt x -o d2f.json
      symcli hessian f.json --inputs x.npz --wrt x -o h.npz
    """
    STATE["debug"] = debug
    STATE["quiet"] = quiet


# -- shared option parsing ---------------------------------------------------------------------------
def _split_names(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _parse_shape(text: str) -> tuple[int, ...]:
    body = text.strip().strip("()[]").strip()
    if not body:
        return ()
    try:
        dims = tuple(int(d) for d in body.replace(" ", "").rstrip(",").split(","))
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a shape like 1,3,224,224", param_hint="-s") from None
    if any(d < 0 or d > 2 ** 63 - 1 for d in dims):
        raise click.BadParameter(f"'{text}': dimensions must be non-negative 64-bit integers",
                                 param_hint="-s")
    return dims


def _pairs(values: Sequence[str], what: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"'{v}' must be NAME={what}")
        name, _, rest = v.partition("=")
        out.append((name.strip(), rest.strip()))
    return out


def _load_graph(path: str):
    from .codec import read_graph
    from .errors import SymcliError
    from .signature import resolve
    graph = read_graph(path)
    try:
        resolve(graph)
    except SymcliError as exc:
        raise exc.located(path) from None
    return graph


def _read_array_file(path: str) -> dict:
    """An .npz archive, an .npy array or an MXNet .params file, chosen by content."""
    from .codec import read_file
    from .codec.arrays import read_npy, read_npz
    from .errors import FormatError
    head = read_file(path, 8)
    if not head:
        raise FormatError("the file is empty (expected .npz, .npy or .params arrays)", where=path)
    if head.startswith(b"\x93NUMPY"):
        return {os.path.splitext(os.path.basename(path))[0]: read_npy(path)}
    if head[:8] == (0x112).to_bytes(8, "little"):
        from .codec.params import read_params
        return read_params(path)
    return read_npz(path)


def _read_weights(graph, path: str, allow_extra: bool) -> dict:
    """--params: names by their `arg:`/`aux:` prefix, which must say what the name is in the graph
    (as MXNet's set_params checks arg_params and aux_params separately)."""
    from .errors import BindError
    from .signature import list_arguments, list_auxiliary_states
    kinds = {"arg": ("argument", set(list_arguments(graph))),
             "aux": ("auxiliary state", set(list_auxiliary_states(graph)))}
    weights = {}
    for key, value in _read_array_file(path).items():
        prefix, _, name = key.partition(":") if key.startswith(("arg:", "aux:")) else ("", "", key)
        if prefix:
            what, names = kinds[prefix]
            other_what, other = kinds["aux" if prefix == "arg" else "arg"]
            if name not in names and name in other:
                why = f"names no {what} of the graph ('{name}' is an {other_what})"
                if not allow_extra:
                    raise BindError(f"weight '{key}' {why}", where=path)
                _warn(f"{path}: ignoring weight '{key}', which {why}")
                continue
        weights[name] = value
    return weights


def _collect_inputs(graph, inputs: Sequence[str], singles: Sequence[str], params: str | None,
                    origins: dict, allow_extra: bool = False) -> dict:
    """Arrays by name from --params, then --inputs (later files win), then -i; `origins` maps each
    name to the file it came from, so errors about an array name that file."""
    from .codec.arrays import read_npy
    from .runner import split_params
    arrays: dict = {}

    def add(named: dict, path: str) -> None:
        arrays.update(named)
        origins.update(dict.fromkeys(named, path))
    if params:
        add(_read_weights(graph, params, allow_extra), params)
    for path in inputs:
        args, aux = split_params(_read_array_file(path))
        add({**args, **aux}, path)
    for name, path in _pairs(singles, "FILE.npy"):
        add({name: read_npy(path)}, path)
    return arrays


@contextlib.contextmanager
def _located(graph_file: str, origins: dict):
    """Name the file an error is about: an array's own file, else the graph's."""
    from .errors import BindError, GraphError
    try:
        yield
    except BindError as exc:
        exc.located(origins.get(exc.argument, graph_file))
        raise
    except GraphError as exc:
        exc.located(graph_file)
        raise


def _float_dtype(value: str | None, hint: str) -> str | None:
    """--dtype: a floating dtype name (float16, float32, float64), or None to keep stored dtypes."""
    if value is None:
        return None
    from .dtypes import FLOATING, dtype_name
    try:
        name = dtype_name(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None
    if name not in FLOATING:
        raise click.BadParameter(f"'{value}' is not a floating dtype ({', '.join(FLOATING)})",
                                 param_hint=hint)
    return name


def _write_npz(path: str, arrays: dict) -> None:
    from .codec.arrays import npz_bytes
    from .fileio import write_atomic
    write_atomic(path, npz_bytes(arrays))


def _max_memory_option(f):
    return click.option("--max-memory", type=str, default=None,
                        help="Largest allocation a run may make, e.g. 4G, 512M (default 16G).")(f)


def _parse_bytes(text: str | None) -> int:
    from .codec import limits
    if not text:
        return limits.DEFAULT_MAX_MEMORY
    units = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
    t = text.strip().upper().rstrip("B")
    try:
        size = int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)
    except (ValueError, OverflowError):
        raise click.BadParameter(f"'{text}' is not a size like 4G or 512M", param_hint="--max-memory") from None
    if size <= 0:
        raise click.BadParameter(f"'{text}' is not a positive size", param_hint="--max-memory")
    return size


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# -- validate ----------------------------------------------------------------------------------------
@main.command()
@click.argument("graph_file", metavar="GRAPH")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable report.")
def validate(graph_file: str, as_json: bool) -> None:
    """Check a graph without running it; report every problem found.

    \b
    Examples:
      symcli validate model-symbol.json
      symcli validate model.msgpack --json
    """
    from .validate import validate_file
    report = validate_file(graph_file)
    if as_json:
        click.echo(json.dumps(report, indent=None))
    elif report["ok"]:
        if not STATE["quiet"]:
            click.echo(f"ok: {_count(report['nodes'], 'node')}, {_count(len(report['arguments']), 'argument')}, "
                       f"{_count(len(report['auxiliary_states']), 'auxiliary state')}, "
                       f"{_count(len(report['outputs']), 'output')}")
    if not report["ok"]:
        for p in report["problems"]:
            where = f"node {p['node']} '{p['name']}': " if p["node"] is not None else ""
            click.echo(_one_line(f"symcli: error: {graph_file}: {where}{p['message']}"), err=True)
        sys.exit(1)


# -- infer-shape -------------------------------------------------------------------------------------
@main.command("infer-shape")
@click.argument("graph_file", metavar="GRAPH")
@click.option("-s", "--shape", "shapes", multiple=True, metavar="NAME=SHAPE",
              help="An argument's shape, e.g. data=1,3,224,224 (repeatable).")
@click.option("--inputs", "inputs", multiple=True, metavar="FILE.npz", help="Take shapes from these arrays.")
@click.option("-t", "--type", "dtypes", multiple=True, metavar="NAME=DTYPE", help="An argument's dtype.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--partial", is_flag=True, help="Exit 0 even when some shapes stay unknown.")
def infer_shape_cmd(graph_file: str, shapes, inputs, dtypes, as_json: bool, partial: bool) -> None:
    """Infer every argument's, output's and auxiliary state's shape and dtype.

    \b
    Examples:
      symcli infer-shape resnet18-symbol.json -s data=1,3,224,224
      symcli infer-shape mlp.json --inputs x.npz --json
    """
    from .dtypes import dtype_name
    from .runner import split_params
    from .shapes import shape_report
    option_shapes = {name: _parse_shape(text) for name, text in _pairs(shapes, "SHAPE")}
    option_types = {}
    for name, text in _pairs(dtypes, "DTYPE"):
        try:
            option_types[name] = dtype_name(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="-t") from None
    graph = _load_graph(graph_file)
    given_shapes: dict = {}
    given_types: dict = {}
    origins: dict = {}
    for path in inputs:
        args, aux = split_params(_read_array_file(path))
        for name, arr in {**args, **aux}.items():
            given_shapes[name] = tuple(arr.shape)
            given_types[name] = arr.dtype.name
            origins[name] = path
    variables = [graph.nodes[i].name for i in graph.variable_indices]
    for name in [*given_shapes, *option_shapes, *option_types]:
        if name not in variables:
            from .errors import BindError
            raise BindError(f"'{name}' names no argument or auxiliary state of the graph "
                            f"(arguments: {', '.join(variables)})", where=origins.get(name, graph_file))
    report = shape_report(graph, {**given_shapes, **option_shapes}, {**given_types, **option_types})
    if as_json:
        click.echo(json.dumps(report))
    else:
        click.echo(_table(report))
    # `unknown` lists arguments (cli.md); an auxiliary state left open fails the run as well
    undecided = report["unknown"] + [n for n, v in report["auxiliary_states"].items() if v["shape"] is None]
    if undecided and not partial:  # exit 1 says why on stderr, with --json too
        click.echo(_one_line(f"symcli: error: {graph_file}: cannot decide the shape of "
                             f"{', '.join(undecided)} (give it with -s, or use --partial)"), err=True)
        sys.exit(1)


def _table(report: dict) -> str:
    rows = [("kind", "name", "shape", "dtype")]
    for kind, key in (("arg", "arguments"), ("out", "outputs"), ("aux", "auxiliary_states")):
        for name, info in report[key].items():
            shape = "?" if info["shape"] is None else "(" + ", ".join(map(str, info["shape"])) + ")"
            rows.append((kind, name, shape, info["dtype"] or "?"))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows)


# -- run ---------------------------------------------------------------------------------------------
@main.command()
@click.argument("graph_file", metavar="GRAPH")
@click.option("--inputs", multiple=True, metavar="FILE.npz", help="Arrays by argument name (repeatable).")
@click.option("-i", "singles", multiple=True, metavar="NAME=FILE.npy", help="One array (repeatable).")
@click.option("--params", metavar="FILE", help="Weights: MXNet .params or .npz.")
@click.option("--outputs", "extra", metavar="NAMES", help="Internal outputs to write as well (comma-separated).")
@click.option("--mode", type=click.Choice(["infer", "train"]), default=None, help="infer (default) or train.")
@click.option("--ctx", default="cpu", show_default=True, help="cpu, cpu(0) or gpu(N).")
@click.option("--dtype", default=None, help="Cast floating inputs and weights to this dtype.")
@click.option("--grad", "want_grad", is_flag=True, help="Also compute gradients (implies --mode train).")
@click.option("--wrt", metavar="NAMES", help="Arguments and/or internal outputs to differentiate w.r.t.")
@click.option("--grad-req", "grad_reqs", multiple=True, metavar="NAME=REQ|REQ", help="write, add or null.")
@click.option("--head-grads", metavar="FILE.npz", help="Head gradients by output name.")
@click.option("--check-numerics", is_flag=True, help="Stop at the first node producing NaN or Inf.")
@click.option("--profile", is_flag=True, help="Per-operator timing table on stderr.")
@click.option("--allow-extra", is_flag=True, help="Ignore weights that name no argument (with a warning).")
@_max_memory_option
@click.option("-o", "--output", "out_path", required=True, metavar="OUT.npz", help="Where to write; - for stdout.")
def run(graph_file, inputs, singles, params, extra, mode, ctx, dtype, want_grad, wrt, grad_reqs,
        head_grads, check_numerics, profile, allow_extra, max_memory, out_path) -> None:
    """Bind a graph to arrays, run it, and write outputs (and gradients) to an .npz.

    \b
    Examples:
      symcli run mlp.json --inputs x.npz -o out.npz
      symcli run resnet18-symbol.json --params resnet18-0000.params -i data=img.npy -o out.npz
      symcli run xx.json -i X=x.npy --grad --head-grads hg.npz -o out.npz
      symcli run cd.json --inputs ab.npz --grad --wrt a,b,c_output -o grads.npz
    """
    from . import runner
    dtype = _float_dtype(dtype, "--dtype")
    memory = _parse_bytes(max_memory)
    req = _grad_req(grad_reqs)
    if not want_grad:  # these only shape a backward pass: silently ignoring them would mislead
        given = [flag for flag, value in (("--wrt", wrt), ("--grad-req", grad_reqs),
                                          ("--head-grads", head_grads)) if value]
        if given:
            raise click.UsageError(f"{' and '.join(given)} need{'s' if len(given) == 1 else ''} --grad")
    graph = _load_graph(graph_file)
    origins: dict = {}
    arrays = _gather(graph_file, graph, inputs, singles, params, origins, allow_extra)
    hg = None
    if head_grads:
        hg = _read_array_file(head_grads)
        origins.update({f"head_grad/{k}": head_grads for k in hg})
        if dtype:
            hg = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in hg.items()}
    is_train = (mode == "train") if mode else want_grad
    timings: dict | None = {} if profile else None
    with _located(graph_file, origins):
        args, aux = runner.bind_inputs(graph, arrays, dtype=dtype)
        results = runner.run(graph, args, aux, ctx=ctx, is_train=is_train, extra_outputs=_split_names(extra),
                             grad=want_grad, wrt=_split_names(wrt) or None, grad_req=req, head_grads=hg,
                             check_numerics=check_numerics, profile=timings, max_memory=memory)
    _write_npz(out_path, results)
    if timings is not None:
        _print_profile(timings)
    if not STATE["quiet"] and out_path != "-":
        click.echo(f"wrote {_count(len(results), 'array')} to {out_path}", err=True)


def _gather(graph_file: str, graph, inputs: Sequence[str], singles: Sequence[str], params: str | None,
            origins: dict, allow_extra: bool = False) -> dict:
    """Every array a command binds: a bundle's own weights, then --params, --inputs and -i."""
    from .codec.bundle import bundled_weights
    from .runner import split_params
    bundled = split_params(bundled_weights(graph_file))  # a bundle carries its own weights
    origins.update(dict.fromkeys([*bundled[0], *bundled[1]], graph_file))
    arrays = {**bundled[0], **bundled[1],
              **_collect_inputs(graph, inputs, singles, params, origins, allow_extra)}
    return _drop_extra(graph, arrays, origins) if allow_extra else arrays


def _drop_extra(graph, arrays: dict, origins: dict) -> dict:
    """--allow-extra: arrays that name no argument or auxiliary state are ignored, with a warning."""
    from .signature import list_arguments, list_auxiliary_states
    known = set(list_arguments(graph)) | set(list_auxiliary_states(graph))
    for name in arrays:
        if name not in known:
            _warn(f"{origins.get(name, '-')}: ignoring '{name}', which names no argument or auxiliary state")
    return {n: a for n, a in arrays.items() if n in known}


def _grad_req(values: Sequence[str]) -> Any:
    """--grad-req: one REQ for every argument, or NAME=REQ pairs."""
    if not values:
        return "write"
    if len(values) == 1 and "=" not in values[0]:
        req: Any = values[0].strip()
    else:
        req = dict(_pairs(values, "REQ"))
    for value in ([req] if isinstance(req, str) else req.values()):
        if value not in ("write", "add", "null"):
            raise click.BadParameter(f"'{value}' must be write, add or null", param_hint="--grad-req")
    return req


def _print_profile(timings: dict) -> None:
    rows = sorted(((sum(v), len(v), k) for k, v in timings.items()), reverse=True)
    total = sum(r[0] for r in rows) or 1e-12
    click.echo(f"{'operator':<28} {'calls':>6} {'total ms':>10} {'share':>6}", err=True)
    for t, n, k in rows:
        click.echo(f"{k:<28} {n:>6} {t * 1e3:>10.3f} {100 * t / total:>5.1f}%", err=True)


# -- grad --------------------------------------------------------------------------------------------
@main.command()
@click.argument("graph_file", metavar="GRAPH")
@click.option("--wrt", required=True, metavar="NAMES", help="Arguments and/or internal outputs.")
@click.option("--head-grads", "head_mode", type=click.Choice(["ones", "inputs"]), default="ones",
              show_default=True, help="ones: seed with ones; inputs: add head_grad/<output> arguments.")
@click.option("--format", "fmt", type=click.Choice(["json", "msgpack"]), default=None,
              help="Output encoding (default: by OUT's extension).")
@click.option("-o", "--output", "out_path", required=True, metavar="OUT_GRAPH")
def grad(graph_file: str, wrt: str, head_mode: str, fmt: str | None, out_path: str) -> None:
    """Write the gradient graph of GRAPH w.r.t. NAMES; apply again for higher orders.

    \b
    Examples:
      symcli grad f.json --wrt x -o df.json
      symcli grad df.json --wrt x -o d2f.json      # second derivative (HVP with ones)
      symcli grad mlp.json --wrt fc1_weight --head-grads inputs -o g.msgpack
    """
    from .autodiff import grad as grad_graph
    graph = _load_graph(graph_file)
    result = grad_graph(graph, _split_names(wrt), head_grads=head_mode)
    _write_graph(result, out_path, fmt)


def _write_graph(graph, out_path: str, fmt: str | None) -> None:
    from .codec import write_graph
    from .fileio import write_atomic
    if fmt is None:
        fmt = "msgpack" if out_path.endswith((".msgpack", ".mpk")) else "json"
    write_atomic(out_path, write_graph(graph, fmt))


# -- hessian -----------------------------------------------------------------------------------------
@main.command()
@click.argument("graph_file", metavar="GRAPH")
@click.option("--inputs", multiple=True, metavar="FILE.npz")
@click.option("-i", "singles", multiple=True, metavar="NAME=FILE.npy")
@click.option("--params", metavar="FILE")
@click.option("--wrt", required=True, metavar="NAMES", help="Arguments to take the Hessian w.r.t.")
@click.option("--ctx", default="cpu", show_default=True)
@click.option("--dtype", default=None, help="Cast floating inputs (float64 recommended).")
@_max_memory_option
@click.option("-o", "--output", "out_path", required=True, metavar="OUT.npz")
def hessian(graph_file, inputs, singles, params, wrt, ctx, dtype, max_memory, out_path) -> None:
    """The full Hessian of a single-element output w.r.t. NAMES.

    \b
    Writes hessian:<x> (shape x.shape + x.shape) and hessian:<a>:<b> mixed blocks.
    Examples:
      symcli hessian f.json --inputs x.npz --wrt x -o h.npz
      symcli hessian loss.json --inputs xy.npz --wrt x,y -o h.npz
    """
    from . import runner
    from .hessian import hessian as compute
    dtype = _float_dtype(dtype, "--dtype")
    memory = _parse_bytes(max_memory)
    graph = _load_graph(graph_file)
    origins: dict = {}
    arrays = _gather(graph_file, graph, inputs, singles, params, origins)
    with _located(graph_file, origins):
        args, aux = runner.bind_inputs(graph, arrays, dtype=dtype)
        runner.check_memory(graph, {**args, **aux}, memory)
        result = compute(graph, args, aux, _split_names(wrt), ctx=ctx)
    _write_npz(out_path, result)


# -- gradcheck ---------------------------------------------------------------------------------------
@main.command()
@click.argument("graph_file", metavar="GRAPH")
@click.option("--inputs", multiple=True, metavar="FILE.npz")
@click.option("-i", "singles", multiple=True, metavar="NAME=FILE.npy")
@click.option("--params", metavar="FILE")
@click.option("--wrt", metavar="NAMES", help="Arguments to check (default: every floating argument).")
@click.option("--order", type=click.IntRange(1, 2), default=1, show_default=True)
@click.option("--eps", type=float, default=1e-6, show_default=True)
@click.option("--rtol", type=float, default=1e-4, show_default=True)
@click.option("--atol", type=float, default=1e-6, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random directions.")
@click.option("--json", "as_json", is_flag=True)
@_max_memory_option
def gradcheck(graph_file, inputs, singles, params, wrt, order, eps, rtol, atol, seed, as_json,
              max_memory) -> None:
    """Compare symbolic gradients with central finite differences (float64).

    \b
    Examples:
      symcli gradcheck f.json --inputs x.npz
      symcli gradcheck f.json --inputs x.npz --order 2 --wrt x
    """
    from . import runner
    from .gradcheck import check
    memory = _parse_bytes(max_memory)
    graph = _load_graph(graph_file)
    origins: dict = {}
    arrays = _gather(graph_file, graph, inputs, singles, params, origins)
    with _located(graph_file, origins):
        args, aux = runner.bind_inputs(graph, arrays, dtype="float64")
        runner.check_memory(graph, {**args, **aux}, memory)
        report = check(graph, args, aux, wrt=_split_names(wrt) or None, order=order, eps=eps, rtol=rtol,
                       atol=atol, seed=seed)
    if as_json:
        click.echo(json.dumps(report))
    else:
        for row in report["results"]:
            status = "ok" if row["ok"] else "FAIL"
            click.echo(f"{status:4}  {row['name']:<24} order {row['order']}  abs err {row['abs_err']:.3e}  "
                       f"rel err {row['rel_err']:.3e}")
    if not report["ok"]:
        if not as_json:
            bad = [r["name"] for r in report["results"] if not r["ok"]]
            click.echo(_one_line(f"symcli: error: {graph_file}: gradient check failed for {', '.join(bad)}"),
                       err=True)
        sys.exit(1)


# -- convert -----------------------------------------------------------------------------------------
@main.command()
@click.argument("in_path", metavar="IN")
@click.argument("out_path", metavar="OUT")
@click.option("--format", "fmt", type=click.Choice(["json", "msgpack"]), default=None,
              help="Output encoding (default: by OUT's extension; .msgpack/.mpk is msgpack).")
@click.option("--params", metavar="FILE", help="Bundle these weights with the graph (msgpack).")
@click.option("--split", is_flag=True, help="Split a bundle into OUT (graph) and OUT's .params.")
def convert(in_path: str, out_path: str, fmt: str | None, params: str | None, split: bool) -> None:
    """Convert a graph between symbol JSON and msgpack (or bundle it with its weights).

    \b
    Examples:
      symcli convert model-symbol.json model.msgpack
      symcli convert model.msgpack model-symbol.json
      symcli convert model-symbol.json bundle.msgpack --params model-0000.params
      symcli convert bundle.msgpack model-symbol.json --split     # also writes model-symbol.params
    """
    if params or split:
        from .codec import bundle
        bundle.convert(in_path, out_path, params=params, split=split, fmt=fmt)
        return
    graph = _load_graph(in_path)
    _write_graph(graph, out_path, fmt)


if __name__ == "__main__":
    main()
