"""Proof on the example notebook: its parameters move to config.yaml, the new notebook run
fresh shows what the original shows, and the knob works (n_estimators changes the model).
Runs the notebook in fresh kernels three times: slow."""

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from jupyter_nbrefactor.cli import main
from jupyter_nbrefactor.verify import run_fresh, verify

EXAMPLES = Path(__file__).parent.parent / "examples"

pytestmark = pytest.mark.slow


def _text(outputs: list[dict]) -> str:
    return "".join("".join(o.get("text", "")) for o in outputs if o.get("output_type") == "stream")


def test_example_parameters_move_and_the_notebook_still_gives_the_same_outputs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "src", "config.yaml"))
    old_path, new_path = folder / "big_messy_notebook.ipynb", folder / "configured.ipynb"
    assert main(["config", str(old_path), "--output", str(new_path)]) == 0
    config = (folder / "config.yaml").read_text()
    for line in ("  data_path: data/churn.csv\n", "seed: 42\n", "  test_size: 0.25\n", "  n_estimators: 60\n"):
        assert line in config
    new = nbformat.read(new_path, as_version=4)
    sources = [c.source for c in new.cells]
    assert (
        'DATA_PATH = config["data"]["data_path"]\nSEED = config["seed"]\nTEST_SIZE = config["split"]["test_size"]'
        in ("\n".join(sources))
    )
    assert not any("n_estimators=60" in s for s in sources)

    result = verify(new, folder, nbformat.read(old_path, as_version=4), folder)
    assert result["verdict"] == "same", result

    (folder / "config.yaml").write_text(config.replace("model:\n  n_estimators: 60\n", "model:\n  n_estimators: 7\n"))
    run = run_fresh(new, folder)
    assert run.stopped is None
    trained = next(i for i, c in enumerate(new.cells) if "model.fit(X_train, y_train)" in c.source)
    assert _text(run.outputs[trained]) == "trained 7 trees\n"
    assert os.path.exists(folder / "src" / "config.py")
