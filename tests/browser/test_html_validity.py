"""The Nu HTML Checker (vnu.jar) finds no error in any public page, in any language."""

import json
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import PurePosixPath

import pytest
from django.conf import settings

from .conftest import VNU_JAR, require
from .pages import error_pages, every_page, postcard_states, share_form_states

pytestmark = pytest.mark.browser

# Checked along with the pages, to prove the checker really reads each file.
CANARY = '<!doctype html><html lang="en"><title>canary</title><p><img src="x.png"></p>'


def test_every_public_page_is_valid_html(client, seeded, tmp_path):
    java = shutil.which("java")
    require(java, "java")
    require(VNU_JAR.exists(), f"{os.path.relpath(VNU_JAR, settings.BASE_DIR)} (run `make node-tools`)")

    addresses = {}  # file name -> page address
    for language, name, address, status in every_page():
        response = client.get(address)
        assert response.status_code == status, address
        (tmp_path / f"{language}-{name}.html").write_bytes(response.content)
        addresses[f"{language}-{name}.html"] = address
    for language, name, address, html in share_form_states(client):
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{address}, posted ({name})"
    for language, name, address, html in postcard_states(client):
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{address} ({name})"
    for language, name, html in error_pages():
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{name} page ({language}), rendered by its view"
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")

    # One JVM for every page: starting Java is the slow part.
    files = [str(tmp_path / file_name) for file_name in [*addresses, "canary.html"]]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files], capture_output=True, text=True, timeout=240)
    try:
        messages = json.loads(result.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")

    errors, warnings, canary = defaultdict(list), defaultdict(list), []
    for message in messages:
        file_name = PurePosixPath(message.get("url", "")).name
        if file_name == "canary.html":
            canary.append(message)
            continue
        address = addresses.get(file_name, message.get("url", "(no file)"))
        where = f"line {message.get('lastLine', '?')}, column {message.get('firstColumn', '?')}"
        text = f"  {where}: {message['message']}\n    {message.get('extract', '').strip()}"
        # "info" is a warning or a note; "error" (also fatal parse errors) and "non-document-error" are errors.
        (warnings if message["type"] == "info" else errors)[address].append(text)

    assert any("alt" in message["message"] for message in canary), f"vnu.jar did not check the files: {result.stdout}{result.stderr}"
    report = "\n".join(f"{address}:\n" + "\n".join(lines) for address, lines in errors.items())
    if warnings:
        report += "\n\nWarnings (allowed, shown for context):\n" + "\n".join(f"{address}:\n" + "\n".join(lines) for address, lines in warnings.items())
    assert not errors, f"The Nu HTML Checker found errors in {len(errors)} pages:\n{report}"


def test_the_signers_own_pages_are_valid_html(client, seeded, tmp_path):
    """The signer's pages in each state (tests/browser/pages.py: supporter_pages), checked by one run of vnu.jar."""
    from .pages import supporter_pages, supporter_request_with_mistakes

    java = shutil.which("java")
    require(java, "java")
    require(VNU_JAR.exists(), f"{os.path.relpath(VNU_JAR, settings.BASE_DIR)} (run `make node-tools`)")
    addresses = {}
    for language, name, address, status in supporter_pages():
        response = client.get(address)
        assert response.status_code == status, address
        (tmp_path / f"{language}-{name}.html").write_bytes(response.content)
        addresses[f"{language}-{name}.html"] = address
    for language, name, address, html in supporter_request_with_mistakes(client):
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{address}, posted ({name})"
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")
    files = [str(tmp_path / file_name) for file_name in [*addresses, "canary.html"]]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files], capture_output=True, text=True, timeout=240)
    messages = json.loads(result.stdout)["messages"]
    assert any(PurePosixPath(message.get("url", "")).name == "canary.html" for message in messages), "vnu.jar did not check the files"
    errors = []
    for message in messages:
        file_name = PurePosixPath(message.get("url", "")).name
        if message["type"] != "info" and file_name != "canary.html":
            errors.append(f"{addresses.get(file_name)}: line {message.get('lastLine', '?')}: {message['message']}\n    {message.get('extract', '').strip()}")
    assert not errors, "The Nu HTML Checker found errors:\n" + "\n".join(errors)


def test_take_action_pages_are_valid_html_in_every_state(client, seeded, tmp_path):
    """The signing form with mistakes and the confirmed page (the others are in PAGES), checked by one run of vnu.jar."""
    from .pages import take_action_states

    java = shutil.which("java")
    require(java, "java")
    require(VNU_JAR.exists(), f"{os.path.relpath(VNU_JAR, settings.BASE_DIR)} (run `make node-tools`)")
    addresses = {}
    for language, name, address, html in take_action_states(client):
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{address} ({name})"
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")
    files = [str(tmp_path / file_name) for file_name in [*addresses, "canary.html"]]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files], capture_output=True, text=True, timeout=240)
    messages = json.loads(result.stdout)["messages"]
    assert any(PurePosixPath(message.get("url", "")).name == "canary.html" for message in messages), "vnu.jar did not check the files"
    errors = []
    for message in messages:
        file_name = PurePosixPath(message.get("url", "")).name
        if message["type"] != "info" and file_name != "canary.html":
            errors.append(f"{addresses.get(file_name)}: line {message.get('lastLine', '?')}: {message['message']}\n    {message.get('extract', '').strip()}")
    assert not errors, "The Nu HTML Checker found errors:\n" + "\n".join(errors)


def test_the_giving_pages_are_valid_html_in_every_state(client, seeded, tmp_path):
    """Donate or join: the join form with mistakes, confirmed, the cancellation question, the monthly invitation, a pledge's thanks."""
    from .pages import giving_states

    java = shutil.which("java")
    require(java, "java")
    require(VNU_JAR.exists(), f"{os.path.relpath(VNU_JAR, settings.BASE_DIR)} (run `make node-tools`)")
    addresses = {}
    for language, name, address, html in giving_states(client):
        (tmp_path / f"{language}-{name}.html").write_text(html, encoding="utf-8")
        addresses[f"{language}-{name}.html"] = f"{address} ({name})"
    (tmp_path / "canary.html").write_text(CANARY, encoding="utf-8")
    files = [str(tmp_path / file_name) for file_name in [*addresses, "canary.html"]]
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files], capture_output=True, text=True, timeout=240)
    messages = json.loads(result.stdout)["messages"]
    assert any(PurePosixPath(message.get("url", "")).name == "canary.html" for message in messages), "vnu.jar did not check the files"
    errors = []
    for message in messages:
        file_name = PurePosixPath(message.get("url", "")).name
        if message["type"] != "info" and file_name != "canary.html":
            errors.append(f"{addresses.get(file_name)}: line {message.get('lastLine', '?')}: {message['message']}\n    {message.get('extract', '').strip()}")
    assert not errors, "The Nu HTML Checker found errors:\n" + "\n".join(errors)
