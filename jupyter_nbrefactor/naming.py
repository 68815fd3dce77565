"""What would we name this function, and which module would it go to?

The one suggester of names for extraction: the extract dialog (``POST extract/suggest``),
the Health report's candidates and ``jupyter nbrefactor extract`` without ``--name`` ask it.

A name is a verb phrase, from the nearest section heading above the selection when it
has a verb (``## Loading the data`` -> ``load_data``), else a verb the code suggests
(``pd.read_csv`` -> ``load``, ``.fit(`` -> ``train``, ``.dropna(`` -> ``clean``) and the
heading's or the code's main noun (``train_model``). It is never a name the extraction
would refuse: never a name the notebook binds or reads (``model`` when the selection
binds ``model``), one the module already holds, a keyword or a builtin; a taken name gets
a number. The module comes from the section heading (``## Data loading`` ->
``src/data.py``), not from the notebook's file name.
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .cells import cell_facts, may_name
from .config import names_in_tree
from .dataflow import is_predefined
from .errors import RequestError
from .language import notebook_language
from .modpath import validate_module_path
from .request import JSON_OBJECT, Kind, as_text, check, get_field

DEFAULT_FOLDER = "src"
FALLBACK_NAME = "run_step"
FALLBACK_MODULE = "steps"
MAX_OBJECT_WORDS = 2

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
# Words that carry no meaning in a name: articles, numbering, filler.
_FILLER = frozenset(
    "a an the of and or for to in on with from into our my your its their this that these those "
    "some all step part section try attempt first second third then now here let lets we us "
    "only just again new final quick notebook analysis".split()
)
# Verbs a heading may start with, and the -ing/-ed forms people write in headings.
_VERBS = frozenset(
    "load read fetch get download import clean prepare preprocess process filter merge join "
    "split train fit tune evaluate score predict test validate plot draw show visualize "
    "compute calculate count aggregate summarize build make create define transform encode "
    "normalize scale select save export write parse extract check explore inspect sample "
    "generate simulate estimate analyze format convert combine group sort rank update setup".split()
)
_GERUNDS = {
    **{v + "ing": v for v in _VERBS},
    **{v[:-1] + "ing": v for v in _VERBS if v.endswith("e")},
    **{v + v[-1] + "ing": v for v in _VERBS if re.fullmatch(r".*[^aeiou][aeiou][bdgmnpt]", v)},
    **{v + "d" if v.endswith("e") else v + "ed": v for v in _VERBS},
    "preprocessing": "preprocess",
    "visualisation": "visualize",
    "visualization": "visualize",
    "evaluation": "evaluate",
    "exploration": "explore",
    "preparation": "prepare",
    "cleanup": "clean",
    "training": "train",
    "loading": "load",
    "plotting": "plot",
}
# What a call in the code says the step does (method or function name -> verb).
_CALL_VERBS = {
    "read_csv": "load",
    "read_parquet": "load",
    "read_excel": "load",
    "read_json": "load",
    "read_sql": "load",
    "read_table": "load",
    "load": "load",
    "loadtxt": "load",
    "open": "load",
    "fit": "train",
    "fit_transform": "transform",
    "predict": "predict",
    "score": "evaluate",
    "dropna": "clean",
    "fillna": "clean",
    "drop_duplicates": "clean",
    "replace": "clean",
    "astype": "clean",
    "merge": "merge",
    "groupby": "summarize",
    "agg": "summarize",
    "plot": "plot",
    "hist": "plot",
    "scatter": "plot",
    "subplots": "plot",
    "imshow": "plot",
    "savefig": "save",
    "to_csv": "save",
    "to_parquet": "save",
    "dump": "save",
    "train_test_split": "split",
}
# Names too generic to be the noun of a name (``load_df`` says less than ``load_data``).
_VAGUE = {"df": "data", "data": "data", "d": "data", "x": "data", "tmp": "data", "res": "result"}
# Names that never say what a step is about: plot handles, counters, loop items.
_HANDLES = frozenset("ax axes fig figs plt idx row col key value item items".split())


def suggest(
    notebook: Mapping[str, Any],
    cells: Sequence[int],
    module_source: str | None = None,
    avoid: Iterable[str] = (),
) -> dict[str, str]:
    """``{"name", "module"}`` for extracting the code cells at ``cells`` (0-based indices):
    a function name the extraction would not refuse and a module path relative to the
    notebook (``src/<section>.py``). ``module_source`` is the module's current text,
    when the caller knows it; ``avoid``: more names not to suggest (other candidates)."""
    nb_cells = list(notebook.get("cells") or [])
    selected = sorted(i for i in cells if 0 <= i < len(nb_cells))
    return {
        "name": suggest_name(nb_cells, selected, module_source, avoid),
        "module": suggest_module(nb_cells, selected),
    }


_NOTEBOOK = Kind(
    'an nbformat v4 notebook with a "cells" list',
    lambda value: isinstance(value, dict) and isinstance(value.get("cells"), list),
)
_SELECTION = Kind(
    "a non-empty list of 0-based cell indices",
    lambda value: isinstance(value, list) and bool(value) and all(type(i) is int for i in value),
)


def suggest_request(request: object, module_source: str | None = None) -> dict[str, Any]:
    """``POST extract/suggest``: ``{"notebook", "cells", "module"?}`` -> ``{"name",
    "module", "language", "python", "code_cells"}``: the suggestion for the selection's
    code cells (markdown cells stay in place), in ``module`` when the request names one
    (``module_source``: its current text), the notebook's language as
    ``language.notebook_language`` decides it, and the selection's code cells."""
    check(request, JSON_OBJECT, "the request")
    assert isinstance(request, dict)
    nb = get_field(request, "notebook", _NOTEBOOK, '"notebook"')
    cells = get_field(request, "cells", _SELECTION, '"cells"')
    for i in cells:
        if not 0 <= i < len(nb["cells"]):
            raise RequestError(f'"cells": cell index {i} is out of range (the notebook has {len(nb["cells"])} cells)')
    code = sorted({i for i in cells if isinstance(nb["cells"][i], dict) and nb["cells"][i].get("cell_type") == "code"})
    module = request.get("module")
    if module is not None:
        module = validate_module_path(module)
    else:
        module = suggest_module(nb["cells"], code or sorted(cells))
    language = notebook_language(nb)
    name = suggest_name(nb["cells"], code, module_source) if code else FALLBACK_NAME
    return {"name": name, "module": module, "language": language, "python": language == "python", "code_cells": code}


