"""The Content-Security-Policy every response must carry (STYLE.md: no inline script, no eval).

Shared by tests/platform/test_security_headers.py, which asks for each kind of response, and
both walks of tests/test_access_matrix.py, which check it on every URL for every role.
"""

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
}
LOOSE = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"}


def csp_directives(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.get("Content-Security-Policy", "").split(";"):
        if part.strip():
            name, *values = part.split()
            directives[name] = values
    return directives


def csp_problem(response) -> str:
    """ "" when the response carries the strict policy, else what is wrong with it."""
    csp = csp_directives(response)
    if not csp:
        return "no Content-Security-Policy"
    wrong = [name for name, values in STRICT.items() if csp.get(name) != values]
    wrong += [
        name
        for name in ("default-src", "script-src", "style-src")
        if LOOSE & set(csp.get(name, []))
    ]
    return f"Content-Security-Policy loose in {', '.join(wrong)}" if wrong else ""
