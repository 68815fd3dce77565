"""Local modules edited under a running kernel (modules.py, issue 17): which runs used
them, whether the kernel still has the old code, and what the warnings say."""

from __future__ import annotations

import pytest

from jupyter_nbrefactor import analyze
from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.modules import analyze_in_folder, module_text, reload_code, reload_order, snapshot

FEATURES = '''"""Features."""
THRESHOLD = 3


def _clip(x):
    return min(x, THRESHOLD)


def engineer_features(x):
    return _clip(x) + 1


def unused():
    return 0
'''
MODELS = """from src.features import engineer_features


def train(x):
    return engineer_features(x) * 2
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    (tmp_path / "src" / "features.py").write_text(FEATURES)
    (tmp_path / "src" / "models.py").write_text(MODELS)
    return tmp_path


def edit(folder, old, new, name="features.py"):
    path = folder / "src" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


class Session:
    """A notebook whose cells all ran once, each run stamped with the modules on disk."""

    def __init__(self, folder, *sources):
        self.folder = folder
        self.cells = [(f"c{i + 1}", s) for i, s in enumerate(sources)]
        self.runs: list[dict] = []
        self.reloads: list[dict] = []

    def snap(self):
        known = [p for r in self.runs for p in r.get("modules", {})]
        sources = [s for _, s in self.cells]
        return snapshot(sources, self.folder, self.folder, known)

    def run(self, *ids):
        for cid in ids:
            source = dict(self.cells)[cid]
            self.runs.append(
                {"cell_id": cid, "source": source, "execution_count": len(self.runs) + 1, "modules": self.snap()}
            )
        return self

    def run_all(self):
        return self.run(*(c for c, _ in self.cells))

    def reload(self, path="src/features.py"):
        self.reloads.append({"after": len(self.runs), "paths": [path], "modules": self.snap()})
        return self

    def warnings(self):
        request = {
            "cells": [{"id": c, "source": s} for c, s in self.cells],
            "runs": self.runs,
            "modules": self.snap(),
            "reloads": self.reloads,
        }
        return [(w["cell_id"], w["kind"], w["message"]) for w in analyze(request)["warnings"]]


OLD = "the kernel still has the old `engineer_features`"
CHANGED = f"src/features.py changed after this cell ran: {OLD}"


def test_from_import_stale_after_used_function_changes(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)", "Y = X + 1")
    s.run_all()
    assert s.warnings() == []
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert s.warnings() == [
        ("c1", "stale", CHANGED),
        ("c2", "stale", CHANGED),
        ("c3", "depends-on-stale", "X was produced by cell 2, which is stale"),
    ]


def test_a_change_to_a_helper_or_constant_it_uses_is_a_change(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "THRESHOLD = 3", "THRESHOLD = 4")
    assert [w[:2] for w in s.warnings()] == [("c1", "stale"), ("c2", "stale")]


def test_a_change_to_an_unused_function_is_no_warning(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "return 0", "return 1")
    assert s.warnings() == []


def test_a_comment_or_blank_lines_are_no_warning(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "def engineer_features(x):\n", "# tuned later\n\n\ndef engineer_features(x):  # the entry point\n")
    assert s.warnings() == []


def test_plain_import_and_attribute_calls(folder):
    s = Session(folder, "import src.features as sf", "X = sf.engineer_features(1)", "Z = sf.unused()")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert s.warnings() == [("c1", "stale", CHANGED), ("c2", "stale", CHANGED)]


def test_alias_from_import_names_the_notebook_name(folder):
    s = Session(folder, "from src.features import engineer_features as ef", "X = ef(1)")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    request_names = {
        w["cell_id"]: w["names"]
        for w in analyze(
            {
                "cells": [{"id": c, "source": src} for c, src in s.cells],
                "runs": s.runs,
                "modules": s.snap(),
            }
        )["warnings"]
    }
    assert request_names == {"c1": ["ef"], "c2": ["ef"]}
    assert s.warnings()[0][2] == CHANGED


def test_from_package_import_module(folder):
    s = Session(folder, "from src import features", "X = features.engineer_features(1)")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert s.warnings() == [("c1", "stale", CHANGED), ("c2", "stale", CHANGED)]


def test_transitive_import_a_change_below_reaches_the_caller(folder):
    s = Session(folder, "from src.models import train", "M = train(1)")
    s.run_all()
    snap = s.snap()
    assert snap["src/models.py"]["imports"] == ["src/features.py"]
    assert "src/features.py" in snap
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    message = "src/models.py changed after this cell ran: the kernel still has the old `train`"
    assert s.warnings() == [("c1", "stale", message), ("c2", "stale", message)]
    assert reload_order(["src/features.py"], s.snap()) == ["src/features.py", "src/models.py"]


def test_notebook_function_calling_a_module_function(folder):
    s = Session(
        folder,
        "from src.features import engineer_features",
        "def pipeline(x):\n    return engineer_features(x)",
        "P = pipeline(1)",
    )
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert [w[:2] for w in s.warnings()] == [("c1", "stale"), ("c3", "stale")]


def test_deleting_the_module(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    (folder / "src" / "features.py").unlink()
    gone = "src/features.py was deleted after this cell ran: the kernel still has the old `engineer_features`"
    assert s.warnings() == [("c1", "stale", gone), ("c2", "stale", gone)]


def test_renaming_the_function(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "def engineer_features(x):", "def build_features(x):")
    renamed = (
        "src/features.py changed after this cell ran: it no longer defines `engineer_features`, "
        "which the kernel still has"
    )
    assert s.warnings() == [("c1", "stale", renamed), ("c2", "stale", renamed)]


def test_reimport_after_the_edit_still_has_the_old_code(folder):
    """``sys.modules`` keeps the module: running the import again binds the old function."""
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    s.run("c1", "c2")
    assert s.warnings() == [("c1", "stale", CHANGED), ("c2", "stale", CHANGED)]


def test_reload_moves_the_warning_to_results_of_the_old_code(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)", "Y = X + 1")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    s.reload()
    rerun = "src/features.py changed after this cell ran: its result came from the old `engineer_features`; "
    assert s.warnings() == [
        ("c2", "stale", rerun + "re-run to use the new code"),
        ("c3", "depends-on-stale", "X was produced by cell 2, which is stale"),
    ]
    request = {
        "cells": [{"id": c, "source": src} for c, src in s.cells],
        "runs": s.runs,
        "modules": s.snap(),
        "reloads": s.reloads,
    }
    assert {w.get("reload_code") for w in analyze(request)["warnings"]} == {"", None}  # nothing left to reload
    s.run("c2", "c3")
    assert s.warnings() == []


def test_first_import_after_the_edit_loads_the_new_code(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    s.run_all()
    assert s.warnings() == []


def test_autoreload_wording(folder):
    s = Session(
        folder,
        "%load_ext autoreload\n%autoreload 2",
        "import src.features as sf",
        "from src.features import engineer_features",
        "X = sf.engineer_features(1)",
        "Y = engineer_features(1)",
    )
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    head = "src/features.py changed after this cell ran: %autoreload reloads it on the next run"
    by_cell = {c: m for c, _, m in s.warnings()}
    assert by_cell["c4"] == head + "; re-run this cell to use the new `engineer_features`"
    assert by_cell["c5"] == (
        head + ", but `engineer_features`, bound by `from … import`, may keep the old code until its import runs again"
    )


def test_no_modules_field_means_no_module_analysis(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    request = {"cells": [{"id": c, "source": src} for c, src in s.cells], "runs": s.runs}
    assert analyze(request)["warnings"] == []


def test_runs_without_a_stamp_count_as_current(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    for r in s.runs:
        del r["modules"]
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert s.warnings() == []


def test_bad_module_fields_are_request_errors():
    base = {"cells": [], "runs": [{"cell_id": "c1", "source": "x = 1", "modules": {"m.py": {"defs": 3}}}]}
    with pytest.raises(RequestError, match=r"runs\[0\]\.modules\['m.py'\]\.defs must be an object of strings"):
        analyze({**base, "modules": {}})
    with pytest.raises(RequestError, match=r"reloads\[0\]\.after"):
        analyze({"cells": [], "modules": {}, "reloads": [{"paths": []}]})


def test_snapshot_resolves_under_the_folder_only(folder):
    (folder / "json.py").write_text("x = 1\n")  # shadows the standard library, as the kernel would
    snap = snapshot(["import numpy as np\nimport json\nfrom src.models import train", "x = 1"], folder, folder)
    assert sorted(snap) == ["json.py", "src/features.py", "src/models.py"]
    assert snap["src/models.py"]["module"] == "src.models"
    assert set(snap["src/features.py"]["defs"]) == {"THRESHOLD", "_clip", "engineer_features", "unused"}


def test_snapshot_of_a_module_that_does_not_parse(folder):
    (folder / "src" / "features.py").write_text("def broken(:\n")
    snap = snapshot(["from src.features import engineer_features"], folder, folder)
    assert snap["src/features.py"] == {
        "module": "src.features",
        "defs": {},
        "imports": [],
        "error": "unreadable or does not parse",
    }


def test_a_module_that_stops_parsing_is_no_warning(folder):
    s = Session(folder, "from src.features import engineer_features", "X = engineer_features(1)")
    s.run_all()
    (folder / "src" / "features.py").write_text("def engineer_features(:\n")
    assert s.warnings() == []


def test_relative_imports_inside_a_package(folder):
    (folder / "src" / "models.py").write_text(
        "from .features import engineer_features\n\ndef train(x):\n    return engineer_features(x)\n"
    )
    snap = snapshot(["from src.models import train"], folder, folder)
    assert snap["src/models.py"]["imports"] == ["src/features.py"]


def test_module_text_hashes_ignore_comments_and_formatting():
    a = module_text("def f(x):\n    return x+1\n")
    b = module_text("# c\ndef f(x):  # why\n    return (x + 1)\n")
    assert a.own == b.own
    assert module_text("def f(x):\n    return x+2\n").own != a.own


def test_analyze_in_folder_answers_the_snapshot(folder):
    nb = folder / "analysis.ipynb"
    nb.write_text("{}")
    request = {"path": "analysis.ipynb", "cells": [{"id": "c1", "source": "from src.features import unused"}]}
    answer = analyze_in_folder(request, folder)
    assert sorted(answer["modules"]) == ["src/features.py"]
    with pytest.raises(RequestError, match="outside the server root"):
        analyze_in_folder({**request, "path": "../x.ipynb"}, folder)


def test_reload_code_rebinds_names_bound_from_the_module(folder, monkeypatch):
    import sys

    monkeypatch.syspath_prepend(str(folder))
    for m in ("src", "src.features", "src.models"):
        sys.modules.pop(m, None)
    ns: dict = {}
    exec("from src.features import engineer_features as ef\nfrom src.models import train\nn = 3", ns)
    assert (ns["ef"](1), ns["train"](1)) == (2, 4)
    edit(folder, "_clip(x) + 1", "_clip(x) + 10")
    snap = snapshot(["from src.models import train"], folder, folder)

    class Shell:
        user_ns = ns

    code = reload_code(reload_order(["src/features.py"], snap), snap)
    exec(code, {"get_ipython": lambda: Shell})
    assert (ns["ef"](1), ns["train"](1), ns["n"]) == (11, 22, 3)
    assert not [k for k in ns if k.startswith("__n")]
    for m in ("src", "src.features", "src.models"):
        sys.modules.pop(m, None)


def test_a_run_without_a_stamp_saw_the_disk_of_the_next_stamped_run(folder):
    """An extraction hands the replaced cells' runs to the new cell, unstamped."""
    s = Session(folder, "from src.features import engineer_features\ny = engineer_features(1)", "print(y)")
    s.run_all()
    s.runs[0].pop("modules")
    s.run("c1", "c2")
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert [w[:2] for w in s.warnings()] == [("c1", "stale"), ("c2", "depends-on-stale")]


def test_reload_leaves_a_cell_that_imported_and_called_in_one_stale(folder):
    """The replacement cell of an extraction imports the function and calls it."""
    s = Session(folder, "from src.features import engineer_features\ny = engineer_features(1)", "print(y)")
    s.run_all()
    edit(folder, "_clip(x) + 1", "_clip(x) + 2")
    assert [w[:2] for w in s.warnings()] == [("c1", "stale"), ("c2", "depends-on-stale")]
    assert s.warnings()[0][2] == CHANGED
    s.reload()
    assert s.warnings()[0] == (
        "c1",
        "stale",
        "src/features.py changed after this cell ran: its result came from the old `engineer_features`; "
        "re-run to use the new code",
    )
    s.run("c1", "c2")
    assert s.warnings() == []
