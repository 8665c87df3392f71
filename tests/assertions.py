"""Checks shared by several test modules."""

import pytest
from django.core.exceptions import ValidationError


def assert_refused(validator, upload, code):
    """The validator refuses the upload with this error code."""
    with pytest.raises(ValidationError) as error:
        validator(upload)
    assert error.value.code == code
