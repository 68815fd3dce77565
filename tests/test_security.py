"""The server routes under attack: who may call what, where extraction may write, and
that an existing module never loses a byte (hostile paths, races, crashes mid-write)."""

import ast
import asyncio
import difflib
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from server_auth import RecordingAuthorizer, login_cookie, recording_server_config
from tornado.httpclient import HTTPClientError

from jupyter_nbrefactor.extract import source_hash
from jupyter_nbrefactor.handlers import ROUTES

NOTEBOOK = new_notebook(
    cells=[
        new_code_cell("import math\nn = 3"),
        new_code_cell("total = sum(math.pow(i, 2) for i in range(n))"),
        new_code_cell("print(total)"),
    ]
)


@pytest.fixture
def jp_server_config(jp_server_config):
    return recording_server_config(jp_server_config)


@pytest.fixture(autouse=True)
def authorizer():
    return RecordingAuthorizer.reset()


def extract_body(**change) -> dict:
    body = {
        "notebook": NOTEBOOK,
        "cells": [1],
        "name": "compute",
        "module": "src/calc.py",
        "path": "work/analysis.ipynb",
    }
    body.update(change)
    return body


async def call(jp_fetch, route, body=None, method="POST", **kw):
    """(status, answer as JSON or None) of one request, errors included."""
    payload = body if isinstance(body, (str, type(None))) else json.dumps(body)
    try:
        response = await jp_fetch("jupyter-nbrefactor", route, method=method, body=payload, **kw)
    except HTTPClientError as err:
        response = err.response
    text = response.body.decode()
    return response.code, json.loads(text) if text else None


def tree(top: Path) -> dict:
    """Every folder, file and symbolic link under ``top``: what it is and holds, byte for byte."""
    found = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder, name)
            key = str(path.relative_to(top))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = "folder"
            else:
                found[key] = path.read_bytes()
    return found


# ----- who can call what -----------------------------------------------------------------


@pytest.mark.parametrize("path", [path for path, _ in ROUTES])
@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_every_route_is_forbidden_with_a_wrong_token(jp_fetch, jp_root_dir, path, method):
    body = json.dumps(extract_body()) if method == "POST" else None
    code, _ = await call(jp_fetch, path, body, method, headers={"Authorization": "token not-the-token"})
    assert code == 403
    assert tree(jp_root_dir) == {}


ASKED = {
    ("version", "GET"): ("read", "contents"),
    ("analyze", "POST"): ("read", "contents"),
    ("graph", "POST"): ("read", "contents"),
    ("extract/plan", "POST"): ("read", "contents"),
    ("extract/apply", "POST"): ("write", "contents"),
    ("extract/suggest", "POST"): ("read", "contents"),
    ("extract/restore", "POST"): ("write", "contents"),
    ("lint", "GET"): ("read", "contents"),
    ("report", "GET"): ("read", "contents"),
    ("config/plan", "POST"): ("read", "contents"),
    ("config/apply", "POST"): ("write", "contents"),
    ("graduate/plan", "POST"): ("read", "contents"),
    ("graduate/apply", "POST"): ("write", "contents"),
}


# verify runs the notebook's code: its resource is kernels (tests/test_verify_routes.py asks it)
ASKED_KERNELS = {
    ("verify", "POST"): ("execute", "kernels"),
    ("verify", "GET"): ("read", "kernels"),
    ("verify", "DELETE"): ("execute", "kernels"),
}


def test_every_route_is_in_the_authorisation_table():
    assert {path for path, _ in ROUTES} == {path for path, _ in ASKED} | {path for path, _ in ASKED_KERNELS}


@pytest.mark.parametrize(("route", "method"), list(ASKED))
async def test_each_route_asks_the_authorizer_for_contents(jp_fetch, jp_root_dir, authorizer, route, method):
    (jp_root_dir / "work").mkdir()
    body = {"cells": []} if route == "analyze" else extract_body() if method == "POST" else None
    await call(jp_fetch, route, body, method, params={"path": "work/analysis.ipynb"})
    assert authorizer.asked == [(route, method, *ASKED[route, method])]


async def test_a_user_who_may_not_write_contents_can_plan_but_not_apply(jp_fetch, jp_root_dir, authorizer):
    (jp_root_dir / "work").mkdir()
    authorizer.denied = {("write", "contents")}
    code, plan = await call(jp_fetch, "extract/plan", extract_body())
    assert (code, plan["refused"]) == (200, None)
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert code == 403
    assert answer["message"]
    assert tree(jp_root_dir) == {"work": "folder"}


