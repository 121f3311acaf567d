"""The pages hold their layout at the office's screens (1280, 1366, 1440, 1920 px) and on a
phone (390 px), each as the role that uses it: the dashboard, wall screen, TPS page and rapat as
command staff, Posko and cards as the operator, /me/ as a Linmas.

At every width, on every page, in one page.evaluate:
1. the page never scrolls sideways (document scrollWidth within the window);
2. no visible element reaches past either edge of the window, unless it sits inside a scroll
   container (an ancestor below <body> with overflow-x auto, scroll, hidden or clip) — a table
   wider than its column scrolls in its own box;
3. no two top-level panels overlap, and nothing spills out of a panel: a panel's content and
   each headline figure (".kpi-value": "2.285" on the wall screen) fit their box;
4. the navigation shell (nav.shell) is there, with links.
A full-page screenshot of each lands in var/artifacts/layout-<page>-<width>.png. A failing
check names the element (tag, id, classes, box in CSS px) that broke it.

Cheap on purpose: the session's browser, one sign-in per role (its cookies reused), one
context per width with a loop over the pages, and locators, not sleeps, for what htmx and the
map load after the page.
"""

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

WIDTHS = (1280, 1366, 1440, 1920, 390)
LINMAS = "LM-3571011001-01"
# The navigation shell of templates/base.html and field/base.html, with the role's links.
SHELL = "nav.shell"
# What makes a panel on the office pages; /me/ stays lean (docs/field.md, its byte budget), so
# its panels are its sections, found by structure instead of by an attribute.
PANELS = "[data-panel]"
ME_PANELS = "main > section, main > article, main > .duty"
MAP_DRAWN = "#map[data-markers='839']"

CHECKS = """([panelSelector, figureSelector, W]) => {
    const box = el => {
        const r = el.getBoundingClientRect(), round = Math.round;
        return `[x ${round(r.left)}..${round(r.right)}, y ${round(r.top + scrollY)}, `
            + `${round(r.width)}×${round(r.height)}]`;
    };
    const name = el => {
        const id = el.id ? `#${el.id}` : "";
        const classes = [...el.classList].map(c => `.${c}`).join("");
        return `<${el.tagName.toLowerCase()}${id}${classes}> ${box(el)}`;
    };
    const shown = el => {
        const r = el.getBoundingClientRect();
        if (r.width < 1.5 && r.height < 1.5) return false;
        const style = getComputedStyle(el);
        return style.visibility !== "hidden" && style.display !== "none";
    };
    // A scroll container: what overflows inside it stays inside it.
    const CLIPPING = ["auto", "scroll", "hidden", "clip"];
    const clips = el => CLIPPING.includes(getComputedStyle(el).overflowX);
    // The nearest such ancestor below <body>, up to `top`. <html> and <body> do not count, or
    // hiding the page's own overflow would pass.
    const scroller = (el, top) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (clips(a)) return a;
            if (a === top) break;
        }
        return null;
    };
    const result = {scrollWidth: document.documentElement.scrollWidth, innerWidth: innerWidth,
        wide: [], overlaps: [], spills: []};

    // Whether an element sits in a scroll container, from its parent's answer: one
    // getComputedStyle per element instead of one per ancestor.
    const clipped = new Map([[document.body, false]]);
    const inScroller = el => {
        const parent = el.parentElement;
        if (!parent) return false;
        if (!clipped.has(parent)) {
            clipped.set(parent, (parent !== document.documentElement && clips(parent))
                || inScroller(parent));
        }
        return clipped.get(parent);
    };
    for (const el of document.body.querySelectorAll("*")) {
        if (inScroller(el) || !shown(el)) continue;
        const r = el.getBoundingClientRect();
        if (r.left < -0.5 || r.right > W + 0.5) result.wide.push(name(el));
    }

    const panels = [...document.querySelectorAll(panelSelector)].filter(shown);
    for (let i = 0; i < panels.length; i++) {
        for (let j = i + 1; j < panels.length; j++) {
            const a = panels[i], b = panels[j];
            if (a.contains(b) || b.contains(a)) continue;
            const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
            const apart = p.right <= q.left + 0.5 || q.right <= p.left + 0.5
                || p.bottom <= q.top + 0.5 || q.bottom <= p.top + 0.5;
            if (!apart) result.overlaps.push(`${name(a)} / ${name(b)}`);
        }
        const panel = panels[i], edge = panel.getBoundingClientRect();
        for (const el of panel.querySelectorAll("*")) {
            if (!shown(el) || scroller(el, panel)) continue;
            const r = el.getBoundingClientRect();
            if (r.left < edge.left - 0.5 || r.right > edge.right + 0.5) {
                result.spills.push(`${name(el)} out of ${name(panel)}`);
            }
        }
    }
    // Text wider than its box shows in no element's box: compare what the box would need. A
    // panel that scrolls sideways by design (a table's own scroll box) holds what it needs.
    for (const el of document.querySelectorAll(`${panelSelector}, ${figureSelector}`)) {
        const scrolls = ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
        if (shown(el) && !scrolls && el.scrollWidth > el.clientWidth + 1) {
            result.spills.push(`${name(el)} needs ${el.scrollWidth} px, has ${el.clientWidth}`);
        }
    }
    return result;
}"""


