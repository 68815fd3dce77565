#!/usr/bin/env bash
# Packaging check: build the wheel from a clean copy of the sources (as a
# release would), check that it carries the prebuilt labextension and
# install.json, install it into a fresh venv and ask Jupyter whether both
# extensions are enabled and OK.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== packaging check: building the wheel from a clean copy"
tar -C "$root" -cf - \
  --exclude=./.git --exclude=./.venv --exclude=node_modules --exclude=./lib \
  --exclude=./jupyter_nbrefactor/labextension --exclude=./dist \
  --exclude='*.tsbuildinfo' --exclude=__pycache__ --exclude=./bench/corpus \
  --exclude=./coverage --exclude=./junit.xml --exclude=./ui-tests . |
  { mkdir "$work/pkg" && tar -C "$work/pkg" -xf -; }
python -m pip wheel --quiet --no-deps -w "$work/dist" "$work/pkg"
wheel=$(ls "$work"/dist/jupyter_nbrefactor-*.whl)
echo "built $(basename "$wheel")"

python - "$wheel" <<'PY'
import sys, zipfile

names = zipfile.ZipFile(sys.argv[1]).namelist()
ext = "share/jupyter/labextensions/jupyter-nbrefactor/"
required = [
    ext + "package.json",
    ext + "install.json",
    ext + "schemas/jupyter-nbrefactor/plugin.json",
    "etc/jupyter/jupyter_server_config.d/jupyter_nbrefactor.json",
    "jupyter_nbrefactor/__init__.py",
]
missing = [r for r in required if not any(n.endswith(r) for n in names)]
if not any(ext + "static/remoteEntry." in n for n in names):
    missing.append(ext + "static/remoteEntry.*.js")
if missing:
    sys.exit("wheel is missing: " + ", ".join(missing))
print("wheel carries the prebuilt labextension, install.json and the server config")
PY

echo "== packaging check: installing into a fresh venv"
python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel" "jupyterlab>=4.4,<5"
labext=$("$work/venv/bin/jupyter" labextension list 2>&1)
serverext=$("$work/venv/bin/jupyter" server extension list 2>&1)
echo "$labext" | grep -E "jupyter-nbrefactor v[^ ]+ .*enabled.*OK" ||
  { echo "$labext"; echo "labextension not enabled/OK"; exit 1; }
echo "$serverext" | grep -E "jupyter_nbrefactor .*enabled" ||
  { echo "$serverext"; echo "server extension not enabled"; exit 1; }
echo "$serverext" | grep -A2 -E "jupyter_nbrefactor .*enabled" | grep -q "OK" ||
  { echo "$serverext"; echo "server extension did not load OK"; exit 1; }
"$work/venv/bin/jupyter-nbrefactor" --help >/dev/null 2>&1 ||
  [ ! -f "$root/jupyter_nbrefactor/cli.py" ] ||
  { echo "the jupyter-nbrefactor command does not run"; exit 1; }
echo "packaging check: OK"
