from kesu.processes.models import Process


def portal_processes() -> list[Process]:
    """The processes the portal offers: the current version of each that takes the web or app channel."""
    names = sorted(set(Process.objects.values_list("name", flat=True)))
    current = (Process.objects.current(name) for name in names)
    return [process for process in current if process.spec.portal_channels()]


def portal_process(name: str) -> Process | None:
    process = Process.objects.current(name)
    return process if process is not None and process.spec.portal_channels() else None
