"""Plain names for the codes the process templates give departments and posts.

A department a process's rules name is made with its name from here (an admin may rename it); a post
is always shown by its name. A code that is not here is shown as it is.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

DEPARTMENT_NAMES = {
    "customer_service": _("Customer service department"),
    "delivery": _("Delivery department"),
    "feedback_stats": _("Feedback statistics"),
    "finance": _("Finance department"),
    "frontline_service": _("Front-line service"),
    "logistics": _("Logistics department"),
    "management": _("Management department"),
    "marketing": _("Marketing department"),
    "product": _("Product department"),
    "production": _("Production department"),
    "project": _("Project department"),
    "purchasing": _("Purchasing department"),
    "quality": _("Quality department"),
    "sales": _("Sales department"),
    "service": _("Customer service centre"),
    "tech_support": _("Technical support department"),
    "technical": _("Technical department"),
    "warehouse": _("Warehouse department"),
}
"""The departments the library's templates name (routing, tasks, reports)."""

POST_NAMES = {
    "complaint_team_leader": _("Complaint team leader"),
    "customer_manager": _("Customer manager"),
    "department_head": _("Department head"),
    "department_manager": _("Department manager"),
    "department_supervisor": _("Department supervisor"),
    "general_manager": _("General manager"),
    "installation_lead": _("Installation lead"),
    "marketing_gm": _("Marketing general manager"),
    "production_manager": _("Production manager"),
    "production_qc": _("Production quality control"),
    "project_manager": _("Project manager"),
    "qc_manager": _("Quality control manager"),
    "quality_manager": _("Quality manager"),
    "sales_owner": _("Sales owner"),
    "service_director": _("Customer service director"),
}
"""The posts the library's templates name."""


def department_first_name(code: str) -> str:
    """The name a department made from a process's rules starts with: its plain name in the company's
    language (a department's name is the company's data, in one language), else its code."""
    if code not in DEPARTMENT_NAMES:
        return code
    with override(settings.LANGUAGE_CODE):
        return str(DEPARTMENT_NAMES[code])


def post_name(key: str) -> str:
    return str(POST_NAMES.get(key, key))