def suggest_module(nb_cells: Sequence[Mapping[str, Any]], selected: Sequence[int]) -> str:
    """``src/<noun>.py`` from the section heading above the selection: its main noun."""
    heading = _section_heading(nb_cells, selected, skip_title=True)
    words = [w for w in _words(heading) if w not in _FILLER] if heading else []
    nouns = [w for w in words if w not in _VERBS and w not in _GERUNDS]
    stem = _identifier(nouns[:1]) if nouns else None
    if stem is None and words:
        stem = _identifier(words[:1])  # a heading that is only a verb: ``Cleaning``
    if stem is None or keyword.iskeyword(stem) or is_predefined(stem):
        stem = FALLBACK_MODULE
    return f"{DEFAULT_FOLDER}/{stem}.py"


def suggest_name(
    nb_cells: Sequence[Mapping[str, Any]],
    selected: Sequence[int],
    module_source: str | None = None,
    avoid: Iterable[str] = (),
) -> str:
    """A verb phrase naming what the selected cells do, free in the notebook and module."""
    taken = _Taken(nb_cells, _names_in_module(module_source) | set(avoid))
    code = [as_text(nb_cells[i].get("source", "")) for i in selected if nb_cells[i].get("cell_type") == "code"]
    heading = _section_heading(nb_cells, selected, skip_title=True)
    words = [w for w in _words(heading) if w not in _FILLER] if heading else []
    verb, noun_words = None, words
    if words and (words[0] in _VERBS or words[0] in _GERUNDS):
        verb, noun_words = _GERUNDS.get(words[0], words[0]), words[1:]
    if verb is None:
        verb = _code_verb(code)
    nouns = [w for w in noun_words if w not in _VERBS and w not in _GERUNDS][:MAX_OBJECT_WORDS]
    if not nouns:
        imported = {n for c in nb_cells if c.get("cell_type") == "code" for n in _imports(c)}
        nouns = _code_noun(code, imported)
    parts = ([verb] if verb else ["compute" if nouns else ""]) + nouns
    name = _identifier([p for p in parts if p]) or FALLBACK_NAME
    return _fresh(name, taken)