@pytest.mark.parametrize(("route", "method"), list(ASKED))
async def test_a_user_who_may_not_read_contents_gets_nothing(jp_fetch, jp_root_dir, authorizer, route, method):
    authorizer.denied = {("read", "contents"), ("write", "contents")}
    body = {"cells": []} if route == "analyze" else extract_body() if method == "POST" else None
    code, _ = await call(jp_fetch, route, body, method, params={"path": "work/analysis.ipynb"})
    assert code == 403


POSTS = {
    "analyze": {"cells": [{"id": "a", "source": "x = 1"}]},
    "graph": {"cells": [{"id": "a", "source": "x = 1"}]},
    "extract/plan": extract_body(),
    "extract/apply": extract_body(),
    "config/plan": extract_body(),
    "config/apply": extract_body(),
    "graduate/plan": extract_body(),
    "graduate/apply": extract_body(),
    "extract/suggest": extract_body(),
    # nothing to undo: the module never existed
    "extract/restore": {"path": "work/analysis.ipynb", "module": "src/calc.py", "source": None, "expected_hash": None},
}


def test_the_xsrf_tests_cover_every_post_route():
    assert set(POSTS) == {path for path, method in ASKED if method == "POST"}


@pytest.mark.parametrize("route", list(POSTS))
async def test_post_with_the_login_cookie_needs_the_xsrf_token(jp_fetch, jp_root_dir, route):
    (jp_root_dir / "work").mkdir()
    cookie = await login_cookie(jp_fetch)
    code, answer = await call(jp_fetch, route, POSTS[route], headers={"Authorization": "", "Cookie": cookie})
    assert code == 403
    assert "_xsrf" in answer["message"]
    code, _ = await call(
        jp_fetch,
        route,
        POSTS[route],
        headers={"Authorization": "", "Cookie": f"{cookie}; _xsrf=abc123", "X-XSRFToken": "other"},
    )
    assert code == 403
    assert tree(jp_root_dir) == {"work": "folder"}
    code, _ = await call(
        jp_fetch,
        route,
        POSTS[route],
        headers={"Authorization": "", "Cookie": f"{cookie}; _xsrf=abc123", "X-XSRFToken": "abc123"},
    )
    assert code == 200


