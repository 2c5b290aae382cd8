"""Serve the few files the pages use from the npm packages in node_modules (installed by `npm ci`)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage

# static path → file in node_modules. Versions are pinned in package.json.
VENDOR_FILES = {
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/bootstrap/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/altcha/altcha.i18n.min.js": "altcha/dist/main/altcha.i18n.min.js",
}


class NodeModulesFinder(BaseFinder):
    def _source(self, path: str) -> Path | None:
        relative = VENDOR_FILES.get(path)
        return Path(settings.NODE_MODULES_DIR) / relative if relative else None

    def check(self, **kwargs):
        missing = [path for path in VENDOR_FILES if not self._source(path).exists()]
        if missing:
            return [
                CheckWarning(
                    "The front-end packages are not installed: run `npm ci` (make setup does).",
                    hint=f"missing: {', '.join(missing)}",
                    id="kesu.W001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        source = self._source(path)
        if source is None or not source.exists():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for path in VENDOR_FILES:
            source = self._source(path)
            if source.exists():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = str(Path(path).parent)
                yield source.name, storage
