"""Re-create bench/corpus/: real notebooks written by others, for bench_analyze.py.

    python bench/fetch_corpus.py [--dest bench/corpus]

Nothing of it is committed (.gitignore): the notebooks come from the sdists of
packages on PyPI, fetched with ``pip download`` into a temporary folder:

- jupytext's sdist ships the Python notebooks of its test suite and demo;
- networkx's sdist ships its example gallery (sphinx-gallery scripts), converted to
  notebooks with jupytext's ``py:sphinx`` reader;
- the sdists of nbconvert, nbclient, papermill, nbval and nbsphinx and the wheels of
  nbgrader and nbdime ship notebooks saved by people, many with their execution counts
  and outputs (what ``bench/bench_lint.py`` needs).

Every file is named ``<package>_<path in the archive>``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

# (requirement, what to take from its sdist)
SOURCES = [
    ("jupytext==1.16.4", "ipynb"),
    ("networkx==3.4.2", "gallery"),
    ("nbconvert==7.17.2", "ipynb"),
    ("nbclient==0.11.0", "ipynb"),
    ("papermill==2.7.0", "ipynb"),
    ("nbval==0.11.0", "ipynb"),
    ("nbsphinx==0.9.8", "ipynb"),
    ("nbgrader==0.9.6", "wheel"),
    ("nbdime==4.0.4", "wheel"),
]


def download(requirement: str, folder: Path, wheel: bool = False) -> Path:
    kind = ["--only-binary", ":all:"] if wheel else ["--no-binary", ":all:"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *kind, "--dest", str(folder), requirement],
        check=True,
    )
    name = requirement.split("==")[0].replace("-", "_").lower()
    suffix = ".whl" if wheel else ".tar.gz"
    return next(
        p for p in folder.iterdir() if p.name.replace("-", "_").lower().startswith(name) and p.name.endswith(suffix)
    )


def is_python(nb: dict) -> bool:
    meta = nb.get("metadata", {})
    lang = (meta.get("kernelspec") or {}).get("language") or (meta.get("language_info") or {}).get("name") or "python"
    return lang.lower() == "python" and any(c.get("cell_type") == "code" for c in nb.get("cells", []))


def take_notebooks(archive: Path, dest: Path, prefix: str) -> int:
    count = 0
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".ipynb"):
                count += keep(tar.extractfile(member).read(), dest / "_".join((prefix, *PurePosixPath(member.name).parts[1:])))
    return count


def take_wheel_notebooks(archive: Path, dest: Path, prefix: str) -> int:
    count = 0
    with zipfile.ZipFile(archive) as whl:
        for name in whl.namelist():
            if name.endswith(".ipynb"):
                count += keep(whl.read(name), dest / "_".join((prefix, *PurePosixPath(name).parts)))
    return count


def keep(data: bytes, out: Path) -> int:
    """Write a Python notebook (nbformat 4) byte for byte, as its authors saved it; 1 if kept."""
    try:
        nb = json.loads(data)
    except ValueError:
        return 0  # test fixtures of broken notebooks
    if not isinstance(nb, dict) or nb.get("nbformat", 0) < 4 or not is_python(nb):
        return 0
    out.write_bytes(data)
    return 1


def convert_gallery(archive: Path, dest: Path) -> int:
    import jupytext

    count = 0
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            path = PurePosixPath(member.name)
            if not member.isfile() or "examples" not in path.parts or not path.name.startswith("plot_"):
                continue
            text = tar.extractfile(member).read().decode("utf-8")
            nb = jupytext.reads(text, fmt="py:sphinx")
            out = dest / ("_".join(("networkx", *path.parts[1:]))[: -len(".py")] + ".ipynb")
            jupytext.write(nb, str(out), fmt="ipynb")
            count += 1
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(Path(__file__).parent / "corpus"))
    args = parser.parse_args(argv)
    dest = Path(args.dest)
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.ipynb"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for requirement, kind in SOURCES:
            archive = download(requirement, Path(tmp), wheel=kind == "wheel")
            prefix = requirement.split("==")[0]
            if kind == "ipynb":
                n = take_notebooks(archive, dest, prefix)
            elif kind == "wheel":
                n = take_wheel_notebooks(archive, dest, prefix)
            else:
                n = convert_gallery(archive, dest)
            print(f"{requirement}: {n} notebooks")
    print(f"{len(list(dest.glob('*.ipynb')))} notebooks in {dest}")


if __name__ == "__main__":
    main()
