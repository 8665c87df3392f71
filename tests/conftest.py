import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests.factories import KOSOVO_PATH


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Each test gets empty media storage, an empty cache and English active.

    The test client leaves the last request's language active in the thread,
    which would change what reverse() returns in the next test.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    with translation.override("en"):
        yield
    cache.clear()


@pytest.fixture
def seeded(db):
    call_command("load_seed", verbosity=0)


@pytest.fixture
def kosovo_url():
    return lambda language="en": f"/{language}{KOSOVO_PATH}"


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", "a long test password", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client
