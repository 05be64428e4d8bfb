"""Apps depend one way (DESIGN.md, "Architecture"; samenhuis/start.py): a lower app never imports a
higher one. Where a lower page shows something of a higher app, the higher app registers it
(samenhuis/start.py's hook names, community's signals). Read from the source, so a new upward
import, or a template linking to a higher app's URL, fails here whether or not a test reaches it.
Migrations are history and are not read."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first. `samenhuis` is the project package (settings, URLs, routing, shared helpers):
# every app may use its helpers, and it wires the apps together, so it is not in the order.
LAYERS = ["realtime", "community", "knowledge", "events", "rooms", "intervision", "exchange", "search", "privacy"]
# The one known exception, left for a later issue (see docs/realtime.md, "The delivery core"):
# the life domains are knowledge's vocabulary, and community's profiles, organisations and forms
# are tagged with them. Moving the vocabulary below community is a model move of its own.
ALLOWED = {("community", "knowledge.models")}


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def upward_imports(app: str) -> list[str]:
    rank = LAYERS.index(app)
    higher = LAYERS[rank + 1 :]
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, module in imports_of(path):
            top = module.split(".")[0]
            if top in higher and not any(app == lower and module.startswith(prefix) for lower, prefix in ALLOWED):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return wrong


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_a_higher_one(app):
    assert upward_imports(app) == []


URL_TAG = re.compile(r"""{%\s*url\s+['"]([\w-]+):""")


def url_namespace_apps() -> dict[str, str]:
    """Each URL namespace and the app whose URL module defines it."""
    from django.urls import get_resolver

    return {
        namespace: getattr(resolver.urlconf_module, "__name__", str(resolver.urlconf_name)).split(".")[0]
        for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items()
    }


def upward_links(app: str) -> list[str]:
    """Templates of `app` that name a higher app's URL (`{% url 'rooms:…' %}`): a page of a lower
    app links to a higher one only through what the higher app registers."""
    higher, owners, wrong = LAYERS[LAYERS.index(app) + 1 :], url_namespace_apps(), []
    for path in sorted((ROOT / app).rglob("*.html")):
        for match in URL_TAG.finditer(path.read_text()):
            if owners.get(match.group(1)) in higher:
                wrong.append(f"{path.relative_to(ROOT)} links to {match.group(1)}:")
    return wrong


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_template_links_to_a_higher_app(app):
    assert upward_links(app) == []


def test_the_check_sees_an_upward_link(tmp_path, monkeypatch):
    (tmp_path / "community" / "templates").mkdir(parents=True)
    (tmp_path / "community" / "templates" / "bad.html").write_text("<a href=\"{% url 'rooms:rooms' %}\">x</a>")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_links("community") == ["community/templates/bad.html links to rooms:"]


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    """The check itself: a module of a lower app that imports a higher one is reported."""
    (tmp_path / "realtime").mkdir()
    (tmp_path / "realtime" / "bad.py").write_text("from rooms.models import Room\nimport search.index\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert upward_imports("realtime") == [
        "realtime/bad.py:1 imports rooms.models",
        "realtime/bad.py:2 imports search.index",
    ]


def test_every_project_app_is_placed():
    from django.apps import apps

    ours = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
    assert ours - {"samenhuis"} == set(LAYERS)
