"""/api/v1/processes: the current version of each process, for staff and channel integrations; and,
for the admin role, every version, loading a new one and choosing the default. Thin: the services
in kesu.processes.services validate and load, as the `process_import` command does."""

import datetime as dt
import json

from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kesu.accounts.auth import integration_key, staff_token
from kesu.accounts.config_api import configurer
from kesu.complaints.models import Complaint
from kesu.lib.errors import FieldError
from kesu.processes.models import Process
from kesu.processes.services import process_export, process_load, process_make_default, process_parse, process_validate

router = Router(tags=["processes"], auth=[staff_token, integration_key])


class ProcessOut(Schema):
    name: str
    version: int
    label: str
    is_default: bool
    document: dict


class VersionOut(Schema):
    version: int
    label: str
    loaded_at: dt.datetime
    complaints: int = Field(description="Complaints started under this version: they keep its rules.")


class ProcessVersionsOut(Schema):
    name: str
    label: str = Field(description="The current version's.")
    is_default: bool = Field(description="New complaints that name no process follow this one.")
    current: int
    versions: list[VersionOut] = Field(description="Newest first.")


class VersionDocumentOut(Schema):
    name: str
    version: int
    label: str
    is_default: bool
    loaded_at: dt.datetime
    document: dict


class LoadIn(Schema):
    default: bool = Field(default=False, description="Also make it the default process.")


class DocumentFormatIn(Schema):
    format: str = Field(default="json", pattern=r"^(json|yaml)$", description="`yaml`: the document alone, as YAML.")


DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "description": "The process document, as `process_export` writes it (YAML) or as JSON.",
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@router.get("", response=list[ProcessOut], summary="The current version of every process")
def list_processes(request):
    newest = {}
    for process in Process.objects.order_by("name", "-version"):
        newest.setdefault(process.name, process)
    return list(newest.values())


# These come before /{name}, which would take "versions" for a name.


@router.get("/versions", response=list[ProcessVersionsOut], auth=staff_token, summary="Every process with its versions")
def list_versions(request):
    configurer(request)
    counts = dict(Complaint.objects.values_list("process_id").annotate(Count("id")).order_by())
    processes = {}
    for version in Process.objects.defer("document").order_by("name", "-version"):
        entry = processes.setdefault(version.name, _process_entry(version))
        entry["versions"].append(_version_out(version, counts.get(version.pk, 0)))
    return list(processes.values())


@router.post(
    "/versions",
    response={200: VersionDocumentOut, 201: VersionDocumentOut},
    auth=staff_token,
    openapi_extra=DOCUMENT_BODY,
    summary="Load a new version of a process (201), or the same version unchanged again (200)",
)
def load_version(request, options: Query[LoadIn]):
    configurer(request)
    document = _document(request)
    loaded_before = Process.objects.filter(name=document.name, version=document.version).exists()
    process = process_load(document=document, make_default=options.default)
    return Status(200 if loaded_before else 201, _version_document(Process.objects.get(pk=process.pk)))


@router.get(
    "/{name}", response=ProcessOut, summary="The current version of one process, with its categories and fields"
)
def get_process(request, name: str):
    process = Process.objects.current(name)
    if process is None:
        raise Http404
    return process


@router.get(
    "/{name}/versions/{int:version}",
    response=VersionDocumentOut,
    auth=staff_token,
    summary="One version of a process with its document (`?format=yaml`: the document as YAML)",
)
def get_version(request, name: str, version: int, options: Query[DocumentFormatIn]):
    configurer(request)
    process = get_object_or_404(Process, name=name, version=version)
    if options.format == "yaml":
        return HttpResponse(process_export(process), content_type="application/yaml; charset=utf-8")
    return _version_document(process)


@router.post(
    "/{name}/default",
    response=VersionDocumentOut,
    auth=staff_token,
    summary="Make this process the default: intakes that name no process follow its current version",
)
def make_default(request, name: str):
    configurer(request)
    process = Process.objects.current(name)
    if process is None:
        raise Http404
    process_make_default(process=process)
    return _version_document(Process.objects.get(pk=process.pk))


def _document(request):
    """The body as a validated process document: JSON when the request says so, else YAML."""
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError:
        raise FieldError("document", _("The document must be UTF-8 text.")) from None
    if request.content_type != "application/json":
        return process_parse(text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise FieldError("body", _("The request body is not valid JSON.")) from None
    return process_validate(data)


def _process_entry(current: Process) -> dict:
    return {
        "name": current.name,
        "label": current.label,
        "is_default": current.is_default,
        "current": current.version,
        "versions": [],
    }


def _version_out(process: Process, complaints: int) -> dict:
    return {
        "version": process.version,
        "label": process.label,
        "loaded_at": process.loaded_at,
        "complaints": complaints,
    }


def _version_document(process: Process) -> dict:
    return {
        "name": process.name,
        "version": process.version,
        "label": process.label,
        "is_default": process.is_default,
        "loaded_at": process.loaded_at,
        "document": process.document,
    }
