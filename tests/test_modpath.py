"""Module paths: validation and dotted import names."""

import pytest

from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.modpath import dotted_name, package_folders, validate_module_path


@pytest.mark.parametrize(
    ("path", "dotted"),
    [
        ("src/data.py", "src.data"),
        ("helpers.py", "helpers"),
        ("./src/data.py", "src.data"),
        ("pkg/sub/mod_2.py", "pkg.sub.mod_2"),
    ],
)
def test_dotted_name(path, dotted):
    assert dotted_name(path) == dotted


def test_package_folders_outermost_first():
    assert package_folders("pkg/sub/mod.py") == ["pkg", "pkg/sub"]
    assert package_folders("mod.py") == []


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "must be a non-empty path"),
        (None, "must be a non-empty path"),
        ("/abs/data.py", "must be relative"),
        ("C:/data.py", "must be relative"),
        ("~/data.py", "must be relative"),
        ("../data.py", "must stay inside the notebook's folder"),
        ("src/../../data.py", "must stay inside the notebook's folder"),
        ("src/%2e%2e/data.py", "URL escapes"),
        ("src\\data.py", "must use '/'"),
        ("src/da\x00ta.py", "NUL"),
        ("src/data.txt", "must end in .py"),
        ("src/", "must end in .py"),
        ("src/data.py/", "must end in .py"),
        ("src//data.py", "has an empty folder name"),
        ("src/./data.py", "has an empty folder name"),
        ("a" * 198 + ".py", "at most 200 characters"),
        ("src/my-data.py", "'my-data' is not a valid Python module name"),
        ("1src/data.py", "'1src' is not a valid Python module name"),
        ("src/dätä.py", "is not a valid Python module name"),
        ("src/class.py", "'class' is a Python keyword"),
        ("src/con.py", "'con' is a reserved file name"),
        ("src/__init__.py", "extract into a named module"),
        ("json.py", "would shadow a standard module"),
        ("os/data.py", "would shadow a standard module"),
    ],
)
def test_invalid_paths(path, message):
    with pytest.raises(RequestError) as err:
        validate_module_path(path)
    assert message in str(err.value)