@pytest.fixture(scope="module")
def layout_pages(live_demo):
    """(name, username, path, what to wait for, panel selector) for each page, on real ids."""
    tps = live_demo.query(
        "SELECT tps_id FROM deployments_assignment_tps GROUP BY tps_id"
        " ORDER BY count(*) DESC, tps_id LIMIT 1"
    )[0][0]
    meeting = live_demo.query("SELECT min(id) FROM coordination_meeting")[0][0]
    person = live_demo.query(
        "SELECT id FROM deployments_personnel WHERE identifier = ?", (LINMAS,)
    )[0][0]
    dashboard_ready = (MAP_DRAWN, "#field-checkins h2", "#incident-feed h2", "#coordination-panel")
    return (
        ("dashboard", "kabagops", "/", dashboard_ready, PANELS),
        ("wall", "kabagops", "/wall/", (MAP_DRAWN,), PANELS),
        ("tps", "kabagops", f"/tps/{tps}/", (), PANELS),
        ("rapat", "kabagops", "/rapat/", (), PANELS),
        ("rapat-detail", "kabagops", f"/rapat/{meeting}/", (), PANELS),
        ("posko", "operator", f"/posko/?person={person}", (), PANELS),
        ("cards", "operator", "/lapangan/kartu/", (), PANELS),
        ("me", LINMAS, "/me/", (), ME_PANELS),
    )


@pytest.fixture(scope="module")
def cookies(browser, live_demo, layout_pages):
    """Each role signs in once; every width reuses its session cookie."""
    jar = {}
    for username in dict.fromkeys(page[1] for page in layout_pages):
        context = browser.new_context()
        sign_in(context.new_page(), live_demo.url, username)
        jar[username] = context.cookies()
        context.close()
    return jar


def _context(browser, width: int):
    if width < 600:
        return browser.new_context(
            viewport={"width": width, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="id-ID",
            timezone_id="Asia/Jakarta",
        )
    return browser.new_context(
        viewport={"width": width, "height": 900}, locale="id-ID", timezone_id="Asia/Jakarta"
    )


def _problems(found: dict, width: int) -> list[str]:
    problems = []
    if found["scrollWidth"] > found["innerWidth"] or found["innerWidth"] != width:
        # A phone zooms out to fit a page wider than itself: its window then reads wider than
        # the screen, which is the same failure.
        problems.append(
            f"the page scrolls sideways: {found['scrollWidth']} px, window"
            f" {found['innerWidth']} px, screen {width} px"
        )
    problems += [f"wider than the window: {el}" for el in found["wide"][:8]]
    problems += [f"panels overlap: {pair}" for pair in found["overlaps"][:8]]
    problems += [f"does not fit its panel: {el}" for el in found["spills"][:8]]
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_holds_its_layout_at(width, browser, live_demo, layout_pages, cookies):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, width)
    page = context.new_page()
    broken: dict[str, list[str]] = {}
    try:
        for name, username, path, ready, panels in layout_pages:
            context.clear_cookies()
            context.add_cookies(cookies[username])

            response = page.goto(live_demo.url + path)
            for selector in ready:
                page.locator(selector).wait_for(timeout=20_000)
            found = page.evaluate(CHECKS, [panels, ".kpi-value", width])
            page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=True)

            problems = _problems(found, width)
            if response.status != 200:
                problems.insert(0, f"answered {response.status}")
            shell = page.locator(SHELL).first
            if not shell.is_visible() or shell.locator("a[data-nav]").count() == 0:
                problems.append(f"no navigation shell with links ({SHELL})")
            if page.locator(panels).count() < 2:
                problems.append(f"fewer than two panels ({panels})")
            if problems:
                broken[f"{name} {path}"] = problems
    finally:
        context.close()

    assert not broken, "\n" + "\n".join(
        f"{where} at {width} px:\n  " + "\n  ".join(problems) for where, problems in broken.items()
    )
