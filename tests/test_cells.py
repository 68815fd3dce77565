"""cells.cell_facts: one cell's defines, reads, mutations, magics and errors."""

import pytest

from jupyter_nbrefactor.cells import CellFacts, Magic, cell_facts


def facts(src):
    return cell_facts(src)


# ----- reads -------------------------------------------------------------------------
def test_module_level_read_before_binding_is_a_read():
    f = facts("y = x + 1\nx = 2\nz = x")
    assert f.reads == ("x",)
    assert f.defines == ("y", "x", "z")


def test_name_bound_earlier_in_the_cell_is_not_a_read():
    assert facts("x = 1\nprint(x)").reads == ("print",)


def test_names_read_only_inside_a_def_body_are_not_reads():
    f = facts("def f(a):\n    return a + g(b) + h\n")
    assert f.reads == ()
    assert f.functions == {"f": ("g", "b", "h")}


def test_default_argument_values_and_annotations_are_reads():
    f = facts("def f(a: T = d0, *, k=kd) -> R:\n    return a\n")
    assert f.reads == ("d0", "kd", "T", "R")


def test_decorators_are_reads_and_calls():
    f = facts("@register\n@cache(size)\ndef f():\n    pass\n")
    assert f.reads == ("register", "cache", "size")
    assert f.calls == ("register", "cache")


def test_f_string_fields_are_reads():
    assert facts("s = f'{a} {b!r:>{w}}'").reads == ("a", "b", "w")


def test_class_body_names_are_not_globals():
    f = facts("class A(Base):\n    k = K\n    j = k + 1\n    def m(self):\n        return helper(k)\n")
    assert f.reads == ("Base", "K")
    # methods do not see class attributes: k there is a global
    assert f.functions == {"A": ("helper", "k")}
    assert f.defines == ("A",)


def test_comprehension_targets_are_not_reads():
    f = facts("[x * k for x in xs if x > lim]")
    assert f.reads == ("xs", "lim", "k")  # ifs run before the element
    assert f.defines == ()


def test_nested_comprehension_and_dict_comprehension_scopes():
    f = facts("{k: v for k, row in rows for v in row if v != skip}")
    assert f.reads == ("rows", "skip")


def test_lambda_parameters_are_not_reads_but_free_names_are():
    f = facts("ys = sorted(xs, key=lambda i: i[col])")
    assert f.reads == ("sorted", "xs", "col")


def test_lambda_assigned_to_a_name_is_a_function():
    f = facts("f = lambda r: r * scale")
    assert f.reads == ()
    assert f.functions == {"f": ("scale",)}
    assert f.defines == ("f",)


def test_walrus_at_module_level_defines_also_inside_comprehensions():
    f = facts("if (n := len(a)) > 10:\n    pass\n[y := v for v in vals]")
    assert f.defines == ("n", "y")
    assert f.uncertain_defines == {"y"}
    assert f.reads == ("len", "a", "vals")


def test_del_is_a_definition_event_and_reads_a_name_bound_elsewhere():
    f = facts("del old\nnew = 1\ndel new")
    assert f.deletes == ("old", "new")
    assert f.reads == ("old",)
    assert f.defines == ("new",)


def test_augmented_assignment_reads_and_writes():
    f = facts("total += 1")
    assert f.reads == ("total",)
    assert f.defines == ("total",)
    assert facts("total = 0\ntotal += 1").reads == ()


def test_global_declaration_with_assignment_is_an_uncertain_define():
    f = facts("def init():\n    global cfg\n    cfg = load()\n")
    assert f.defines == ("cfg", "init")
    assert f.uncertain_defines == {"cfg"}
    assert f.globals_declared == ("cfg",)
    assert f.functions == {"init": ("load",)}


def test_global_declared_name_read_in_function_is_free():
    f = facts("def bump():\n    global n\n    n += step\n")
    assert f.functions == {"bump": ("n", "step")}


def test_nested_function_free_names_resolve_in_enclosing_function():
    f = facts("def outer():\n    z = 1\n    def inner():\n        return z + glob\n    return inner\n")
    assert f.functions == {"outer": ("glob",)}


def test_nonlocal_is_reported():
    f = facts("def o():\n    a = 1\n    def i():\n        nonlocal a\n        a = 2\n")
    assert f.nonlocal_used is True
    assert f.functions == {"o": ()}


def test_output_history_names():
    f = facts("print(_, __, ___, _12, Out[3], In, _i4)")
    assert f.output_history == ("_", "__", "___", "_12", "Out", "_3", "In", "_i4")
    assert f.reads == ("print", "_", "__", "___", "_12", "Out", "In", "_i4")


