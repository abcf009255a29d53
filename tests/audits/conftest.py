import pytest

from tests.support.audits import engaged_audit


@pytest.fixture
def audit(cast):
    """The Nanjing enterprise's audit, not started, with cast.firm engaged."""
    return engaged_audit(cast)
