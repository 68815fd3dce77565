"""Typed request fields: what each accepts, defaults, and the exact error wording."""

import pytest

from jupyter_nbrefactor.errors import RequestError
from jupyter_nbrefactor.request import (
    BOOLEAN,
    INTEGER,
    JSON_OBJECT,
    LIST,
    OBJECT,
    STRING,
    STRINGS,
    as_text,
    check,
    get_field,
    is_text,
)


def message(call) -> str:
    with pytest.raises(RequestError) as info:
        call()
    assert info.value.status == 400
    return str(info.value)


def test_present_field_of_the_right_kind_is_returned():
    assert get_field({"a": "x"}, "a", STRING) == "x"
    assert get_field({"n": 3}, "n", INTEGER) == 3
    assert get_field({"k": ["x", "y"]}, "k", STRINGS) == ["x", "y"]


def test_wrong_kind_names_the_field_as_where_says():
    assert message(lambda: get_field({"a": 1}, "a", STRING)) == "a must be a string"
    assert message(lambda: get_field({"id": 1}, "id", STRING, "cells[2].id")) == "cells[2].id must be a string"
    assert message(lambda: get_field({"o": "yes"}, "o", BOOLEAN, '"o"')) == '"o" must be true or false'


def test_true_and_false_are_not_integers():
    assert message(lambda: get_field({"n": True}, "n", INTEGER)) == "n must be an integer"


def test_absent_required_field_is_worded_like_a_wrong_one():
    assert message(lambda: get_field({}, "id", STRING)) == "id must be a string"


def test_absent_field_takes_the_default_but_null_is_checked():
    assert get_field({}, "runs", LIST, default=[]) == []
    assert message(lambda: get_field({"runs": None}, "runs", LIST, default=[])) == "runs must be a list"


def test_null_is_absent_when_asked():
    assert get_field({"language": None}, "language", STRING, default="python", null_is_absent=True) == "python"


def test_or_null_accepts_null_and_says_so():
    assert get_field({"e": None}, "e", STRING.or_null(), default="unused") is None
    assert message(lambda: get_field({"e": 1}, "e", STRING.or_null())) == "e must be a string or null"


def test_check_words_a_whole_value():
    assert check({}, OBJECT, "cells[0]") == {}
    assert message(lambda: check([], OBJECT, "cells[0]")) == "cells[0] must be an object"
    assert message(lambda: check(None, JSON_OBJECT, "request")) == "request must be a JSON object"


def test_text_is_a_string_or_a_list_of_strings():
    assert is_text("x") and is_text(["a\n", "b"]) and is_text([])
    assert not is_text(None) and not is_text(["a", 1])
    assert as_text(["a\n", "b"]) == "a\nb"
    assert as_text("a") == "a"
