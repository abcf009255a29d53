"""What every browser test does first."""

from tests.support.cast import PASSWORD


def log_in(page, base_url, username, password=PASSWORD, landing="/dashboard/"):
    """Log in through the form; wait for `landing` (None: a login expected to fail)."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    if landing:
        page.wait_for_url(f"{base_url}{landing}")
