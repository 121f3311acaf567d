"""Minutes are rendered sanitised: no script, no event handler, no javascript: link, ever."""

from html.parser import HTMLParser

import pytest

from coordination.markdown import render_markdown, sanitise_html
from tests.factories import MeetingFactory

HOSTILE_MINUTES = """# Notulen

<script>alert('skrip')</script>
<SCRIPT SRC=//evil.example/x.js></SCRIPT>

<img src=x onerror="alert('img')">
<svg onload=alert(1)><circle r=5></circle></svg>
<p onclick="alert(2)" style="color:red">paragraf</p>
<iframe src="javascript:alert(3)"></iframe>

[tautan biasa](javascript:alert('link'))
[huruf campur](JaVaScRiPt:alert(1))
[dengan entitas](jav&#x61;script:alert(1))
[spasi](  javascript:alert(1) )
[vbscript](vbscript:msgbox(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<javascript:alert(4)>
<a href="javascript:alert(5)" onmouseover="alert(6)">anchor mentah</a>
![gambar](javascript:alert(7))

[rujukan][r]

[r]: javascript:alert(8)

[aman](https://kedirikota.go.id/) dan **tebal**.
"""


class Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(name, value or "") for name, value in attrs]


def parse(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def assert_harmless(html: str) -> None:
    elements = parse(html)
    assert not {"script", "img", "svg", "iframe", "style", "object", "embed"} & set(elements.tags)
    assert [name for name, _ in elements.attrs if name.startswith("on")] == []
    assert [name for name, _ in elements.attrs if name == "style"] == []
    for name, value in elements.attrs:
        if name in ("href", "src"):
            assert value.startswith(("https://", "http://", "mailto:")), value


def test_minutes_with_script_event_handlers_and_javascript_links_render_none_of_them():
    html = render_markdown(HOSTILE_MINUTES)

    assert_harmless(html)
    assert '<a href="https://kedirikota.go.id/" rel="noopener noreferrer nofollow">aman</a>' in html
    assert "<strong>tebal</strong>" in html
    assert "<h1>Notulen</h1>" in html


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<p onclick="alert(1)">x</p>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<form action="javascript:alert(1)"><button>x</button></form>',
    ],
)
def test_the_sanitiser_alone_strips_what_the_markdown_layer_might_let_through(raw):
    html = sanitise_html(raw)

    assert_harmless(html)
    assert "javascript:" not in html.lower()


def test_meeting_page_shows_hostile_minutes_as_harmless_text(login, command_staff):
    meeting = MeetingFactory(minutes=HOSTILE_MINUTES)
    client = login(command_staff)

    response = client.get(meeting.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    minutes = html.split('<div class="minutes">', 1)[1].split("</div>", 1)[0]
    assert_harmless(minutes)
    assert "&lt;script&gt;" in minutes  # shown to the reader as the text that was typed


def test_print_view_shows_hostile_minutes_as_harmless_text(login, command_staff):
    meeting = MeetingFactory(minutes=HOSTILE_MINUTES)
    client = login(command_staff)

    response = client.get(f"/rapat/{meeting.pk}/cetak/")

    assert response.status_code == 200
    minutes = response.content.decode().split('<div class="minutes">', 1)[1].split("</div>")[0]
    assert_harmless(minutes)