def test_calls_record_module_level_calls_and_what_was_bound_before():
    f = facts("x = 1\nf()\ndef g():\n    h()\n[k() for _ in r]")
    assert f.calls == ("f", "k")
    assert f.calls_bound == {"f": frozenset({"x"}), "k": frozenset({"x", "g"})}


def test_a_comprehension_target_that_is_called_is_not_a_global_call():
    assert facts("[f() for f in fs]").calls == ()


def test_dunder_reads():
    assert facts("if __name__ == '__main__':\n    main()\ndef p():\n    return __file__").reads_dunder == (
        "__name__",
        "__file__",
    )


# ----- defines -----------------------------------------------------------------------
def test_defines_cover_every_binding_form():
    src = (
        "a = 1\n"
        "b += 1\n"
        "c: int = 3\n"
        "d: int\n"
        "import numpy as np, os.path\n"
        "from pathlib import Path\n"
        "def fn():\n    pass\n"
        "class K:\n    pass\n"
        "for e in r:\n    pass\n"
        "with open(p) as fh:\n    pass\n"
        "try:\n    pass\nexcept ValueError as err:\n    pass\n"
        "match m:\n    case [q]:\n        pass\n"
    )
    f = facts(src)
    assert f.defines == ("a", "b", "c", "np", "os", "Path", "fn", "K", "e", "fh", "err", "q")
    assert f.uncertain_defines == {"e", "err", "q"}
    assert f.imports == {"np": "import numpy as np", "os": "import os.path", "Path": "from pathlib import Path"}


def test_untaken_branch_is_only_an_uncertain_define():
    f = facts("if c:\n    u = 1\nelse:\n    u = 2\nif d:\n    v = 1\n")
    assert f.defines == ("u", "v")
    assert f.uncertain_defines == {"v"}


def test_try_except_binding_in_every_path_is_certain():
    f = facts("try:\n    import numpy as np\nexcept ImportError:\n    np = None\n")
    assert f.uncertain_defines == frozenset()


def test_branch_that_raises_does_not_make_the_other_uncertain():
    f = facts("if ok:\n    v = 1\nelse:\n    raise ValueError\n")
    assert f.uncertain_defines == frozenset()


def test_loop_and_suppress_bodies_are_uncertain():
    f = facts("while go:\n    w = 1\nwith suppress(KeyError):\n    s = d['a']\nwith ctx() as c:\n    t = 1\n")
    assert f.uncertain_defines == {"w", "s"}


def test_match_with_wildcard_binding_everywhere_is_certain():
    f = facts("match c:\n    case 1:\n        r = 'a'\n    case _:\n        r = 'b'\n")
    assert f.uncertain_defines == frozenset()


def test_annotations_run_at_module_and_class_level_only():
    assert facts("x: T = 1\ny: U").reads == ("T", "U")
    assert facts("class P:\n    a: V\n    b: W = 0").reads == ("V", "W")
    assert facts("def f():\n    a: X = 1\n    return a").functions == {"f": ()}


def test_star_import():
    f = facts("import os\nfrom pylab import *")
    assert f.star_import == 2
    assert f.defines == ("os",)


# ----- mutation ----------------------------------------------------------------------
def test_mutation_forms():
    f = facts(
        "df.drop(columns=['a'], inplace=True)\n"
        "lst.append(1)\n"
        "d['k'] = 1\n"
        "obj.a.b[0] = 2\n"
        "del e[1]\n"
        "conf.update(x=1)\n"
        "cfg.name = 'n'\n"
        "arr[0] += 1\n"
        "ax.set_title('x')\n"
        "df.head()\n"
        "n = stack.pop()\n"
    )
    assert f.mutates == ("df", "lst", "d", "obj", "e", "conf", "cfg", "arr", "ax", "stack")
    assert f.uncertain_mutates == {"ax"}
    assert f.reads == ("df", "lst", "d", "obj", "e", "conf", "cfg", "arr", "ax", "stack")


def test_mutation_under_a_loop_is_uncertain():
    f = facts("for k in range(3):\n    res.append(k)\n")
    assert f.mutates == ("res",)
    assert f.uncertain_mutates == {"res"}


def test_mutation_inside_a_function_body_is_not_a_cell_mutation():
    assert facts("def f():\n    lst.append(1)\n").mutates == ()


def test_mutating_a_comprehension_target_is_not_a_global_mutation():
    assert facts("[row.append(0) for row in grid]").mutates == ()


# ----- misc facts --------------------------------------------------------------------
def test_dynamic_namespace():
    f = facts("globals()['a'] = 1\nexec('b = 1')\neval('c', ns)\nvars(obj)")
    assert f.dynamic_namespace == (("globals()", 1), ("exec", 2))


