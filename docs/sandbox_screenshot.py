"""Takes docs/sandbox.png, the README's picture of `qabot sandbox`: an escalation filed and acknowledged with a
reaction, and the scorecard `/qa vendor acme` answered with, in headless Chromium.

Run from the repository's root: `PYTHONPATH=. .venv/bin/python docs/sandbox_screenshot.py`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bot.clock import utc_now
from bot.config import load_team_config
from bot.demo.seed import load_demo
from bot.sandbox.people import SANDBOX_ESCALATION_CHANNEL
from bot.sandbox.running import running_sandbox
from bot.settings import Settings
from bot.store.db import make_engine, upgrade_database
from tests.sandbox.conftest import Page
from tests.sandbox.test_api import escalation_values, wait_for

SCREENSHOT = Path("docs/sandbox.png")


def main() -> None:
    config = load_team_config(Path("config/qabot.toml"), must_exist=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/qabot.db")
        upgrade_database(engine)
        load_demo(engine, config=config, audits=20_000, days=60, seed=7, now=utc_now())
        settings = Settings(database_url="unused", config_path=Path("config/qabot.toml"), config_path_is_default=False)
        with running_sandbox(engine=engine, config=config, settings=settings, port=0) as server:
            _file_an_escalation(Page(server.url))
            _screenshot(server.url)
        engine.dispose()


def _file_an_escalation(page: Page) -> None:
    page.post("command", text="/qa escalate", channel="C0DEMOTEAM")
    view = wait_for(page, lambda state: state["modal"])["modal"]["view"]
    values = escalation_values(view, title="Counterfeit sneakers approved in shop-listings", items="")
    values["description"] = {"value": {"type": "plain_text_input",
                                       "value": "Twelve listings of fake sneakers passed review this morning."}}
    page.post("submit", values=values)
    posted = wait_for(page, lambda state: state["messages"], channel=SANDBOX_ESCALATION_CHANNEL)["messages"][-1]
    page.post("react", channel=SANDBOX_ESCALATION_CHANNEL, ts=posted["ts"], emoji="eyes")


def _screenshot(url: str) -> None:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1150"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid='channel-escalations']"))
        driver.find_element(By.CSS_SELECTOR, "[data-testid='channel-escalations']").click()
        driver.find_element(By.CSS_SELECTOR, "[data-testid=message-box]").send_keys("/qa vendor acme\n")
        chart = WebDriverWait(driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=chart]"))[0]
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return arguments[0].naturalWidth", chart) > 0)
        driver.execute_script("document.querySelector('#messages').scrollTop = 0")
        time.sleep(1)  # the scroll settles before the picture
        driver.save_screenshot(str(SCREENSHOT))
    finally:
        driver.quit()


if __name__ == "__main__":  # chart workers are spawned: they import this file without running it
    main()
