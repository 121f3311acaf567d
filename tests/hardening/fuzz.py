"""What an attacker or a broken client sends: the strategies of the fuzz tests, and a row census."""

from django.db import connection
from hypothesis import strategies as st

FRAGMENTS = [
    "",
    " ",
    "' OR '1'='1",
    "'; DROP TABLE tps_tps; --",
    "1 UNION SELECT password FROM auth_user --",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{ settings.SECRET_KEY }}",
    "${jndi:ldap://127.0.0.1/a}",
    "../../../../etc/passwd",
    "%00",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "\u202egnp.exe",
    "\ufeff",
    "🗳️👮🏽‍♂️",
    "١٢٣",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "0",
    "-1",
    "1.5",
    "0x10",
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "111.98,-7.82,111.99,-7.81",
    "-180,-90,180,90",
    "180,90,-180,-90",
    "1,2,3",
    "1,2,3,4,5",
    "pemungutan",
    "covered",
    "map",
    "LINMAS",
    "357101",
]

_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
).map(str)
_control = st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), max_size=20)
_long = st.builds(
    lambda unit, n: (unit * n)[:n],
    st.sampled_from(["a", "9", ",", "🗳", "\x00", "'", "<b>", "1,"]),
    st.sampled_from([1000, 10_000]),
)
_bbox_like = st.lists(
    st.one_of(_numbers, st.sampled_from(["", " ", "x", "1_0", "1e-400"])), min_size=0, max_size=6
).map(",".join)

value = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.text(max_size=50),  # any code point but surrogates, NUL and controls included
    _control,
    _numbers,
    _long,
    _bbox_like,
)


def query(names: list[str]):
    """A query string's worth: some of `names` (and strangers), each once or repeated."""
    keys = st.one_of(st.sampled_from(names), st.sampled_from(["", "x", "page[]", "\x00"]))
    values = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    return st.dictionaries(keys, values, max_size=len(names) + 1)


def row_counts(*, ignore: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows per table: equal before and after means bad input wrote nothing."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            if table.startswith(ignore):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts
