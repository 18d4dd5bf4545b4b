"""What the security tests share: the payload corpora (the browser is the session's, tests/conftest.py)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def xss_payloads() -> list[str]:
    """Return the XSS corpus (tests/security/xss_payloads.txt), one payload a line."""
    lines = (HERE / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]
