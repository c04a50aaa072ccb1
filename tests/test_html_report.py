"""The HTML report, opened in a real browser: Debian's headless Chromium driven by Selenium.

`make test` installs chromium and chromium-driver when they are missing. The test reads the
page the way a person would: which cells are highlighted and where, what the filter hides,
and that the page neither runs the file's markup, nor logs an error, nor asks the network for
anything. It saves a full-page screenshot to test-artifacts/html-report.png (not committed), and
one of the French report's first screen to test-artifacts/html-report-fr.png.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement

from tests.report_fixture import (
    DATE_AT,
    IMAGE_REFERENCE,
    LABEL_AT,
    SCRIPT_LABEL,
    write_bad_file,
)
from tratool.cli import main

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
]


def browser(profile: Path, *, javascript: bool = True) -> webdriver.Chrome:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium is missing: `make test` installs chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if not javascript:
        prefs = {"profile.managed_default_content_settings.javascript": 2}
        options.add_experimental_option("prefs", prefs)
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


@pytest.fixture(scope="module")
def report_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("html")
    tra = write_bad_file(folder)
    page = folder / "report.html"
    result = CliRunner().invoke(main, ["validate", "--format", "html", "-o", str(page), str(tra)])
    assert result.exit_code == 1, result.output
    return page.as_uri()


@pytest.fixture(scope="module")
def page(report_page: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    driver = browser(tmp_path_factory.mktemp("profile"))
    try:
        driver.get(report_page)
        yield driver
    finally:
        driver.quit()


def geometry(driver: webdriver.Chrome, mark: WebElement) -> dict[str, float]:
    """Where a highlighted cell sits, in characters from the start of its grid row."""
    script = """
      const mark = arguments[0], row = mark.closest('.line');
      const width = row.getBoundingClientRect().width / row.textContent.length;
      const m = mark.getBoundingClientRect(), r = row.getBoundingClientRect();
      return {offset: (m.left - r.left) / width, cells: m.width / width};
    """
    result: dict[str, float] = driver.execute_script(script, mark)
    return result


def test_the_faulty_fields_are_highlighted_where_they_are(page: webdriver.Chrome) -> None:
    line, first, last = DATE_AT
    mark = page.find_element(By.CSS_SELECTOR, f'#f0-l{line} mark[data-field="date"]')
    assert mark.text == "31042024"
    assert mark.get_attribute("title") == f"date, columns {first}–{last}: TRA-F02"
    where = geometry(page, mark)
    assert where["offset"] == pytest.approx(first - 1, abs=0.05)
    assert where["cells"] == pytest.approx(last - first + 1, abs=0.05)
    # The pièce number (152-159) sits in the second 100-column row, at column 52 of it: the
    # unbalanced pièce VTE 101 is reported on its first line.
    number = page.find_element(By.CSS_SELECTOR, f'#f0-l{line} mark[data-field="piece_number"]')
    assert number.text.strip() == "101"
    assert geometry(page, number)["offset"] == pytest.approx(151 - 100, abs=0.05)
    # The ruler above the row says which column is which.
    ruler = page.find_element(By.CSS_SELECTOR, f"#f0-l{line} .ruler").text.split("\n")
    assert ruler[0][8:10] == "10"
    assert ruler[1][9] == "|"


def test_the_files_markup_is_shown_not_run(page: webdriver.Chrome) -> None:
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.accept()
    rows = page.find_elements(By.CSS_SELECTOR, f"#f0-l{LABEL_AT[0]} .line")
    text = "".join(row.text for row in rows)
    assert SCRIPT_LABEL in text
    assert IMAGE_REFERENCE in text
    assert len(page.find_elements(By.TAG_NAME, "script")) == 1  # the report's own
    assert page.find_elements(By.TAG_NAME, "img") == []


def visible_rules(page: webdriver.Chrome) -> set[str]:
    items = page.find_elements(By.CSS_SELECTOR, "li[data-rule]")
    return {i.get_attribute("data-rule") or "" for i in items if i.is_displayed()}


def test_the_filter_hides_by_severity_and_by_rule(page: webdriver.Chrome) -> None:
    form = page.find_element(By.ID, "filter")
    assert form.is_displayed()
    everything = visible_rules(page)
    assert {"TRA-F02", "TRA-X01", "TRA-X05"} <= everything
    errors = form.find_element(By.CSS_SELECTOR, 'input[name="severity"][value="error"]')
    errors.click()
    assert visible_rules(page) == {"TRA-X05", "TRA-X09", "TRA-F18", "TRA-F24"}  # the notes
    errors.click()
    form.find_element(By.CSS_SELECTOR, 'input[name="rule"][value="TRA-X01"]').click()
    assert visible_rules(page) == everything - {"TRA-X01"}
    # A line whose every finding is filtered out is hidden with its grid.
    form.find_element(By.CSS_SELECTOR, 'input[name="rule"][value="TRA-F02"]').click()
    assert not page.find_element(By.ID, "f0-l2").is_displayed()
    for rule in ("TRA-X01", "TRA-F02"):
        form.find_element(By.CSS_SELECTOR, f'input[name="rule"][value="{rule}"]').click()
    assert visible_rules(page) == everything


def browser_log(driver: webdriver.Chrome, kind: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def test_no_console_error_and_no_network_request(page: webdriver.Chrome, report_page: str) -> None:
    console = [e for e in browser_log(page, "browser") if e["level"] in ("SEVERE", "WARNING")]
    assert console == []
    requested = []  # by the report (the browser's own start page loads chrome:// pages first)
    for entry in browser_log(page, "performance"):
        message: dict[str, Any] = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        sent = message["method"] == "Network.requestWillBeSent"
        if sent and params.get("documentURL") == report_page:
            requested.append(params["request"]["url"])
    assert requested == [report_page]


def test_it_prints_without_the_filter_and_without_cut_grids(page: webdriver.Chrome) -> None:
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not page.find_element(By.ID, "filter").is_displayed()
        grids = page.find_elements(By.CSS_SELECTOR, "pre.grid")
        overflowing = page.execute_script(
            "return [...arguments[0]].filter(g => g.scrollWidth > g.clientWidth).length", grids
        )
        assert overflowing == 0
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = page.print_page()  # base64: a PDF of at least one page
    assert pdf.startswith("JVBERi0")  # "%PDF-"


def test_screenshot_is_saved_as_an_artifact(page: webdriver.Chrome) -> None:
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(1280, min(int(height) + 100, 6000))
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-report.png"
    assert page.save_screenshot(str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_javascript_everything_is_shown(report_page: str, tmp_path: Path) -> None:
    driver = browser(tmp_path / "profile", javascript=False)
    try:
        driver.get(report_page)
        assert not driver.find_element(By.ID, "filter").is_displayed()
        items = driver.find_elements(By.CSS_SELECTOR, "li[data-rule]")
        assert items
        assert all(item.is_displayed() for item in items)
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)


def test_the_french_report_reads_french(tmp_path: Path) -> None:
    """`--lang fr`: the page declares French, and its headings, labels, badges and hover
    titles are French as the browser shows them (the badges' capitals come from the style)."""
    tra = write_bad_file(tmp_path)
    report = tmp_path / "rapport.html"
    args = ["validate", "--lang", "fr", "--format", "html", "-o", str(report), str(tra)]
    assert CliRunner().invoke(main, args).exit_code == 1
    driver = browser(tmp_path / "profile")
    try:
        driver.get(report.as_uri())
        assert driver.execute_script("return document.documentElement.lang") == "fr"
        assert driver.title == "Rapport de contrôle tratool"
        headings = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "article h3")]
        assert headings == [
            "Synthèse",
            "Équilibre par pièce",
            "Anomalies par règle",
            "Anomalies par ligne",
        ]
        legends = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#filter legend")]
        assert legends == ["Gravité", "Règle"]
        badge = driver.find_element(By.CSS_SELECTOR, 'li[data-rule="TRA-F02"] .badge')
        assert badge.text == "ERREUR"
        line, first, last = DATE_AT
        mark = driver.find_element(By.CSS_SELECTOR, f'#f0-l{line} mark[data-field="date"]')
        assert mark.get_attribute("title") == f"date, colonnes {first}–{last} : TRA-F02"
        console = [e for e in browser_log(driver, "browser") if e["level"] == "SEVERE"]
        assert console == []
        ARTIFACTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(ARTIFACTS / "html-report-fr.png"))
    finally:
        driver.quit()
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
