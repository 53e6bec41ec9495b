"""The queue a reviewer works from: area, age band, flags, time waiting; sortable, filterable,
accessible; history with the messages; "opened" counting openings. Real sealed referrals,
the app on loopback, and a headless Chromium for the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.review.audit import AuditLog
from bot.review.queue_facts import facts_from_json, load_words
from tests.review.factories import (
    PASSWORD,
    ROOT,
    StaffClient,
    form,
    queue_referral,
    referral_values,
    sealed_envelope,
    serving,
    settings_for,
    signed_sealer,
)

WORDS = load_words(ROOT / "guidance" / "review" / "queue.yml")
#: reference -> (answers that differ); the referral date is 14/03/2025 in the factory.
PEOPLE = {
    "VTR-00000001": {"date_of_birth": "about 15", "area": "southend"},
    "VTR-00000002": {
        "date_of_birth": "01/01/2008",  # 17 on 14/03/2025
        "area": "essex",
        "consent": "We have not told the family: it would increase the risk.",
    },
    "VTR-00000003": {
        "date_of_birth": "about 30",
        "area": "thurrock",
        "imminent_risk": "yes",
        "consent": "He refused consent; shared in the public interest.",
    },
}


def _json(values: dict[str, str]) -> dict:
    from bot.referral import render
    from bot.referral.progress import Draft

    meta = render.RenderMeta("VTR-X", "14/03/2025", "")
    return render.to_json(form(), Draft(values={**referral_values(), **values}), meta)


def test_facts_are_coarse_bands_and_flags_read_from_the_referral():
    facts = {ref: facts_from_json(_json(v), WORDS) for ref, v in PEOPLE.items()}
    assert [f.age_band for f in facts.values()] == ["child", "sixteen_seventeen", "adult"]
    assert [f.area for f in facts.values()] == ["Southend", "Essex", "Thurrock"]
    assert [f.imminent_risk for f in facts.values()] == [False, False, True]
    assert [f.consent for f in facts.values()] == ["given", "not_told", "refused"]
    unknown = facts_from_json(_json({"date_of_birth": "unknown", "consent": "unknown"}), WORDS)
    assert (unknown.age_band, unknown.consent) == ("unknown", "not_recorded")


@pytest.fixture()
def queue_app(tmp_path: Path, inbox):
    settings = settings_for(tmp_path, inbox)
    sealer = signed_sealer(inbox.cert)  # as the assistant seals: signed, then sealed
    for reference, values in PEOPLE.items():
        envelope = sealed_envelope(sealer, reference, {**referral_values(), **values})
        queue_referral(settings.database_url, envelope, reference)
    from bot.review.accounts import REVIEWER, Accounts
    from bot.review.app import create_app

    Accounts(settings.database_url, settings.scrypt_log2_n, app_key=settings.app_key).create(
        "rita", PASSWORD, REVIEWER, "Rita Reviewer"
    )
    with serving(create_app(settings)) as base:
        yield base, settings, tmp_path


def _rows(html: str) -> list[str]:
    return re.findall(r'<a href="/referrals/(VTR-\d+)">', html)


def test_queue_shows_area_age_flags_and_waiting_and_sorts_and_filters(queue_app):
    base, settings, tmp_path = queue_app
    staff = StaffClient(base)
    assert staff.sign_in("rita").status_code == 303
    page = staff.get("/queue").text
    for text in ("Southend", "Essex", "Thurrock", "Child (under 16)", "16–17", "Adult (18+)"):
        assert text in page, text
    assert "Imminent risk: yes" in page and "Consent refused" in page
    assert "Not told (risk)" in page and "Told / agreed" in page
    assert re.search(r"<td>\d+ (min|h|days)</td>", page)  # time waiting
    assert '<th scope="col">Reference</th>' in page and "aria-sort=\"descending\"" in page
    # Sorted by age band, youngest first; by area, Z to A.
    assert _rows(staff.get("/queue?sort=age&dir=asc").text) == list(PEOPLE)
    assert _rows(staff.get("/queue?sort=area&dir=desc").text) == [
        "VTR-00000003",
        "VTR-00000001",
        "VTR-00000002",
    ]
    flags_first = _rows(staff.get("/queue?sort=flags").text)
    assert flags_first[0] == "VTR-00000003"
    # Filtered: by age band, by area, by the imminent-risk flag; and with the status filter.
    assert _rows(staff.get("/queue?age=sixteen_seventeen").text) == ["VTR-00000002"]
    assert _rows(staff.get("/queue?area=Southend").text) == ["VTR-00000001"]
    assert _rows(staff.get("/queue?flag=imminent_risk").text) == ["VTR-00000003"]
    assert _rows(staff.get("/queue?status=screening&age=child").text) == []
    # Nothing of it is stored where the bot could read it: no new column, no band words.
    stored = b"".join(p.read_bytes() for p in tmp_path.rglob("prevent.db*"))
    for word in (b"sixteen_seventeen", "16–17".encode(), b"Thurrock", b"not_told"):
        assert word not in stored, word


def test_opened_counts_openings_not_reloads_and_history_has_the_messages(queue_app):
    base, settings, _ = queue_app
    from bot.referral.updates import ReferrerUpdates
    from bot.store.crypto import KeyRing

    reference = "VTR-00000001"
    ReferrerUpdates(
        settings.database_url, KeyRing({"v1": b"k" * 32}, "v1"), b"p" * 32, settings.updates_key
    ).register(reference, "dsl-queue-test", "rest")
    staff = StaffClient(base)
    staff.sign_in("rita")
    assert staff.get(f"/referrals/{reference}").status_code == 200
    question = "Could you send us the date he was first seen with the leaflets?"
    for text in ("First: which year group is he in?", question):
        sent = staff.post(f"/referrals/{reference}/messages", {"message": text})
        assert sent.status_code == 303
        page = staff.get(sent.headers["Location"]).text  # the reload after the action
    note = staff.post(f"/referrals/{reference}/notes", {"note": "Rang the school."})
    page = staff.get(note.headers["Location"]).text
    assert "Opened 1 time;" in page, re.findall(r"Opened \d+ times?", page)
    history = page[page.index('id="history"') :]
    assert question in history and "First: which year group is he in?" in history
    assert history.index(question) < history.index("First: which year")  # newest first
    page = staff.get(f"/referrals/{reference}").text  # opened again, on purpose
    assert "Opened 2 times;" in page
    audit = AuditLog(settings.database_url)
    assert audit.count(reference, "open_referral") == 2
    assert audit.count(reference, "view_referral_after_action") == 3  # still audited


def test_queue_in_chromium_by_keyboard_with_labelled_filters(queue_app):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from tests.helpers.browser import chrome_driver, save_screenshot, wait_until_replaced

    base, _, _ = queue_app

    def wait_new_page(driver, old) -> None:
        wait_until_replaced(driver, old)

    with chrome_driver() as driver:
        from tests.review.test_browser import _sign_in  # password, then the second factor

        driver.get(base + "/sign-in")
        _sign_in(driver, base, "rita")
        WebDriverWait(driver, 15).until(lambda d: "/queue" in d.current_url)
        headers = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "table.queue thead th")]
        assert [h.split("\n")[0].rstrip(" ▼▲") for h in headers] == [
            "Reference",
            "Area",
            "Age",
            "Flags",
            "Received",
            "Waiting",
            "Status",
            "Last change",
        ]
        # Every filter control has a label the browser ties to it.
        for control in driver.find_elements(By.CSS_SELECTOR, ".queue-filters select, "
                                                             ".queue-filters input[type=checkbox]"):  # fmt: skip
            labels = driver.execute_script("return arguments[0].labels.length", control)
            assert labels == 1, control.get_attribute("id")
        # Sort by age with the keyboard: focus the header link, press Enter.
        link = driver.find_element(By.CSS_SELECTOR, "th a[href*='sort=age']")
        driver.execute_script("arguments[0].focus()", link)
        old = driver.find_element(By.TAG_NAME, "html")
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        wait_new_page(driver, old)
        age = driver.find_element(By.XPATH, "//th[.//a[contains(@href,'sort=age')]]")
        assert age.get_attribute("aria-sort") == "descending"
        references = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "tbody th a")]
        assert references == ["VTR-00000003", "VTR-00000002", "VTR-00000001"]  # adult first
        # Filter to 16-17 with the labelled select, then submit with the keyboard.
        Select(driver.find_element(By.ID, "filter-age")).select_by_visible_text("16–17")
        old = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.CSS_SELECTOR, ".queue-filters button").send_keys(Keys.ENTER)
        wait_new_page(driver, old)
        references = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "tbody th a")]
        assert references == ["VTR-00000002"]
        assert "16–17" in driver.find_element(By.TAG_NAME, "caption").text
        save_screenshot(driver, "review-queue-filtered")
