"""The setup page: the admin's first hour, step by step (company, processes, departments, posts,
staff, channels). Any step can be opened at any time; `/setup/` opens the first one not gone
through yet, so the admin can leave and come back. Only the admin role and superusers set up."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import Department, Seat, User
from kesu.accounts.roles import Role
from kesu.accounts.services import may_configure, staff_roles
from kesu.lib.errors import DomainError
from kesu.web import setup
from kesu.web.forms import PageForm, RowChoiceField

# ---- forms: they parse what the admin typed; kesu.web.setup decides ----------------------------


class CompanyForm(PageForm):
    company_name = forms.CharField(label=_("Company name"), max_length=200)


class ProcessesForm(PageForm):
    processes = forms.MultipleChoiceField(
        label=_("Processes"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["processes"].choices = [(name, name) for name in setup.TEMPLATES]


class DepartmentForm(PageForm):
    name = forms.CharField(label=_("Department name"), max_length=100)
    code = forms.CharField(
        label=_("Code (optional)"),
        max_length=50,
        required=False,
        help_text=_("A short Latin key for the API and the processes' rules; made for you if left empty."),
    )


class DepartmentNameForm(PageForm):
    department = RowChoiceField(queryset=Department.objects.all(), to_field_name="code", widget=forms.HiddenInput)
    name = forms.CharField(label=_("Department name"), max_length=100)


def _staff_choices():
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class PostForm(PageForm):
    key = forms.ChoiceField(label=_("Post"), choices=[])
    department = RowChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("Every department"),
    )
    holder = RowChoiceField(label=_("Holder"), queryset=_staff_choices())
    backup = RowChoiceField(label=_("Backup while the holder is away"), queryset=_staff_choices(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = setup.posts_named_by_processes()
        self.fields["holder"].queryset = self.fields["backup"].queryset = _staff_choices()


class StaffForm(PageForm):
    display_name = forms.CharField(label=_("Display name"), max_length=100)
    username = forms.CharField(
        label=_("Username"), max_length=150, help_text=_("What they type to sign in (letters, digits, . @ + - _).")
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Role.choices])
    department = RowChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label="—",
    )
    password = forms.CharField(
        label=_("Password (optional)"),
        required=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Left empty, Kesu makes one and shows it to you once."),
    )


# ---- the page ------------------------------------------------------------------------------------


def _require_configurer(user) -> None:
    if not may_configure(user):
        raise PermissionDenied


@login_required
def setup_page(request, step: str | None = None):
    _require_configurer(request.user)
    state = setup.setup_state()
    if step is None:
        step = "done" if state.finished_at else setup.setup_next_step(state)
    elif step not in setup.STEPS:
        raise Http404
    if request.method == "POST" and step in setup.STEPS:
        return _post(request, step)
    return _render(request, step)


def _post(request, step: str):
    form = request.POST.get("form", "")
    if form == "continue":
        state = setup.setup_step_done(actor=request.user, step=step)
        return redirect("web:setup") if state.finished_at and step == setup.STEPS[-1] else _next(step)
    handler = POSTS.get((step, form))
    if handler is None:
        raise Http404
    return handler(request)


def _next(step: str):
    return redirect("web:setup_step", step=setup.STEPS[setup.STEPS.index(step) + 1])


def _saved(request, step: str, message):
    messages.success(request, message)
    return redirect("web:setup_step", step=step)


def _post_company(request):
    form = CompanyForm(request.POST)
    if form.is_valid() and _run(
        form, setup.setup_name_company, actor=request.user, name=form.cleaned_data["company_name"]
    ):
        return _next("company")
    return _render(request, "company", status=422, company_form=form)


def _post_processes(request):
    form = ProcessesForm(request.POST)
    if form.is_valid() and _run(
        form, setup.setup_load_processes, actor=request.user, names=form.cleaned_data["processes"]
    ):
        return _next("processes")
    return _render(request, "processes", status=422, processes_form=form)


def _post_department(request):
    form = DepartmentForm(request.POST, prefix="new")
    data = form.cleaned_data if form.is_valid() else None
    if data and _run(form, setup.setup_add_department, actor=request.user, name=data["name"], code=data["code"]):
        return _saved(request, "departments", _("Department %(name)s added.") % {"name": data["name"]})
    return _render(request, "departments", status=422, department_form=form)


def _post_department_name(request):
    form = DepartmentNameForm(request.POST)
    data = form.cleaned_data if form.is_valid() else None
    if data and _run(
        form, setup.setup_name_department, actor=request.user, department=data["department"], name=data["name"]
    ):
        return _saved(request, "departments", _("Department %(name)s named.") % {"name": data["name"]})
    return _render(request, "departments", status=422, name_form=form)


def _post_post(request):
    form = PostForm(request.POST)
    data = form.cleaned_data if form.is_valid() else None
    if data and _run(
        form,
        setup.setup_set_post,
        actor=request.user,
        key=data["key"],
        department=data["department"],
        holder=data["holder"],
        backup=data["backup"],
    ):
        return _saved(
            request,
            "posts",
            _("%(post)s: %(holder)s.") % {"post": setup.post_name(data["key"]), "holder": data["holder"]},
        )
    return _render(request, "posts", status=422, post_form=form)


def _post_staff(request):
    form = StaffForm(request.POST)
    data = form.cleaned_data if form.is_valid() else None
    created = data and _run(form, setup.setup_add_staff, actor=request.user, **data)
    if not created:
        return _render(request, "staff", status=422, staff_form=form)
    user, password = created
    if password:
        return _saved(
            request,
            "staff",
            _("%(name)s added: they sign in as %(username)s with the password %(password)s (shown this once).")
            % {"name": user, "username": user.username, "password": password},
        )
    return _saved(
        request, "staff", _("%(name)s added: they sign in as %(username)s.") % {"name": user, "username": user.username}
    )


POSTS = {
    ("company", "company"): _post_company,
    ("processes", "processes"): _post_processes,
    ("departments", "department"): _post_department,
    ("departments", "department_name"): _post_department_name,
    ("posts", "post"): _post_post,
    ("staff", "staff"): _post_staff,
}


def _run(form: PageForm, service, **arguments):
    """The service's result (True when it returns nothing), or None with its refusal shown on the form."""
    try:
        result = service(**arguments)
    except DomainError as error:
        form.add_domain_error(error)
        return None
    return True if result is None else result


