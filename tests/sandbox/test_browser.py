"""The sandbox in a real headless browser (Chromium, driven by Selenium), used as a person would use Slack.

Each test saves a screenshot under test-artifacts/sandbox/. Skipped, with the reason, when Chromium or its
driver is not installed (`.ci/run` installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.scenario import DEMO_USER
from bot.sandbox.people import PEOPLE

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "sandbox"
WAIT_SECONDS = 45
ACME_LEAD, ANA, BEN = PEOPLE[1].user_id, PEOPLE[2].user_id, PEOPLE[3].user_id

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason=f"no headless browser: install Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (the test extra has it)")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def browser(sandbox_server) -> Iterator:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                     "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    driver.get(sandbox_server.url)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def screenshot(browser, request) -> Iterator:
    """Saves the page as the test left it (passed or failed)."""
    yield
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


def wait(browser, condition, *, timeout: float = WAIT_SECONDS):
    """Until `condition(driver)` is truthy; an element the page redrew meanwhile (stale) means: look again."""
    return WebDriverWait(browser, timeout, poll_frequency=0.2,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(condition)


def escalation_message(driver):
    return next((message for message in driver.find_elements(By.CSS_SELECTOR, "[data-testid=message]")
                 if "Counterfeit sneakers" in message.text), None)


def react(driver, emoji: str) -> bool:
    Select(escalation_message(driver).find_element(By.CSS_SELECTOR, "[data-testid=add-reaction]")).select_by_value(emoji)
    return True


def be(browser, user_id: str) -> None:
    """Switch who you are with the picker at the top (once the page has drawn its people)."""
    wait(browser, lambda driver: Select(driver.find_element(By.CSS_SELECTOR, "[data-testid=who]"))
         .select_by_value(user_id) or True)
    wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, "[data-testid=who]").get_attribute("value")
         == user_id and driver.execute_script("return page.state.me.user_id") == user_id)


def open_channel(browser, name: str) -> None:
    wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, f"[data-testid='channel-{name}']").click() or True)
    wait(browser, lambda driver: name in driver.find_element(By.CSS_SELECTOR, "[data-testid=title]").text)


def type_command(browser, text: str) -> None:
    box = browser.find_element(By.CSS_SELECTOR, "[data-testid=message-box]")
    box.send_keys(text, Keys.ENTER)


def modal_field(browser, block_id: str):
    return browser.find_element(By.CSS_SELECTOR, f"[data-testid='input-{block_id}'] [data-action-id]")


def open_modal(browser):
    return wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, "#modal-backdrop:not([hidden])"))


def test_a_scorecard_shows_with_its_chart_loaded_only_to_who_asked(browser, screenshot):
    be(browser, DEMO_USER)
    open_channel(browser, "demo-team")
    type_command(browser, "/qa vendor acme")
    wait(browser, lambda driver: driver.execute_script(
        "const chart = document.querySelector('.message.ephemeral [data-testid=chart]');"
        "return chart !== null && chart.complete && chart.naturalWidth > 0"))
    chart = browser.find_element(By.CSS_SELECTOR, ".message.ephemeral [data-testid=chart]")
    card = browser.find_element(By.CSS_SELECTOR, ".message.ephemeral")
    assert "Only visible to you" in card.text and "Acme BPO" in card.text
    browser.execute_script("arguments[0].scrollIntoView()", chart)


def test_an_escalation_filed_through_its_modal_with_an_error_fixed_then_acknowledged_by_a_reaction(browser, screenshot):
    be(browser, DEMO_USER)
    open_channel(browser, "demo-team")
    type_command(browser, "/qa escalate")
    open_modal(browser)
    modal_field(browser, "title").send_keys("Counterfeit sneakers approved in shop-listings")
    for block_id in ("category", "severity"):
        Select(modal_field(browser, block_id)).select_by_index(1)
    modal_field(browser, "items").send_keys("not an item id ###")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=modal-submit]").click()
    wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, "[data-testid=error-items]").is_displayed()
         and driver.find_element(By.CSS_SELECTOR, "[data-testid=error-items]").text)
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=input-items]").get_attribute("class").count("has-error")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "escalation-inline-error.png"))
    assert modal_field(browser, "title").get_attribute("value").startswith("Counterfeit"), "typed values are kept"
    modal_field(browser, "items").clear()
    browser.find_element(By.CSS_SELECTOR, "[data-testid=modal-submit]").click()
    wait(browser, lambda driver: not driver.find_element(By.CSS_SELECTOR, "#modal-backdrop").is_displayed())

    open_channel(browser, "escalations")
    wait(browser, escalation_message)
    wait(browser, lambda driver: react(driver, "eyes"))
    wait(browser, lambda driver: "cknowledged" in escalation_message(driver).text)
    assert browser.find_elements(By.CSS_SELECTOR, "[data-testid=reaction-eyes]")


def test_a_calibration_requested_then_judged_through_its_modals(browser, screenshot):
    be(browser, DEMO_USER)
    open_channel(browser, "demo-team")
    type_command(browser, "/qa calibrate")
    open_modal(browser)
    Select(modal_field(browser, "cal_policy")).select_by_index(1)
    count = modal_field(browser, "cal_count")
    count.clear()
    count.send_keys("2")
    people = Select(modal_field(browser, "cal_people"))
    people.select_by_value(ANA)
    people.select_by_value(BEN)
    Select(modal_field(browser, "cal_expert")).select_by_value(DEMO_USER)
    Select(modal_field(browser, "cal_channel")).select_by_visible_text("# calibration")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=modal-submit]").click()
    wait(browser, lambda driver: not driver.find_element(By.CSS_SELECTOR, "#modal-backdrop").is_displayed())

    be(browser, ANA)
    open_channel(browser, "qa-ops-bot")
    start = wait(browser, lambda driver: next(iter(driver.find_elements(
        By.CSS_SELECTOR, "[data-testid=button-calibration_start]")), None))
    start.click()
    for item in (1, 2):
        open_modal(browser)
        wait(browser, lambda driver, item=item: f"item {item} of 2" in driver.find_element(By.ID, "modal").text)
        browser.find_element(By.CSS_SELECTOR, "[data-testid=input-cal_verdict] input[type=radio]").click()
        browser.find_element(By.CSS_SELECTOR, "[data-testid=modal-submit]").click()
    wait(browser, lambda driver: "judged all 2 items" in driver.find_element(By.ID, "modal").text)
    assert "# calibration" in browser.find_element(By.ID, "modal").text, "a channel mention shows its name"
    browser.find_element(By.CSS_SELECTOR, "[data-testid=modal-close]").click()
    wait(browser, lambda driver: not driver.find_element(By.CSS_SELECTOR, "#modal-backdrop").is_displayed())


def home_text(browser, user_id: str) -> str:
    be(browser, user_id)
    browser.find_element(By.CSS_SELECTOR, "[data-testid=home-link]").click()
    return wait(browser, lambda driver: driver.find_element(By.CSS_SELECTOR, "[data-testid=home] .blocks").text)


def test_the_home_tab_shows_a_qa_lead_and_a_vendor_member_different_things(browser, screenshot):
    vendor = home_text(browser, ACME_LEAD)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "home-vendor-member.png"))
    lead = home_text(browser, DEMO_USER)
    assert lead and vendor and lead != vendor
    assert "Globex" in lead and "Globex" not in vendor


def test_run_now_posts_alerts_and_moving_time_forward_makes_the_monitor_find_stale_data(browser, screenshot):
    be(browser, DEMO_USER)
    Select(browser.find_element(By.CSS_SELECTOR, "[data-testid=jobs]")).select_by_value("alert-monitor")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=run-now]").click()
    open_channel(browser, "qa-alerts")
    wait(browser, lambda driver: driver.find_elements(By.CSS_SELECTOR, "[data-testid=message]"))
    for hours in (24, 48):  # the demo's import is now two days old: over the 26 h the stale-data rule allows
        browser.find_element(By.CSS_SELECTOR, "[data-testid=advance-day]").click()
        wait(browser, lambda driver, hours=hours: f"+{hours} h" in driver.find_element(By.CSS_SELECTOR,
                                                                                      "[data-testid=clock]").text)
    wait(browser, lambda driver: "No new audits" in driver.find_element(By.CSS_SELECTOR, "[data-testid=messages]").text)
