"""The customer portal's pages: no staff account, mobile first. Each view is thin: the services
check and do; the views read the form, call, and show the answer (a refusal on its field, in the
customer's language, with its 4xx status)."""

import datetime as dt
from functools import wraps

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kesu.complaints.models import Complaint
from kesu.complaints.services.customer_side import complaint_customer_answers_plan
from kesu.lib.errors import DomainError
from kesu.portal import services
from kesu.portal.challenge import challenge_new
from kesu.portal.codes import codes_available
from kesu.portal.forms import CodeForm, LookupForm, PlanAnswerForm, ReplyForm, SubmitForm
from kesu.portal.links import tracking_path, tracking_token_valid
from kesu.portal.presenters import tracking_context
from kesu.portal.privacy import notice_in_force
from kesu.portal.selectors import portal_process, portal_processes
from kesu.portal.throttle import Limit, throttle_hit

SESSION_NUMBERS = "portal_numbers"
SESSION_LOOKUP = "portal_lookup"


def client_address(request) -> str:
    """The customer's address: the peer's, or the one the trusted proxies in front of Kesu name."""
    if settings.TRUSTED_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.TRUSTED_PROXIES:
            return forwarded[-settings.TRUSTED_PROXIES]
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(view):
    """Every page of the portal counts against the address's hourly allowance (a crawler or a script
    hammering it gets 429s); the steps that matter have tighter limits of their own."""

    @wraps(view)
    def limited(request, *args, **kwargs):
        allowance = Limit(settings.PORTAL_REQUESTS_PER_ADDRESS_HOUR, dt.timedelta(hours=1))
        if not throttle_hit(f"portal-address:{client_address(request)}", allowance):
            return render(request, "portal/too_many.html", status=429)
        return view(request, *args, **kwargs)

    return limited


def _refused(form, error: DomainError) -> int:
    form.add_domain_error(error)
    return error.status


def portal_home(request):
    processes = portal_processes()
    if len(processes) == 1:
        return redirect("portal:submit", process=processes[0].name)
    return render(request, "portal/home.html", {"processes": processes})


@require_GET
@never_cache
def challenge(request):
    """A new proof-of-work challenge for the widget."""
    return JsonResponse(challenge_new())


def privacy(request):
    return render(request, "portal/privacy.html", {"notice": notice_in_force()})


@csrf_exempt  # anonymous, and sent from other sites' frames too: the proof-of-work and limits guard it
@never_cache
def submit(request, process: str, embedded: bool = False):
    found = portal_process(process)
    if found is None:
        raise Http404
    channel = request.GET.get("channel", "")
    channel = channel if channel in found.spec.portal_channels() else found.spec.portal_channels()[0]
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST, request.FILES, spec=found.spec)
        try:
            services.submission_allowed(client_address(request))
        except DomainError as error:
            status = _refused(form, error)
        else:
            if form.is_valid():
                try:
                    complaint = services.portal_submit(_submission(request, form, found, channel))
                except DomainError as error:
                    status = _refused(form, error)
                else:
                    return _acknowledged(request, complaint, embedded)
            else:
                status = 422
        form.data = form.data.copy()
        form.data["started"] = services.form_started_stamp()
    else:
        form = SubmitForm(spec=found.spec, initial={"started": services.form_started_stamp()})
    context = {
        "form": form,
        "process": found,
        "channel": channel,
        "notice": notice_in_force(),
        "embedded": embedded,
        "altcha_language": _altcha_language(),
    }
    return render(request, "portal/submit.html", context, status=status)


def _submission(request, form: SubmitForm, process, channel: str) -> services.Submission:
    data = form.cleaned_data
    return services.Submission(
        process=process,
        channel=channel,
        category=data["category"],
        description=data["description"],
        phone=data.get("phone", ""),
        email=data.get("email", ""),
        name=data.get("name", ""),
        demand=data.get("demand", ""),
        incident_at=data.get("incident_at"),
        incident_place=data.get("incident_place", ""),
        fields=form.field_values(),
        files=data.get("files") or [],
        language=(get_language() or "")[:10],
        challenge=request.POST.get("altcha", ""),
        code=data.get("code", ""),
        form_started=data["started"],
        honeypot=data.get("website", ""),
    )


def _acknowledged(request, complaint: Complaint, embedded: bool):
    if embedded:  # a frame on another site keeps no session: the page shows the private link to open
        context = {"complaint": complaint, "link": tracking_path(complaint.number)}
        return render(request, "portal/acknowledged_embedded.html", context)
    _remember(request, complaint.number)
    return redirect(tracking_path(complaint.number) + "?new=1")


