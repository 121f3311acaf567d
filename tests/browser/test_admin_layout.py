"""The admin as an admin sees it at 1366×768: no two buttons or links of a toolbar overlap.

The seeded demo's operator (the Admin group) opens the index, the assignment and personnel
lists and one change form of each; the screenshots land in var/artifacts/admin-*.png.
"""

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in

pytestmark = pytest.mark.browser

# The admin's bars of buttons: the object tools above a page, the save row under a form, the
# bulk actions above a list.
BARS = ".object-tools, .submit-row, .actions"
OVERLAPS = """(selector) => {
    const boxes = [];
    for (const bar of document.querySelectorAll(selector)) {
        for (const el of bar.querySelectorAll("a, button, input[type=submit], select, label")) {
            const r = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (!r.width || !r.height || style.visibility === "hidden") continue;
            boxes.push({text: (el.textContent || el.value || el.name).trim(), r});
        }
    }
    const found = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r, b = boxes[j].r;
            const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5
                || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
            const nested = (a.left >= b.left && a.right <= b.right && a.top >= b.top
                && a.bottom <= b.bottom) || (b.left >= a.left && b.right <= a.right
                && b.top >= a.top && b.bottom <= a.bottom);
            if (!apart && !nested) found.push(`${boxes[i].text} / ${boxes[j].text}`);
        }
    }
    return found;
}"""


def test_no_two_buttons_of_an_admin_toolbar_overlap(browser, live_demo):
    assignment = live_demo.query("SELECT min(id) FROM deployments_assignment")[0][0]
    person = live_demo.query("SELECT min(id) FROM deployments_personnel")[0][0]
    pages = {
        "index": "/admin/",
        "assignment-list": "/admin/deployments/assignment/",
        "assignment-form": f"/admin/deployments/assignment/{assignment}/change/",
        "personnel-list": "/admin/deployments/personnel/",
        "personnel-form": f"/admin/deployments/personnel/{person}/change/",
    }
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    page = context.new_page()
    sign_in(page, live_demo.url, "operator")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    overlapping = {}
    try:
        for name, path in pages.items():
            response = page.goto(live_demo.url + path)
            assert response.status == 200, path
            page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)
            if found := page.evaluate(OVERLAPS, BARS):
                overlapping[path] = found
    finally:
        context.close()

    assert overlapping == {}
