"""Front-end packages come from npm (package.json), pinned, and Django serves them; nothing is vendored."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from kesu.web.finders import VENDOR_FILES

ROOT = Path(settings.BASE_DIR)


def test_the_packages_are_pinned_in_package_json():
    dependencies = json.loads((ROOT / "package.json").read_text())["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())

    assert set(dependencies) == {"htmx.org", "bootstrap", "echarts", "altcha"}
    for name, version in dependencies.items():
        assert version[0].isdigit(), f"{name} is not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version


def test_the_pages_assets_are_found_in_node_modules():
    for path, source in VENDOR_FILES.items():
        assert finders.find(path) == str(ROOT / "node_modules" / source)


def test_no_front_end_library_is_copied_into_the_repository():
    static = ROOT / "kesu" / "web" / "static"
    names = {path.name for path in static.rglob("*") if path.is_file()}

    assert not {"htmx.min.js", "bootstrap.min.css", "bootstrap.bundle.min.js", "echarts.min.js"} & names
    assert all(path.stat().st_size < 20_000 for path in static.rglob("*") if path.is_file())


def test_pages_load_no_asset_from_another_site(page, assigned):
    for path in ["/", "/intake/", "/complaints/", f"/complaints/{assigned.number}/", "/sign-in/"]:
        html = page("agent").get(path).content.decode()
        assert "cdn" not in html.lower()
        assert 'src="http' not in html
        assert 'href="http' not in html


def test_the_live_server_serves_the_vendor_files(live_server):
    import urllib.request

    for path in VENDOR_FILES:
        with urllib.request.urlopen(f"{live_server.url}/static/{path}") as response:
            assert response.status == 200
