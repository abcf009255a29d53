"""The account mail goes through a real Redis broker to a real worker process."""

import pytest

from accounts.services import user_create
from tests.support.cast import make_cast
from tests.support.worker import celery_worker_process  # noqa: F401  (fixture)

pytestmark = pytest.mark.broker


def test_account_mail_is_sent_by_a_worker_after_commit(celery_worker_process):  # noqa: F811
    worker = celery_worker_process
    cast = make_cast()
    user_create(
        actor=cast.user("admin"),
        username="via_worker",
        role="expert",
        organization=cast.experts,
        email="via.worker@example.test",
        password="a-Long-pass-91",
    )

    def mail_written():
        return worker.mail_dir.exists() and any(
            "via.worker@example.test" in path.read_text() for path in worker.mail_dir.iterdir()
        )

    worker.wait_for(mail_written, what="the account mail")
    text = "".join(path.read_text() for path in worker.mail_dir.iterdir())
    assert "via_worker" in text
    assert "succeeded" in worker.log.read_text()
