from django.http import Http404
from ninja import Router, Schema

from kesu.accounts.auth import integration_key, staff_token
from kesu.processes.models import Process

router = Router(tags=["processes"], auth=[staff_token, integration_key])


class ProcessOut(Schema):
    name: str
    version: int
    label: str
    is_default: bool
    document: dict


@router.get("", response=list[ProcessOut], summary="The current version of every process")
def list_processes(request):
    newest = {}
    for process in Process.objects.order_by("name", "-version"):
        newest.setdefault(process.name, process)
    return list(newest.values())


@router.get(
    "/{name}", response=ProcessOut, summary="The current version of one process, with its categories and fields"
)
def get_process(request, name: str):
    process = Process.objects.current(name)
    if process is None:
        raise Http404
    return process
