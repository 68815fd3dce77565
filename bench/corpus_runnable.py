"""Re-create bench/corpus_runnable/: real notebooks that run top to bottom, for bench_trust.py.

    python bench/corpus_runnable.py [--dest bench/corpus_runnable] [--jobs 2] [--timeout 60]

Nothing of it is committed (.gitignore). The notebooks come from the sdists of packages on
PyPI, fetched with ``pip download --no-deps --no-binary <package>`` into a temporary folder
(the versions are the ones this venv runs, so that the examples match the installed API):

- networkx's example gallery (``examples/**/plot_*.py``, sphinx-gallery scripts), converted
  with jupytext's ``py:sphinx`` reader (``py:percent`` for scripts with ``# %%`` cells); the
  data files next to an example are kept with it;
- statsmodels' ``examples/notebooks/*.ipynb`` (outputs dropped);
- scikit-learn's and matplotlib's galleries when their sdists can be fetched (their
  metadata step builds with meson: it may fail or take minutes on a machine without
  compilers; they are skipped then).

A candidate is dropped without running when a code cell fetches data from the internet
(``fetch_``, ``load_files``, ``urlopen``, ``openml``, ``get_rdataset``, ``webuse``, a URL in
a string, ...) or needs a package this venv lacks. Every other candidate is executed once
with nbclient in a fresh kernel, in a scratch copy of its data folder; it is kept when it
ran without error within ``--timeout`` seconds in all. ``manifest.json`` lists every
candidate with its package, version, path in the sdist, licence, verdict, seconds and error.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

# (requirement, kind, licence, required: fail the whole run when it cannot be fetched)
SOURCES = [
    ("networkx==3.6.1", "gallery", "BSD-3-Clause", True),
    ("statsmodels==0.15.0", "ipynb", "BSD-3-Clause", True),
    ("scikit-learn==1.9.1", "gallery", "BSD-3-Clause", False),
    ("matplotlib==3.11.2", "gallery", "Matplotlib License (PSF-based, BSD-compatible)", False),
]

INTERNET = re.compile(
    r"fetch_|load_files|urlopen|openml|get_rdataset|webuse|pandas_datareader|requests\.|urllib|"
    r"load_dataset|download|['\"](https?|ftp)://"
)
DATA_SUFFIXES = {".txt", ".gz", ".zip", ".csv", ".edgelist", ".mbox", ".bz2", ".json", ".gml", ".dat"}


def download(requirement: str, folder: Path, timeout: float = 900) -> Path | None:
    name = requirement.split("==")[0]
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--no-binary",
                name,
                "--dest",
                str(folder),
                requirement,
            ],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    norm = name.replace("-", "_").lower()
    return next(
        (
            p
            for p in folder.iterdir()
            if p.name.replace("-", "_").lower().startswith(norm) and p.name.endswith(".tar.gz")
        ),
        None,
    )


def code_text(nb) -> str:
    return "\n".join(c["source"] for c in nb.cells if c.cell_type == "code")


def imported_modules(text: str) -> set[str]:
    mods = set()
    for line in text.splitlines():
        m = re.match(r"\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", line)
        if m:
            mods.add((m.group(1) or m.group(2)).split(".")[0])
    return mods


def missing_modules(text: str) -> list[str]:
    return sorted(m for m in imported_modules(text) if m and importlib.util.find_spec(m) is None)


def finish(nb) -> "nbformat.NotebookNode":  # noqa: F821
    """nbformat 4.5 with stable cell ids (c0, c1, ... by position), no outputs."""
    import nbformat

    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.validate(nb)
    return nb


def candidates(archive: Path, requirement: str, kind: str, licence: str, dest: Path):
    """Yield manifest rows for the candidates of one sdist, writing their notebooks to dest."""
    import jupytext
    import nbformat

    package, version = requirement.split("==")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        by_dir: dict[PurePosixPath, list] = {}
        for m in members:
            by_dir.setdefault(PurePosixPath(m.name).parent, []).append(m)
        for member in members:
            path = PurePosixPath(member.name)
            inner = PurePosixPath(*path.parts[1:])
            if kind == "gallery":
                top = "galleries" if package == "matplotlib" else "examples"
                if not inner.parts or inner.parts[0] != top or path.suffix != ".py" or path.name.startswith("_"):
                    continue
                if package in ("networkx", "scikit-learn") and not path.name.startswith("plot_"):
                    continue
                text = tar.extractfile(member).read().decode("utf-8")
                try:
                    ast.parse(text)
                except SyntaxError:
                    continue
                # scikit-learn (and recent galleries) mark cells with "# %%": the percent format
                nb = jupytext.reads(text, fmt="py:percent" if "\n# %%" in text else "py:sphinx")
            else:
                if not (
                    len(inner.parts) > 2 and inner.parts[:2] == ("examples", "notebooks") and path.suffix == ".ipynb"
                ):
                    continue
                nb = nbformat.reads(tar.extractfile(member).read().decode("utf-8"), as_version=4)
            name = "_".join((package, *inner.parts[1:]))
            name = name[: -len(path.suffix)].replace(" ", "_") + ".ipynb"
            row = {
                "file": name,
                "package": package,
                "version": version,
                "source_path": str(inner),
                "licence": licence,
                "code_cells": sum(c.cell_type == "code" for c in nb.cells),
            }
            text = code_text(nb)
            hit = INTERNET.search(text)
            missing = missing_modules(text)
            if hit:
                row.update(status="skipped", reason=f"internet: {hit.group(0)!r}")
            elif missing:
                row.update(status="skipped", reason="missing: " + ", ".join(missing))
            elif row["code_cells"] < 2:
                row.update(status="skipped", reason="fewer than 2 code cells")
            else:
                row["status"] = "candidate"
                nbformat.write(finish(nb), str(dest / name))
                data = [
                    m
                    for m in by_dir.get(path.parent, ())
                    if PurePosixPath(m.name).suffix in DATA_SUFFIXES and m.size < 4_000_000 and kind == "gallery"
                ]
                if data:
                    ddir = dest / "data" / name[: -len(".ipynb")]
                    ddir.mkdir(parents=True, exist_ok=True)
                    for m in data:
                        (ddir / PurePosixPath(m.name).name).write_bytes(tar.extractfile(m).read())
                    row["data_dir"] = str(Path("data") / name[: -len(".ipynb")])
            yield row


def check_one(path: Path, data_dir: Path | None, timeout: float) -> dict:
    """Run one notebook in a fresh kernel (a subprocess, so a hung kernel cannot stall us)."""
    t = time.perf_counter()
    try:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--check-one",
                str(path),
                "--data-dir",
                str(data_dir or ""),
                "--timeout",
                str(timeout),
            ],
            capture_output=True,
            text=True,
            timeout=timeout + 30,
        )
        ok = proc.returncode == 0
        err = None if ok else (proc.stdout.strip().splitlines() or proc.stderr.strip().splitlines() or ["?"])[-1]
        err = err and re.sub(r"\x1b\[[0-9;]*m", "", err)[:300]  # the traceback's colours
    except subprocess.TimeoutExpired:
        ok, err = False, f"timeout after {timeout} s"
    seconds = round(time.perf_counter() - t, 1)
    if ok and seconds > timeout:
        ok, err = False, f"took {seconds} s"
    return {"status": "passed" if ok else "failed", "seconds": seconds, "error": err}


def _check_one_main(path: str, data_dir: str, timeout: float) -> int:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as work:
        if data_dir:
            shutil.copytree(data_dir, work, dirs_exist_ok=True)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": work}})
        start = time.perf_counter()
        try:
            client.execute()
        except CellExecutionError as e:
            print(str(e).strip().splitlines()[-1])
            return 1
        except Exception as e:  # timeouts, dead kernels
            print(f"{type(e).__name__}: {e}".splitlines()[0])
            return 1
        if time.perf_counter() - start > timeout:
            print("over time")
            return 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(Path(__file__).parent / "corpus_runnable"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument(
        "--sdists",
        help="a folder of already downloaded sdists to use instead of pip download "
        "(then the optional sources missing from it are skipped)",
    )
    parser.add_argument(
        "--max-per-package",
        type=int,
        default=0,
        help="check at most N candidates of a package (the N shortest in code)",
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="keep the folder and its manifest; only add the packages it does not have yet",
    )
    parser.add_argument("--check-one", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check_one:
        return _check_one_main(args.check_one, args.data_dir, args.timeout)

    dest = Path(args.dest)
    old = []
    if args.append and (dest / "manifest.json").exists():
        old = json.loads((dest / "manifest.json").read_text())["notebooks"]
    elif dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    have = {r["package"] for r in old}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for requirement, kind, licence, required in SOURCES:
            if requirement.split("==")[0] in have:
                continue
            archive = None
            if args.sdists:
                stem = requirement.replace("==", "-").replace("-", "_").lower()
                archive = next(
                    (
                        p
                        for p in Path(args.sdists).glob("*.tar.gz")
                        if p.name.replace("-", "_").lower().startswith(stem)
                    ),
                    None,
                )
            if archive is None and (required or not args.sdists):
                archive = download(requirement, Path(tmp))
            if archive is None:
                if required:
                    sys.exit(f"could not fetch {requirement}")
                print(f"{requirement}: sdist not available, skipped")
                continue
            new = list(candidates(archive, requirement, kind, licence, dest))
            if args.max_per_package:
                cand = sorted(
                    (r for r in new if r["status"] == "candidate"), key=lambda r: (dest / r["file"]).stat().st_size
                )
                for r in cand[args.max_per_package :]:
                    r.update(status="skipped", reason="--max-per-package")
                    (dest / r["file"]).unlink()
            rows += new
            print(f"{requirement}: {sum(r['status'] == 'candidate' for r in new)} candidates of {len(new)}")
    todo = [r for r in rows if r["status"] == "candidate"]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {
            pool.submit(
                check_one, dest / r["file"], dest / r["data_dir"] if r.get("data_dir") else None, args.timeout
            ): r
            for r in todo
        }
        for n, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            row = futures[fut]
            row.update(fut.result())
            print(
                f"[{n}/{len(todo)}] {row['status']:6} {row['seconds']:5.1f} s  {row['file']}"
                + (f"  ({row['error']})" if row["error"] else ""),
                flush=True,
            )
            if row["status"] != "passed":
                (dest / row["file"]).unlink()
                if row.get("data_dir"):
                    shutil.rmtree(dest / row["data_dir"], ignore_errors=True)
    rows = sorted(old + rows, key=lambda r: r["file"])
    passed = [r for r in rows if r["status"] == "passed"]
    manifest = {
        "about": "bench/corpus_runnable.py: notebooks that ran top to bottom in a fresh kernel",
        "python": sys.version.split()[0],
        "timeout_seconds": args.timeout,
        "passed": len(passed),
        "notebooks": rows,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    by_pkg = {}
    for r in passed:
        by_pkg[r["package"]] = by_pkg.get(r["package"], 0) + 1
    print(f"{len(passed)} runnable notebooks in {dest}: {by_pkg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
