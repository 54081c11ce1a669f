"""The dashboard in a real browser: sign in with `invoker dashboard`'s link, watch the overview update live, follow
an invocation to its output, redrive a dead letter, and the phone layout. Waits are WebDriverWait with deadlines."""

import json
import threading
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 15  # seconds any one thing may take to appear


def wait(driver, condition, timeout=WAIT, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition, message)


def wait_reloading(driver, condition, timeout=WAIT, message=""):
    """Waits for what only a new page shows (records and dead letters are written a moment after the fact)."""

    def check(driver):
        found = condition(driver)
        if not found:
            driver.refresh()
        return found

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(check, message)


def test_a_page_without_a_session_redirects_to_the_login_form(invoker, fresh_browser, screenshot):
    fresh_browser.get(invoker.url + "/dashboard/queues")
    wait(fresh_browser, EC.url_contains("/dashboard/login"))
    assert fresh_browser.find_element(By.NAME, "key").get_attribute("type") == "password"
    screenshot(fresh_browser, "login-form")
    # The event stream is not for anyone either.
    status, _ = invoker.request("GET", "/system/events")
    assert status == 401


def test_a_used_login_link_signs_nobody_in(invoker, fresh_browser):
    link = invoker.login_link()
    fresh_browser.get(link)
    wait(fresh_browser, EC.url_to_be(invoker.url + "/dashboard"))
    fresh_browser.delete_all_cookies()
    fresh_browser.get(link)
    error = wait(fresh_browser, EC.visibility_of_element_located((By.ID, "login-error")))
    assert "used already" in error.text


def test_the_login_link_opens_the_overview_with_the_manifests_functions(invoker, browser, screenshot):
    browser.get(invoker.login_link())
    wait(browser, EC.url_to_be(invoker.url + "/dashboard"))
    cookie = browser.get_cookie("invoker_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    rows = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#functions tbody tr[data-fn]"))
    assert sorted(row.get_attribute("data-fn") for row in rows) == sorted(invoker.functions)
    jobs = browser.find_element(By.CSS_SELECTOR, '#queues tr[data-queue="jobs"]')
    assert "jobs" in jobs.text
    wait(browser, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    screenshot(browser, "overview")


def test_an_invocation_shows_up_without_a_reload_and_its_page_has_its_output(invoker, browser, screenshot):
    browser.get(invoker.url + "/dashboard")
    wait(browser, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    browser.execute_script("window.notReloaded = true")
    before = {row.get_attribute("data-id") for row in browser.find_elements(By.CSS_SELECTOR, "#live-invocations tr")}
    status, body = invoker.request("POST", "/print", json.dumps({"lines": ["printed for the browser test"]}))
    assert status == 200, body

    def new_row(driver):
        for row in driver.find_elements(By.CSS_SELECTOR, "#live-invocations tr"):
            if row.get_attribute("data-id") not in before and "print" in row.text:
                return row
        return False

    row = wait(browser, new_row, message="the invocation did not appear in the live list")
    # The numbers move too: print's requests per second over the last minute.
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '[data-fn="print"] [data-k="m-rps"]').text != "0.00/s")
    assert browser.execute_script("return window.notReloaded") is True, "the page was reloaded"
    screenshot(browser, "overview-live")
    row.find_element(By.CSS_SELECTOR, "a.id").click()
    log = wait_reloading(browser, lambda d: d.find_elements(By.ID, "log"), message="no invocation page")[0]
    assert "printed for the browser test" in log.text
    assert "stderr: printed for the browser test" in log.text
    screenshot(browser, "invocation")


def test_a_functions_page_draws_its_charts_live(invoker, browser, screenshot):
    browser.get(invoker.url + "/dashboard/functions/hello")
    for _ in range(5):
        assert invoker.request("GET", "/hello?name=chart")[0] == 200
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-requests path.s-success"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-durations path.s-p99"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-workers path.s-idle"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#live-invocations tr"))
    screenshot(browser, "function")


def test_a_dead_letter_is_redriven_from_the_queue_page(invoker, browser, screenshot):
    status, _ = invoker.request("POST", "/queue/jobs", "doomed message")
    assert status == 202
    browser.get(invoker.url + "/dashboard/queues")
    letter = wait_reloading(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#queue-jobs tr[data-message]'), message="no dead letter"
    )[0]
    message = letter.get_attribute("data-message")
    assert "failed on purpose" in letter.text
    screenshot(browser, "dead-letters")
    letter.find_element(By.CSS_SELECTOR, "button.redrive").click()
    notice = wait(browser, EC.visibility_of_element_located((By.ID, "notice")))
    assert notice.text == "Moved 1 message back to the queue."
    # It fails again, and is back among the dead letters; then all of them go back, after a confirmation.
    wait_reloading(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'tr[data-message="{message}"]'))
    browser.find_element(By.CSS_SELECTOR, "#queue-jobs button.redrive-all").click()
    wait(browser, EC.visibility_of_element_located((By.ID, "confirm")))
    screenshot(browser, "confirm")
    browser.find_element(By.ID, "confirm").click()
    notice = wait(browser, EC.visibility_of_element_located((By.ID, "notice")))
    assert notice.text == "Moved 1 message back to the queue."


def test_the_overview_fits_a_phone(invoker, browser, screenshot):
    browser.set_window_size(390, 844)
    try:
        browser.get(invoker.url + "/dashboard")
        wait(browser, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the page is {overflow}px wider than a phone"
        screenshot(browser, "overview-phone")
        browser.get(invoker.url + "/dashboard/functions/hello")
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#chart-requests line.grid"))
        screenshot(browser, "function-phone")
    finally:
        browser.set_window_size(1366, 900)


def test_the_overview_under_load(invoker, browser, screenshot):
    """A bounded load (four threads, a few seconds) while the overview is open: the README's screenshot."""
    browser.set_window_size(1366, 820)
    browser.get(invoker.url + "/dashboard")
    wait(browser, lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    deadline = time.monotonic() + 6
    errors = []

    def load(path, body):
        for _ in range(5000):
            if time.monotonic() > deadline:
                return
            status, _ = invoker.request("POST", path, body)
            if status not in (200, 202):
                errors.append(status)

    threads = [
        threading.Thread(target=load, args=("/hello", "")),
        threading.Thread(target=load, args=("/greet", '{"name":"Ada"}')),
        threading.Thread(target=load, args=("/greet", '{"nom":"Ada"}')),
        threading.Thread(target=load, args=("/print", '{"lines":["load"]}')),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '[data-fn="hello"] [data-k="m-rps"]').text != "0.00/s")
    screenshot(browser, "overview-under-load")
    assert all(status in (200, 202, 400, 502) for status in errors)