@pytest.mark.parametrize(
    ("src", "displays"),
    [("x", True), ("x;", False), ("x = 1", False), ("x  # note", True), ("f(x) ;  # q", False), ("'é' + x", True)],
)
def test_displays(src, displays):
    assert facts(src).displays is displays


def test_top_level_await_is_async():
    assert facts("r = await fetch()").is_async is True
    assert facts("async def f():\n    await g()").is_async is False


# ----- magics ------------------------------------------------------------------------
def test_line_magic_time_reads_and_defines():
    f = facts("%time y = f(x)\nz = 1")
    assert f.defines == ("y", "z")
    assert f.reads == ("f", "x")
    assert f.magics == (Magic(1, "line", "time", "%time y = f(x)", ("f", "x")),)
    assert f.python == "get_ipython().run_line_magic('time', 'y = f(x)')\nz = 1\n"


def test_timeit_reads_but_does_not_define():
    f = facts("%timeit -n 10 -r 3 y = f(x)")
    assert f.defines == ()
    assert f.reads == ("f", "x")


def test_shell_interpolation_reads():
    f = facts("!echo {x} $y $HOME")
    assert f.reads == ("x", "y")
    assert f.magics == (Magic(1, "shell", "!", "!echo {x} $y $HOME", ("x", "y")),)
    assert f.displays is False


def test_shell_capture_defines():
    f = facts("files = !ls {d}")
    assert f.defines == ("files",)
    assert f.reads == ("d",)


def test_help_magic():
    f = facts("x = 1\ndf.head?")
    assert f.magics == (Magic(2, "help", "?", "df.head?", ("df",)),)
    assert f.reads == ("df",)


def test_plain_line_magic():
    f = facts("%matplotlib inline\nimport numpy as np")
    assert f.magics == (Magic(1, "line", "matplotlib", "%matplotlib inline", ()),)
    assert f.defines == ("np",)


def test_store_restore_defines_uncertainly():
    f = facts("%store -r cfg")
    assert f.defines == ("cfg",)
    assert f.uncertain_defines == {"cfg"}


def test_run_magic_is_dynamic():
    assert facts("%run helpers.py").dynamic_namespace == (("%run", 1),)


def test_magic_lines_map_to_the_original_after_continuations_and_blank_lines():
    f = facts("\n\n%time x = \\\n  1\n%matplotlib inline\ny = z")
    assert [(m.line, m.name) for m in f.magics] == [(3, "time"), (5, "matplotlib")]
    assert f.defines == ("x", "y")


def test_cell_magic_time_analyses_its_body():
    f = facts("%%time\na = b + 1\n%time c = d")
    assert f.defines == ("a", "c")
    assert f.reads == ("b", "d")
    assert [(m.line, m.kind, m.name) for m in f.magics] == [(1, "cell", "time"), (3, "line", "time")]


def test_cell_magic_capture_defines_its_variable():
    f = facts("%%capture out\nprint(q)")
    assert f.defines == ("out",)
    assert f.reads == ("print", "q")


def test_non_python_cell_magic_has_no_python_facts():
    f = facts("%%bash --out res\necho {x}\nls $y")
    assert f.defines == ("res",)
    assert f.reads == ()
    assert f.error is None


def test_magic_inside_function_body_reads_in_function_scope():
    f = facts("def f():\n    !ls {folder}\n")
    assert f.reads == ()
    assert f.functions == {"f": ("folder",)}


# ----- errors and robustness ---------------------------------------------------------
def test_syntax_error_reports_line_in_original_cell():
    f = facts("a = 1\nb = 2\nc = (")
    assert f.error == "SyntaxError: '(' was never closed (line 3)"
    assert f.error_line == 3
    assert f.tree is None
    assert f.defines == ()


def test_syntax_error_after_magic_continuation_reports_original_line():
    f = facts("%time x = \\\n  1\nq = (")
    assert f.error == "SyntaxError: '(' was never closed (line 3)"


def test_syntax_error_in_cell_magic_body_is_shifted():
    f = facts("%%time\nx = 1\ny = (")
    assert f.error == "SyntaxError: '(' was never closed (line 3)"
    assert f.error_line == 3


def test_invalid_syntax_message():
    assert facts("x = = 1").error == "SyntaxError: invalid syntax (line 1)"


@pytest.mark.parametrize(
    "src", ["", "\x00", "(" * 300, "+".join(["a"] * 20000), "%%", "!", "?", "def f(:", "\ufeff", "\t x", "@"]
)
def test_never_raises(src):
    assert isinstance(facts(src), CellFacts)


def test_non_string_source_is_an_error_not_an_exception():
    assert cell_facts(None).error == "TypeError: cell source is not a string (line 1)"


def test_memoised_by_source():
    assert cell_facts("q = 1\n") is cell_facts("q = 1\n")