def _section_heading(nb_cells: Sequence[Mapping[str, Any]], selected: Sequence[int], skip_title: bool) -> str | None:
    """The last heading of the nearest markdown cell above the first selected cell, else
    the first heading between the selected cells; a notebook's title (a level-1
    heading in its first markdown cell) is no section."""
    if not selected:
        return None
    first_markdown = next((i for i, c in enumerate(nb_cells) if c.get("cell_type") == "markdown"), None)
    candidates = list(range(selected[0] - 1, -1, -1)) + list(range(selected[0] + 1, selected[-1]))
    for i in candidates:
        cell = nb_cells[i]
        if cell.get("cell_type") != "markdown":
            continue
        found = _HEADING.findall(as_text(cell.get("source", "")))
        if skip_title and i == first_markdown:
            found = [(level, text) for level, text in found if len(level) > 1]
        for _, text in reversed(found):
            if any(w not in _FILLER for w in _words(text)):
                return str(text)
    return None


def _words(text: str) -> list[str]:
    """Lower-case words of a heading, without numbering (``Step 2:``, ``1.``) or digits."""
    return [w for w in re.findall(r"[a-z][a-z0-9]*", text.lower()) if not w.isdigit()]


def _identifier(words: Sequence[str]) -> str | None:
    name = "_".join(words)
    return name if name.isidentifier() else None


def _calls(code: Sequence[str]) -> list[str]:
    """Called function or method names of the code, in order."""
    out: list[str] = []
    for source in code:
        tree = cell_facts(source).tree
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute):
                    out.append(func.attr)
                elif isinstance(func, ast.Name):
                    out.append(func.id)
    return out


def _code_verb(code: Sequence[str]) -> str | None:
    """The verb of the code's first telling call (``pd.read_csv`` -> ``load``)."""
    return next((_CALL_VERBS[c] for c in _calls(code) if c in _CALL_VERBS), None)


def _code_noun(code: Sequence[str], imported: set[str]) -> list[str]:
    """The name the code works on most (read, bound or changed most often; not an
    import, a builtin or a one-letter name), made readable (``df`` -> ``data``)."""
    counts: dict[str, int] = {}
    for source in code:
        facts = cell_facts(source)
        if facts.tree is None:
            continue
        for node in ast.walk(facts.tree):
            name = node.id if isinstance(node, ast.Name) else None
            if (
                name
                and name not in imported
                and not is_predefined(name)
                and not name.startswith("_")
                and name not in _HANDLES
            ):
                if (len(name) > 1 and not re.fullmatch(r"[a-z]\d+", name)) or name in _VAGUE:
                    counts[name] = counts.get(name, 0) + 1
    if not counts:
        return []
    best = max(counts, key=lambda n: counts[n])  # the first of equals: dicts keep order
    return [_VAGUE.get(best.lower(), best.lower())]


def _imports(cell: Mapping[str, Any]) -> set[str]:
    return set(cell_facts(as_text(cell.get("source", ""))).imports)


class _Taken:
    """The names a new function must not take: ``names``, and every name a code cell of the
    notebook binds or reads (a function named like one is refused or would shadow it).
    A cell is looked at only when it may hold the name (``cells.may_name``), so most
    cells' trees are never built."""

    def __init__(self, nb_cells: Sequence[Mapping[str, Any]], names: set[str]):
        self.sources = [as_text(c.get("source", "")) for c in nb_cells if c.get("cell_type") == "code"]
        self.names = names

    def __contains__(self, name: str) -> bool:
        if name in self.names:
            return True
        return any(may_name(cell_facts(s), name) and name in _names_in_cell(s) for s in self.sources)


@functools.lru_cache(maxsize=8192)
def _names_in_cell(source: str) -> frozenset[str]:
    """One cell's names (memoised by source: the Health candidates ask for every run)."""
    facts = cell_facts(source)
    names = {*facts.defines, *facts.reads, *facts.deletes, *facts.imports}
    if facts.tree is not None:
        names.update(names_in_tree(facts.tree))
    return frozenset(names)


def _names_in_module(source: str | None) -> set[str]:
    """Every name the module's text uses or binds (a module that does not parse: none;
    the plan says why it cannot merge)."""
    if not source:
        return set()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _fresh(name: str, taken: set[str] | _Taken) -> str:
    """``name``, or ``name_2``, ``name_3``… when it is taken, a keyword or a builtin."""
    candidate, i = name, 2
    while candidate in taken or keyword.iskeyword(candidate) or is_predefined(candidate):
        candidate, i = f"{name}_{i}", i + 1
    return candidate