# ---- what each step shows ------------------------------------------------------------------------


def _render(request, step: str, *, status: int = 200, **forms):
    state = setup.setup_state()
    context = {
        "step": step,
        "steps": [
            {"key": key, "title": setup.STEP_TITLES[key], "done": key in state.steps_done, "number": number}
            for number, key in enumerate(setup.STEPS, start=1)
        ],
        "state": state,
        "next_step": setup.STEPS[setup.STEPS.index(step) + 1] if step in setup.STEPS[:-1] else None,
        "previous_step": setup.STEPS[setup.STEPS.index(step) - 1] if step in setup.STEPS[1:] else None,
        **STEP_CONTEXT.get(step, lambda request, state, forms: {})(request, state, forms),
    }
    return render(request, f"web/setup/{step}.html", context, status=status)


def _company(request, state, forms):
    return {"company_form": forms.get("company_form") or CompanyForm(initial={"company_name": state.company_name})}


def _processes(request, state, forms):
    return {"processes_form": forms.get("processes_form") or ProcessesForm(), "templates": setup.template_choices()}


def _departments(request, state, forms):
    departments = Department.objects.filter(is_active=True).order_by("name")
    departments = departments.annotate(staff=Count("members", filter=Q(members__is_active=True)))
    return {
        "department_form": forms.get("department_form") or DepartmentForm(prefix="new"),
        "name_form": forms.get("name_form"),
        "departments": [
            {"department": department, "needs_name": setup.department_needs_name(department)}
            for department in departments
        ],
    }


def _posts(request, state, forms):
    named = dict(setup.posts_named_by_processes())
    posts = Seat.objects.select_related("department", "primary", "backup").order_by("key")
    return {
        "post_form": forms.get("post_form") or PostForm(),
        "named_posts": named,
        "posts": [{"name": setup.post_name(post.key), "post": post} for post in posts],
    }


def _staff(request, state, forms):
    people = setup.staff_of_the_company()
    return {
        "staff_form": forms.get("staff_form") or StaffForm(),
        "people": [
            {"person": person, "roles": [Role(role).label for role in staff_roles(person)]} for person in people
        ],
    }


def _channels(request, state, forms):
    return {"channels": setup.channel_overview(request.user)}


STEP_CONTEXT = {
    "company": _company,
    "processes": _processes,
    "departments": _departments,
    "posts": _posts,
    "staff": _staff,
    "channels": _channels,
}
