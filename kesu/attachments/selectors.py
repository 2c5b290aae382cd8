from django.db.models import QuerySet
from django.http import Http404

from kesu.attachments.models import Attachment
from kesu.complaints.models import Complaint
from kesu.complaints.selectors import complaints_visible_to


def complaint_attachments(complaint: Complaint) -> QuerySet[Attachment]:
    return complaint.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")


def attachment_for_user(attachment_id: int, user) -> Attachment:
    """The attachment if `user` may see its complaint, else 404."""
    attachment = (
        Attachment.objects.select_related("complaint")
        .filter(pk=attachment_id, complaint__in=complaints_visible_to(user))
        .first()
    )
    if attachment is None:
        raise Http404
    return attachment