async def test_cookie_post_from_another_origin_is_refused_even_with_the_xsrf_token(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    cookie = await login_cookie(jp_fetch)
    code, _ = await call(
        jp_fetch,
        "extract/apply",
        extract_body(),
        headers={
            "Authorization": "",
            "Cookie": f"{cookie}; _xsrf=t",
            "X-XSRFToken": "t",
            "Origin": "http://evil.example",
        },
    )
    assert code == 404  # jupyter_server hides the route from a foreign origin
    assert tree(jp_root_dir) == {"work": "folder"}


async def test_get_with_the_login_cookie_works_without_xsrf(jp_fetch, jp_root_dir):
    (jp_root_dir / "nb.ipynb").write_text(nbformat.writes(NOTEBOOK))
    cookie = await login_cookie(jp_fetch)
    code, answer = await call(
        jp_fetch, "lint", None, "GET", params={"path": "nb.ipynb"}, headers={"Authorization": "", "Cookie": cookie}
    )
    assert code == 200
    assert answer["path"] == "nb.ipynb"


# ----- hostile module paths ---------------------------------------------------------------

OUTSIDE_SECRET = "SECRET = 'outside the server root'\n"
EXISTING = "import math\n\n\ndef old(x):\n    return math.floor(x)\n"


@pytest.fixture
def server_tree(jp_root_dir):
    """A notebook folder with a module, and traps: links out of the root, name clashes."""
    outside = jp_root_dir.parent / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(OUTSIDE_SECRET)
    work = jp_root_dir / "work"
    (work / "src").mkdir(parents=True)
    (work / "src" / "__init__.py").write_text("")
    (work / "src" / "calc.py").write_text(EXISTING)
    (work / "analysis.ipynb").write_text(nbformat.writes(NOTEBOOK))
    (work / "out").symlink_to(outside, target_is_directory=True)
    (work / "leak.py").symlink_to(outside / "secret.py")
    (jp_root_dir / "escape").symlink_to(outside, target_is_directory=True)
    (work / "pkgfile").write_text("a file, not a folder\n")
    (work / "folder.py").mkdir()
    return jp_root_dir


HOSTILE_MODULES = [
    ("/etc/evil.py", "must be relative"),
    ("/work/src/evil.py", "must be relative"),
    ("../evil.py", "must stay inside the notebook's folder"),
    ("src/../../evil.py", "must stay inside the notebook's folder"),
    ("src/../../../outside/evil.py", "must stay inside the notebook's folder"),
    ("C:/evil.py", "must be relative"),
    ("c:evil.py", "must be relative"),
    ("~/evil.py", "must be relative"),
    ("file:///etc/evil.py", "empty folder name"),
    ("src/ev\x00il.py", "NUL"),
    ("%2e%2e/evil.py", "URL escapes"),
    ("src/%2E%2E/%2e%2e/evil.py", "URL escapes"),
    ("..%2fevil.py", "URL escapes"),
    ("..\\evil.py", "must use '/'"),
    ("src\\..\\..\\evil.py", "must use '/'"),
    ("\\\\server\\share\\evil.py", "must use '/'"),
    ("src/con.py", "reserved file name"),
    ("CON.py", "reserved file name"),
    ("lpt1/evil.py", "reserved file name"),
    ("src/__init__.py", "extract into a named module"),
    ("__main__.py", "extract into a named module"),
    ("os.py", "would shadow a standard module"),
    ("src/class.py", "is a Python keyword"),
    ("src/my-module.py", "not a valid Python module name"),
    ("src/.hidden.py", "not a valid Python module name"),
    ("src/ evil.py", "not a valid Python module name"),
    ("src//evil.py", "empty folder name"),
    ("src/./evil.py", "empty folder name"),
    ("src/evil.py/", "must end in .py"),
    ("src/", "must end in .py"),
    ("src/evil.txt", "must end in .py"),
    ("src/evil.pyc", "must end in .py"),
    ("src/evil.PY", "must end in .py"),
    ("src/evil.py:stream", "must end in .py"),
    ("src/evil.py\n", "must end in .py"),
    ("a" * 300 + ".py", "at most 200 characters"),
    ("/".join(["pkg"] * 60) + "/evil.py", "at most 200 characters"),
    ("src/d\u0430ta.py", "not a valid Python module name"),  # a Cyrillic a
    ("src/\uff45vil.py", "not a valid Python module name"),  # a fullwidth e: NFKC makes it "evil"
    ("\uff0e\uff0e/evil.py", "not a valid Python module name"),  # fullwidth dots
    ("src/evil\u202egnp.py", "not a valid Python module name"),  # right-to-left override
    ("", '"module" must be a non-empty path'),
    (42, '"module" must be a non-empty path'),
    (["src/a.py"], '"module" must be a non-empty path'),
    (None, '"module" must be a non-empty path'),
    # traps laid by server_tree
    ("out/evil.py", "leads outside the server root"),
    ("leak.py", "leads outside the server root"),
    ("src.py", "the folder work/src would be imported instead of work/src.py"),
    ("src/calc/evil.py", "a package folder work/src/calc would hide the module work/src/calc.py"),
    ("pkgfile/evil.py", "work/pkgfile is a file"),
    ("folder.py", "work/folder.py is a folder"),
]

HOSTILE_NOTEBOOK_PATHS = [
    ("../analysis.ipynb", "must stay inside the server root"),
    ("/../analysis.ipynb", "must stay inside the server root"),
    ("work/../../analysis.ipynb", "must stay inside the server root"),
    ("work\\..\\..\\analysis.ipynb", "must stay inside the server root"),
    ("work/analysis\x00.ipynb", "must stay inside the server root"),
    ("escape/analysis.ipynb", "leads outside the server root"),
    (".secret/analysis.ipynb", ".secret is a hidden folder"),
    ("work/.ipynb_checkpoints/analysis.ipynb", "work/.ipynb_checkpoints is a hidden folder"),
    ("", '"path" must be'),
    ("/", '"path" must be'),
    (None, '"path" must be'),
    (7, '"path" must be'),
]


def test_there_are_at_least_twenty_hostile_module_paths():
    assert len(HOSTILE_MODULES) >= 20


@pytest.mark.parametrize(("module", "message"), HOSTILE_MODULES)
@pytest.mark.parametrize("route", ["extract/plan", "extract/apply"])
async def test_hostile_module_path_is_400_and_writes_nothing(jp_fetch, server_tree, route, module, message):
    before = tree(server_tree.parent)
    code, answer = await call(jp_fetch, route, extract_body(module=module))
    assert code == 400
    assert message in answer["message"]
    assert "outside the server root'" not in json.dumps(answer)  # the secret's text
    assert tree(server_tree.parent) == before


@pytest.mark.parametrize(("path", "message"), HOSTILE_NOTEBOOK_PATHS)
@pytest.mark.parametrize("route", ["extract/plan", "extract/apply"])
async def test_hostile_notebook_path_is_400_and_writes_nothing(jp_fetch, server_tree, route, path, message):
    (server_tree / ".secret").mkdir()
    (server_tree / "work" / ".ipynb_checkpoints").mkdir()
    before = tree(server_tree.parent)
    for module in ("src/calc.py", "calc.py"):
        code, answer = await call(jp_fetch, route, extract_body(path=path, module=module))
        assert code == 400
        assert message in answer["message"]
    assert tree(server_tree.parent) == before


@pytest.mark.parametrize("route", ["extract/plan", "extract/apply"])
async def test_a_notebook_folder_that_does_not_exist_is_404_and_nothing_is_created(jp_fetch, jp_root_dir, route):
    code, answer = await call(jp_fetch, route, extract_body(path="nope/deeper/analysis.ipynb"))
    assert (code, answer["message"]) == (404, "the notebook's folder nope/deeper does not exist")
    assert tree(jp_root_dir) == {}


async def test_a_link_that_stays_inside_the_root_is_followed(jp_fetch, jp_root_dir):
    (jp_root_dir / "lib").mkdir()
    (jp_root_dir / "work").mkdir()
    (jp_root_dir / "work" / "shared").symlink_to(jp_root_dir / "lib", target_is_directory=True)
    code, answer = await call(jp_fetch, "extract/apply", extract_body(module="shared/util.py"))
    assert (code, answer["written"]) == (200, "work/shared/util.py")
    assert (jp_root_dir / "lib" / "util.py").read_text() == answer["module_source"]
    assert (jp_root_dir / "lib" / "__init__.py").read_text() == ""


# ----- never clobber ----------------------------------------------------------------------


def lines(text: str) -> list[str]:
    # a last line without its newline may gain one when code is appended after it
    return text.splitlines(True) if text.endswith(("\n", "\r")) else (text + "\n").splitlines(True)


def inserted_lines_only(old: str, new: str) -> bool:
    """``new`` is ``old`` with whole lines inserted: every old line kept, byte for byte, in order."""
    opcodes = difflib.SequenceMatcher(None, lines(old), lines(new), autojunk=False).get_opcodes()
    return all(tag in ("equal", "insert") for tag, *_ in opcodes)


def added_text(old: str, new: str) -> str:
    opcodes = difflib.SequenceMatcher(None, lines(old), lines(new), autojunk=False).get_opcodes()
    return "".join("".join(lines(new)[j1:j2]) for tag, _, _, j1, j2 in opcodes if tag == "insert")


def test_the_line_check_sees_one_changed_byte():
    assert inserted_lines_only("a\nb\n", "a\nx = 1\nb\n")
    assert inserted_lines_only("a\nb", "a\nb\n\nc")
    assert not inserted_lines_only("a\nb\n", "a\nb \n")
    assert not inserted_lines_only("a\r\nb\r\n", "a\nb\n")
    assert not inserted_lines_only("a\nb\n", "b\na\n")


ODD_MODULES = {
    "comments and blank lines": "# header comment\n\n\nX = 1  # trailing\n\n\n\n# a comment at the end\n",
    "no newline at the end": "X = 1\ndef g():\n    return X",
    "windows newlines": "X = 1\r\n\r\ndef g():\r\n    return X\r\n",
    "tabs and unicode": "def g():\n\treturn 'caf\u00e9 \u2603'\n\n\nY = '''\n  keep   these   spaces  \n'''\n",
    "form feed and backslash": "X = 1 + \\\n    2\n\x0c\ndef g():\n    pass\n",
}


@pytest.mark.parametrize("old", list(ODD_MODULES.values()), ids=list(ODD_MODULES))
async def test_merging_into_a_module_keeps_every_existing_line(jp_fetch, jp_root_dir, old):
    """The selection needs ``import math``, which these modules lack: it is inserted at
    the top, the function at the end, and nothing else changes."""
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_bytes(old.encode())
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert (code, answer["refused"]) == (200, None)
    new = module.read_bytes().decode()
    assert inserted_lines_only(old, new)
    added = added_text(old, new)
    assert added.startswith("import math") and "def compute(n):" in added
    ast.parse(new)


async def test_merging_into_a_module_with_the_imports_only_appends(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text(EXISTING)
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert (code, answer["refused"]) == (200, None)
    new = module.read_text()
    assert new.startswith(EXISTING)
    assert new[len(EXISTING) :].lstrip("\n").startswith("def compute(n):")


async def test_merging_an_import_inserts_lines_and_keeps_every_other_byte(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    old = "'''Helpers.'''\nimport os  # for paths\n\nBASE = os.getcwd()\n\n\ndef old():\n    return BASE\n"
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text(old)
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert (code, answer["refused"]) == (200, None)
    new = module.read_text()
    assert inserted_lines_only(old, new)
    assert "import math\n" in new and new.index("import math") > new.index("import os")


async def test_a_module_that_does_not_parse_is_refused_and_kept(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text("def half(:\n")
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert code == 200
    assert answer["refused"] == "src/calc.py does not parse (line 1): fix it first"
    assert answer["written"] is None
    assert module.read_text() == "def half(:\n"


async def test_a_module_that_is_not_utf8_is_400_and_kept(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_bytes(b"X = '\xe9t\xe9'\n")
    before = tree(jp_root_dir)
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert code == 400
    assert "UTF-8" in answer["message"]
    assert tree(jp_root_dir) == before


async def test_a_function_of_the_same_name_is_refused_and_kept(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text("def compute(n):\n    return 0\n")
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert code == 200
    assert "compute" in answer["refused"]
    assert module.read_text() == "def compute(n):\n    return 0\n"


@pytest.mark.parametrize(
    ("planned", "then"),
    [
        ("X = 1\n", "X = 2\n"),  # edited
        (None, "X = 2\n"),  # created
        ("X = 1\n", None),  # deleted
    ],
    ids=["edited", "created", "deleted"],
)
async def test_a_module_changed_between_plan_and_apply_is_409_and_nothing_is_written(
    jp_fetch, jp_root_dir, planned, then
):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    module = jp_root_dir / "work" / "src" / "calc.py"
    if planned is not None:
        module.write_text(planned)
    code, plan = await call(jp_fetch, "extract/plan", extract_body())
    assert (code, plan["base_hash"]) == (200, source_hash(planned))
    if then is None:
        module.unlink()
    else:
        module.write_text(then)
    before = tree(jp_root_dir)
    code, answer = await call(jp_fetch, "extract/apply", extract_body(base_hash=plan["base_hash"]))
    assert code == 409
    assert answer["message"] == "work/src/calc.py changed since the extraction was planned: plan again"
    assert tree(jp_root_dir) == before


async def test_apply_with_the_plans_hash_writes_the_planned_text(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "calc.py").write_text(EXISTING)
    _, plan = await call(jp_fetch, "extract/plan", extract_body())
    code, answer = await call(jp_fetch, "extract/apply", extract_body(base_hash=plan["base_hash"]))
    assert code == 200
    assert (jp_root_dir / "work" / "src" / "calc.py").read_text() == plan["module_source"] == answer["module_source"]


def stray_files(root: Path) -> list[str]:
    """Temporary or backup files a write could leave behind (``.~calc.py``, ``.calc.py.*.tmp``)."""
    return [str(p) for p in root.rglob("*") if p.name.startswith(".")]


async def test_a_crash_in_the_middle_of_the_write_leaves_the_old_module(
    jp_fetch, jp_serverapp, jp_root_dir, monkeypatch
):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "__init__.py").write_text("")
    module = jp_root_dir / "work" / "src" / "calc.py"
    module.write_text(EXISTING)
    cm = jp_serverapp.contents_manager
    crashed = []

    async def crash_half_way(os_path, content, format):
        # the contents manager's own atomic writer, dying after half of the bytes
        with cm.atomic_writing(os_path, text=False) as f:
            data = content.encode()
            f.write(data[: len(data) // 2])
            f.flush()
            crashed.append(os_path)
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(cm, "_save_file", crash_half_way)
    before = tree(jp_root_dir)
    code, answer = await call(jp_fetch, "extract/apply", extract_body())
    assert crashed == [str(module)]
    assert code == 500
    assert "No space left on device" in answer["message"]
    assert module.read_text() == EXISTING
    assert tree(jp_root_dir) == before
    assert stray_files(jp_root_dir) == []


async def test_a_failing_save_leaves_the_old_module(jp_fetch, jp_serverapp, jp_root_dir, monkeypatch):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "__init__.py").write_text("")
    (jp_root_dir / "work" / "src" / "calc.py").write_text(EXISTING)

    def refuse(model, path):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(jp_serverapp.contents_manager, "save", refuse)
    before = tree(jp_root_dir)
    code, _ = await call(jp_fetch, "extract/apply", extract_body())
    assert code == 500
    assert tree(jp_root_dir) == before


def test_the_cli_write_crashing_before_the_rename_leaves_the_old_module(tmp_path, monkeypatch):
    from jupyter_nbrefactor import apply, plan_extraction

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    module = tmp_path / "src" / "calc.py"
    module.write_text(EXISTING)
    plan = plan_extraction({**extract_body(), "module_source": EXISTING})

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(apply.os, "fsync", disk_full)
    with pytest.raises(OSError):
        apply.write_module(tmp_path, plan)
    assert module.read_text() == EXISTING
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "src",
        "src/__init__.py",
        "src/calc.py",
    ]


# ----- concurrency ------------------------------------------------------------------------


async def test_twenty_concurrent_applies_to_one_module_all_land(jp_fetch, jp_root_dir):
    (jp_root_dir / "work").mkdir()
    # three spellings of one notebook path: the lock must see one module
    paths = ["work/analysis.ipynb", "/work/analysis.ipynb", "work//./analysis.ipynb"]
    bodies = [extract_body(name=f"compute_{i}", path=paths[i % 3]) for i in range(20)]
    answers = await asyncio.gather(*(call(jp_fetch, "extract/apply", b) for b in bodies))
    assert [code for code, _ in answers] == [200] * 20
    assert {a["written"] for _, a in answers} == {"work/src/calc.py"}
    text = (jp_root_dir / "work" / "src" / "calc.py").read_text()
    tree_ = ast.parse(text)
    defined = sorted(node.name for node in tree_.body if isinstance(node, ast.FunctionDef))
    assert defined == sorted(f"compute_{i}" for i in range(20))
    assert text.count("import math\n") == 1


async def test_concurrent_applies_with_the_same_base_hash_let_exactly_one_through(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "calc.py").write_text(EXISTING)
    bodies = [extract_body(name=f"compute_{i}", base_hash=source_hash(EXISTING)) for i in range(20)]
    answers = await asyncio.gather(*(call(jp_fetch, "extract/apply", b) for b in bodies))
    codes = sorted(code for code, _ in answers)
    assert codes == [200] + [409] * 19
    text = (jp_root_dir / "work" / "src" / "calc.py").read_text()
    assert text.startswith(EXISTING)
    assert text.count("def compute_") == 1


async def test_a_stale_base_hash_is_409(jp_fetch, jp_root_dir):
    (jp_root_dir / "work" / "src").mkdir(parents=True)
    (jp_root_dir / "work" / "src" / "calc.py").write_text(EXISTING)
    code, _ = await call(jp_fetch, "extract/apply", extract_body(base_hash=source_hash("an older text\n")))
    assert code == 409
    assert (jp_root_dir / "work" / "src" / "calc.py").read_text() == EXISTING


@pytest.mark.parametrize("base_hash", [3, ["abc"], {"h": 1}, True])
async def test_a_base_hash_of_the_wrong_type_is_400(jp_fetch, jp_root_dir, base_hash):
    (jp_root_dir / "work").mkdir()
    code, answer = await call(jp_fetch, "extract/apply", extract_body(base_hash=base_hash))
    assert code == 400
    assert '"base_hash"' in answer["message"]
    assert tree(jp_root_dir) == {"work": "folder"}


@pytest.mark.parametrize(
    "path", ["../x.ipynb", "/../x.ipynb", "work/../../x.ipynb", "x\x00.ipynb", "/etc/passwd", "%2e%2e/x.ipynb"]
)
@pytest.mark.parametrize("route", ["lint", "report"])
async def test_reading_routes_refuse_paths_outside_the_root_with_json(jp_fetch, server_tree, route, path):
    code, answer = await call(jp_fetch, route, None, "GET", params={"path": path})
    assert 400 <= code < 500
    assert answer["message"]
