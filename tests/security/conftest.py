"""What the security tests share: the payload corpora, and the browser of tests/browser."""

from pathlib import Path

from tests.browser.conftest import browser  # noqa: F401  (the session's headless Chromium, as a fixture)

HERE = Path(__file__).resolve().parent


def xss_payloads() -> list[str]:
    """Return the XSS corpus (tests/security/xss_payloads.txt), one payload a line."""
    lines = (HERE / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]
