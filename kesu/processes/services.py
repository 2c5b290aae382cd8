import copy
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.fields.json import KT
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from kesu.accounts.models import Department
from kesu.accounts.names import department_first_name
from kesu.lib.configuration import configuration, configuration_changed
from kesu.lib.errors import DomainError
from kesu.processes.document import Label, ProcessDocument
from kesu.processes.models import Process

LIBRARY = Path(__file__).parent / "library"


class InvalidProcess(DomainError):
    code = "invalid_process"


class VersionTaken(DomainError):
    status = 409
    code = "conflict"


def process_export(process: Process) -> str:
    """The process as a YAML document: edit it, raise the version, load it again."""
    return yaml.safe_dump(process.document, allow_unicode=True, sort_keys=False)


def template_names() -> list[str]:
    return sorted(path.stem for path in LIBRARY.glob("*.yaml"))


def process_parse(text: str) -> ProcessDocument:
    """A validated document from YAML text, or InvalidProcess saying where it is wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidProcess(
            _("The document is not valid YAML: %(error)s") % {"error": exc}, field="document"
        ) from None
    return process_validate(data)


def process_validate(data) -> ProcessDocument:
    """A validated document from its data (parsed YAML or JSON), or InvalidProcess naming the path
    in the document where it is wrong (`categories.0.findings`)."""
    try:
        return ProcessDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise InvalidProcess(f"{where}: {first['msg']}", field=where) from None


def process_existing_version(document: ProcessDocument) -> Process | None:
    """The stored version identical to `document`, or None if it would be new.

    InvalidProcess if it would change a stored version or go back behind the newest one:
    complaints that started under a version keep its rules for ever."""
    data = _stored_form(document)
    existing = Process.objects.filter(name=document.name, version=document.version).first()
    if existing:
        # Read the stored version as Kesu reads documents now: keys a newer Kesu added (with their
        # defaults) are no change to its rules.
        if _stored_form(ProcessDocument.model_validate(existing.document)) != data:
            raise InvalidProcess(
                _("Version %(version)d of %(name)s already exists with other rules; raise the version.")
                % {"version": document.version, "name": document.name},
                field="version",
            )
        return existing
    newest = Process.objects.current(document.name)
    if newest and newest.version > document.version:
        raise InvalidProcess(
            _("A newer version (%(version)d) is already loaded.") % {"version": newest.version}, field="version"
        )
    return None


def _stored_form(document: ProcessDocument) -> dict:
    return document.model_dump(mode="json", exclude_none=True)


@transaction.atomic
def process_load(*, document: ProcessDocument, make_default: bool = False) -> Process:
    """Store a document as a new version; loading the same version unchanged again is a no-op."""
    process = process_existing_version(document)
    if process is None:
        newest = Process.objects.current(document.name)
        try:
            with transaction.atomic():
                process = Process.objects.create(
                    name=document.name,
                    version=document.version,
                    label=document.label.zh,
                    document=_stored_form(document),
                    is_default=bool(newest and newest.is_default),
                )
        except IntegrityError:  # the same version loaded at the same moment by another caller
            raise VersionTaken(
                _("Version %(version)d of %(name)s was loaded meanwhile; read it and load again if needed.")
                % {"version": document.version, "name": document.name},
                field="version",
            ) from None
    if make_default or not Process.objects.filter(is_default=True).exists():
        process_make_default(process=process)
    _ensure_departments(
        {rule.department for rule in document.routing if rule.department}
        | {rule.department for rule in document.remedy_tasks.values()}
        | {task.department for category in document.categories for task in category.tasks}
        | {code for report in document.reports for code in report.departments()}
    )
    _check_hand_overs(document)
    return process


def _check_hand_overs(document: ProcessDocument) -> None:
    """A rule handing complaints over to a process already loaded names a category of it; a process
    not loaded yet is checked when the rule fires (`kesu.complaints.services.handover`)."""
    for index, rule in enumerate(document.routing):
        target = Process.objects.current(rule.process) if rule.hands_over else None
        if target is not None and target.spec.category(rule.category) is None:
            raise InvalidProcess(
                _("The process %(process)s has no category %(category)s.")
                % {"process": rule.process, "category": rule.category},
                field=f"routing.{index}.category",
            )


def _ensure_departments(codes: set[str]) -> None:
    """Departments the routing and the remedy tasks name exist (with their plain name, which an admin may change)."""
    existing = set(Department.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = sorted(codes - existing)
    Department.objects.bulk_create([Department(code=code, name=department_first_name(code)) for code in missing])
    configuration_changed()  # bulk_create sends no post_save


@transaction.atomic
def process_make_default(*, process: Process) -> None:
    Process.objects.exclude(name=process.name).update(is_default=False)
    Process.objects.filter(name=process.name).update(is_default=True)
    process.is_default = True
    configuration_changed()  # update sends no post_save


@transaction.atomic
def process_load_template(name: str, *, make_default: bool = False) -> Process:
    """Load a template of the library, and the templates it hands complaints over to that are not
    loaded yet (fresh_delivery: food_safety), after it, so they never become the default by chance."""
    path = LIBRARY / f"{name}.yaml"
    if not path.exists():
        raise InvalidProcess(
            _("Unknown process template %(name)s; choose one of: %(names)s")
            % {"name": name, "names": ", ".join(template_names())},
            field="process",
        )
    process = process_load(document=process_parse(path.read_text(encoding="utf-8")), make_default=make_default)
    targets = {rule.process for rule in process.spec.routing if rule.hands_over}
    missing = [target for target in sorted(targets) if Process.objects.current(target) is None]
    for target in missing:
        if (LIBRARY / f"{target}.yaml").exists():
            process_load_template(target)
    if missing:
        _check_hand_overs(process.spec)
    return process


def process_choices() -> list[tuple[str, str]]:
    """(name, display name in the reader's language) of every process, by display name: the label of its
    newest version."""
    newest: dict[str, Process] = {}
    for process in Process.objects.defer("document").order_by("name", "-version"):
        newest.setdefault(process.name, process)
    return sorted(((name, str(process.spec.label)) for name, process in newest.items()), key=lambda item: item[1])


def with_process_titles(queryset: QuerySet, name_field: str) -> QuerySet:
    """`queryset` with `process_title_zh` and `process_title_en` on each row: the label of the newest version
    of the process the row names in `name_field`, read with the rows (a list shows dozens)."""
    newest = Process.objects.filter(name=OuterRef(name_field)).order_by("-version")
    titles = {
        f"process_title_{language}": Subquery(newest.values(title=KT(f"document__label__{language}"))[:1])
        for language in ("zh", "en")
    }
    return queryset.annotate(**titles)


def process_title(row, name: str) -> str:
    """The title `with_process_titles` read for `row`, in the reader's language; the name of a process
    not loaded."""
    if row.process_title_zh is None:
        return name
    return str(Label(zh=row.process_title_zh, en=row.process_title_en))


def default_process() -> Process | None:
    return Process.objects.defer("document").filter(is_default=True).order_by("-version").first()


def intake_process(name: str | None) -> Process | None:
    """The version new complaints of process `name` (None: of the default process) start under,
    from the worker's configuration cache (`kesu.lib.configuration`): a copy of its own per caller."""
    process = configuration(("process", name), lambda: Process.objects.current(name) if name else default_process())
    return copy.copy(process)
