#!/usr/bin/env bash
# Packaging check: build the wheel from a copy of the sources left as a
# developer's clone is after `make lab` (a development build of the
# labextension in place), check that it carries the production bundle (no
# source maps), the labextension's install.json and the server config,
# install it into a fresh venv and ask Jupyter whether both extensions are
# enabled and OK.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== packaging check: a copy of the sources with a development build in place"
tar -C "$root" -cf - \
  --exclude=./.git --exclude=./.venv --exclude=node_modules --exclude=./lib \
  --exclude=./jupyter_nbrefactor/labextension --exclude=./dist \
  --exclude='*.tsbuildinfo' --exclude=__pycache__ --exclude=./bench/corpus \
  --exclude=./coverage --exclude=./junit.xml --exclude=./ui-tests . |
  { mkdir "$work/pkg" && tar -C "$work/pkg" -xf -; }
(cd "$work/pkg" && jlpm install --immutable && jlpm build) >"$work/dev-build.log" 2>&1 ||
  { cat "$work/dev-build.log"; echo "the development build of the copy failed"; exit 1; }
ls "$work"/pkg/jupyter_nbrefactor/labextension/static/*.js.map >/dev/null 2>&1 ||
  { echo "the development build left no source maps: this check would prove nothing"; exit 1; }
echo "== packaging check: building the wheel from that dirty copy"
python -m pip wheel --quiet --no-deps -w "$work/dist" "$work/pkg" >"$work/wheel.log" 2>&1 ||
  { cat "$work/wheel.log"; echo "building the wheel failed"; exit 1; }
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
maps = [n for n in names if ext + "static/" in n and n.endswith(".map")]
if maps:
    sys.exit(f"wheel carries the development build ({len(maps)} source maps, e.g. {maps[0]})")
wheel = zipfile.ZipFile(sys.argv[1])
size = sum(i.file_size for i in wheel.infolist() if ext + "static/" in i.filename)
print(f"wheel carries the production labextension ({size // 1024} KB, no source maps), install.json"
      " and the server config")
PY

echo "== packaging check: installing into a fresh venv"
python -m venv "$work/venv"
# pip's log only when it fails: its warnings (a machine's index settings) bury the result
"$work/venv/bin/python" -m pip install --quiet "$wheel" "jupyterlab>=4.4,<5" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; echo "installing the wheel into a fresh venv failed"; exit 1; }
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
