"""The one name suggester (naming.py): verb phrases from headings and code, module
paths from sections, and never a name the extraction would refuse."""

import pytest
from nbformat.v4 import new_code_cell as code
from nbformat.v4 import new_markdown_cell as md
from nbformat.v4 import new_notebook

from jupyter_nbrefactor.extract import plan_extraction
from jupyter_nbrefactor.naming import suggest

TITLE = md("# Customer churn analysis notebook")
IMPORTS = code("import pandas as pd\nfrom sklearn.linear_model import LinearRegression")

# (cells, selection, expected name, expected module)
CASES = [
    pytest.param(
        [TITLE, md("## Load the data"), IMPORTS, code("df = pd.read_csv('c.csv')"), code("df.head()")],
        [3],
        "load_data",
        "src/data.py",
        id="verb-phrase-from-the-heading",
    ),
    pytest.param(
        [TITLE, IMPORTS, code("model = 1"), md("## Try 2: only the customers"), code("c = pd.read_csv('x')")],
        [4],
        "load_customers",
        "src/customers.py",
        id="numbering-and-filler-dropped",
    ),
    pytest.param(
        [TITLE, md("## Cleaning customers"), IMPORTS, code("customers = pd.DataFrame()"), code("customers = 1")],
        [4],
        "clean_customers",
        "src/customers.py",
        id="gerund-heading-becomes-a-verb",
    ),
    pytest.param(
        [IMPORTS, code("df = pd.read_csv('c.csv')"), code("df = df.dropna()\ndf = df.drop_duplicates()"), code("df")],
        [2],
        "clean_data",
        "src/steps.py",
        id="verb-and-noun-from-the-code",
    ),
    pytest.param(
        [IMPORTS, code("X = [[1]]\ny = [1]"), code("model = LinearRegression()\nmodel.fit(X, y)"), code("model")],
        [2],
        "train_model",
        "src/steps.py",
        id="never-the-name-the-selection-binds",
    ),
    pytest.param(
        [TITLE, md("## Model"), IMPORTS, code("X = [[1]]\ny = [1]"), code("m = LinearRegression().fit(X, y)")],
        [4],
        "train_model",
        "src/model.py",
        id="title-is-no-section",
    ),
    pytest.param(
        [IMPORTS, code("load_data = 3"), md("## Load data"), code("y = pd.read_csv('y')"), code("y, load_data")],
        [3],
        "load_data_2",
        "src/data.py",
        id="a-name-the-notebook-uses-gets-a-number",
    ),
    pytest.param(
        [code("a = 1"), code("b = a + 1"), code("print(b)")],
        [1],
        "run_step",
        "src/steps.py",
        id="nothing-to-go-on",
    ),
    pytest.param(
        [md("## Setup"), code("v0 = 0\nv1 = 1")],
        [1],
        "setup",
        "src/setup.py",
        id="heading-that-is-only-a-verb",
    ),
    pytest.param(
        [IMPORTS, md("## Load"), code("df = pd.read_csv('a')"), md("### notes"), code("df = df.dropna()"), code("df")],
        [2, 4],
        "load_data",
        "src/load.py",
        id="selection-with-markdown",
    ),
]


@pytest.mark.parametrize(("cells", "selection", "name", "module"), CASES)
def test_suggestion_and_the_engine_accepts_it(cells, selection, name, module):
    nb = new_notebook(cells=cells)
    assert suggest(nb, selection) == {"name": name, "module": module}
    plan = plan_extraction({"notebook": nb, "cells": selection, "name": name, "module": module})
    assert plan["refused"] is None


def test_names_the_module_already_holds_are_avoided():
    nb = new_notebook(cells=[md("## Load the data"), code("import pandas as pd\ndf = pd.read_csv('c')"), code("df")])
    existing = "import pandas as pd\n\n\ndef load_data(path):\n    return pd.read_csv(path)\n"
    suggestion = suggest(nb, [1], module_source=existing)
    assert suggestion == {"name": "load_data_2", "module": "src/data.py"}
    plan = plan_extraction({"notebook": nb, "cells": [1], "module_source": existing, **suggestion})
    assert plan["refused"] is None


def test_avoid_names_other_candidates():
    nb = new_notebook(cells=[md("## Load the data"), code("import pandas as pd\ndf = pd.read_csv('c')"), code("df")])
    assert suggest(nb, [1], avoid={"load_data"})["name"] == "load_data_2"


def test_keywords_and_builtins_are_never_suggested():
    nb = new_notebook(cells=[md("## Print"), code("import sys\ns = sys.argv"), code("s")])
    assert suggest(nb, [1])["name"] not in {"print", "s"}


def test_names_any_cell_uses_are_avoided_and_only_the_cells_holding_them_are_parsed():
    from jupyter_nbrefactor.cells import cell_facts

    others = [f"naming_v{i} = naming_v{i - 1} + 1" for i in range(1, 20)]
    cells = [
        md("## Load the data"),
        code("import pandas as pd\ndf = pd.read_csv('c')"),
        code("naming_v0 = 0"),
        *map(code, others),
        code("def helper():\n    load_data = 1\n    return load_data"),  # a local of a function
        code("\ufb01le = df"),  # a ligature the parser folds: `file`
    ]
    nb = new_notebook(cells=cells)
    for cell in cells:
        cell_facts(cell.source)  # as the live analysis leaves them: no trees
    assert suggest(nb, [1])["name"] == "load_data_2"
    parsed = [
        i for i, cell in enumerate(cells) if cell.cell_type == "code" and cell_facts(cell.source)._tree is not None
    ]
    assert parsed == [1, len(cells) - 2, len(cells) - 1]  # the selection, the cell holding the name, the non-ASCII one