@xframe_options_exempt
def embed(request, process: str):
    """The form a company puts in its own site or app (a frame); KESU_PORTAL_EMBED_ORIGINS says who may."""
    response = submit(request, process, embedded=True)
    origins = " ".join(settings.PORTAL_EMBED_ORIGINS) or "'none'"
    response.frame_ancestors = f"'self' {origins}"  # kesu.lib.middleware.ContentSecurityPolicyMiddleware
    return response


@require_GET
def fields(request, process: str):
    """The process's own fields for the category the customer chose (asked by the form as it changes)."""
    found = portal_process(process)
    if found is None:
        raise Http404
    form = SubmitForm(spec=found.spec, category=request.GET.get("category", ""))
    return render(request, "portal/_fields.html", {"form": form})


@require_POST
@csrf_exempt
def submission_code(request, process: str):
    """Send the code a process asks for before it takes a complaint (the form's "send code" button)."""
    found = portal_process(process)
    if found is None or not found.spec.portal.sms_code:
        raise Http404
    context, status = {}, 200
    try:
        services.submission_code_send(
            phone=request.POST.get("phone", ""),
            challenge=request.POST.get("altcha", ""),
            address=client_address(request),
        )
        context["sent"] = True
    except DomainError as error:
        context["error"], status = error.message, error.status
    return render(request, "portal/_code_sent.html", context, status=status)


# ---- following a complaint -------------------------------------------------------------------


def _remember(request, number: str) -> None:
    numbers = request.session.get(SESSION_NUMBERS, [])
    if number not in numbers:
        request.session[SESSION_NUMBERS] = [*numbers, number][-20:]


@never_cache
def lookup(request):
    """Find a complaint by its number and the mobile number given: a code goes to that phone."""
    form, status = LookupForm(request.POST or None), 200
    if request.method == "POST":
        try:
            if form.is_valid():
                services.tracking_code_request(
                    number=form.cleaned_data["number"],
                    phone=form.cleaned_data["phone"],
                    challenge=request.POST.get("altcha", ""),
                    address=client_address(request),
                )
                request.session[SESSION_LOOKUP] = form.cleaned_data["number"].strip().upper()
                return redirect("portal:lookup_code")
            status = 422
        except DomainError as error:
            status = _refused(form, error)
    context = {"form": form, "available": codes_available(), "altcha_language": _altcha_language()}
    return render(request, "portal/lookup.html", context, status=status)


@never_cache
def lookup_code(request):
    number = request.session.get(SESSION_LOOKUP)
    if not number:
        return redirect("portal:lookup")
    form, status = CodeForm(request.POST or None), 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint = services.tracking_code_check(number=number, code=form.cleaned_data["code"])
            except DomainError as error:
                status = _refused(form, error)
            else:
                _remember(request, complaint.number)
                del request.session[SESSION_LOOKUP]
                return redirect("portal:track", number=complaint.number)
        else:
            status = 422
    return render(request, "portal/lookup_code.html", {"form": form, "number": number}, status=status)


@never_cache
def track(request, number: str, token: str = ""):
    """The customer's page of their complaint, opened by the private link or after a code."""
    complaint = _tracked(request, number, token)
    if complaint is None:
        return redirect("portal:lookup")
    reply_form, answer_form, status = ReplyForm(), PlanAnswerForm(), 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reply":
            reply_form = ReplyForm(request.POST, request.FILES)
            status = _reply(reply_form, complaint)
        elif action == "answer":
            answer_form = PlanAnswerForm(request.POST)
            status = _answer(answer_form, complaint)
        if status == 200:
            return redirect(request.path + "?done=" + action)
    context = {
        **tracking_context(complaint),
        "reply_form": reply_form,
        "answer_form": answer_form,
        "new": request.GET.get("new") == "1",
        "done": request.GET.get("done", ""),
        "link": tracking_path(complaint.number),
    }
    return render(request, "portal/track.html", context, status=status)


def _tracked(request, number: str, token: str) -> Complaint | None:
    if token:
        if not tracking_token_valid(number, token):
            raise Http404
    elif number not in request.session.get(SESSION_NUMBERS, []):
        return None
    complaint = Complaint.objects.select_related("process").filter(number=number).first()
    if complaint is None:
        raise Http404
    return complaint


def _reply(form: ReplyForm, complaint: Complaint) -> int:
    if not form.is_valid():
        return 422
    try:
        services.portal_reply(complaint=complaint, text=form.cleaned_data["text"], files=form.cleaned_data["files"])
    except DomainError as error:
        return _refused(form, error)
    return 200


def _answer(form: PlanAnswerForm, complaint: Complaint) -> int:
    if not form.is_valid():
        return 422
    try:
        complaint_customer_answers_plan(
            complaint=complaint, accepted=form.cleaned_data["answer"] == "accept", note=form.cleaned_data["note"]
        )
    except DomainError as error:
        return _refused(form, error)
    return 200


def _altcha_language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-cn"
