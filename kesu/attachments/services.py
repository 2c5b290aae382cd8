"""Adding a file to a complaint: size and type checked from its content, the timeline told."""

import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kesu.attachments.models import Attachment, AttachmentKind
from kesu.complaints.models import Complaint, Event, EventKind
from kesu.lib.errors import FieldError

# The types we take, by what the file's first bytes say it is (never by its name or the browser's word).
ALLOWED_TYPES: dict[str, tuple[AttachmentKind, str]] = {
    "image/jpeg": (AttachmentKind.IMAGE, ".jpg"),
    "image/png": (AttachmentKind.IMAGE, ".png"),
    "image/gif": (AttachmentKind.IMAGE, ".gif"),
    "image/webp": (AttachmentKind.IMAGE, ".webp"),
    "video/mp4": (AttachmentKind.VIDEO, ".mp4"),
    "video/quicktime": (AttachmentKind.VIDEO, ".mov"),
    "video/webm": (AttachmentKind.VIDEO, ".webm"),
    "audio/mpeg": (AttachmentKind.AUDIO, ".mp3"),
    "audio/mp4": (AttachmentKind.AUDIO, ".m4a"),
    "audio/wav": (AttachmentKind.AUDIO, ".wav"),
    "audio/ogg": (AttachmentKind.AUDIO, ".ogg"),
    "audio/amr": (AttachmentKind.AUDIO, ".amr"),
    "application/pdf": (AttachmentKind.DOCUMENT, ".pdf"),
}

# What a browser shows inline; anything else is offered as a download.
INLINE_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
        "audio/mp4",
        "audio/wav",
        "audio/ogg",
        "application/pdf",
    }
)


def sniff_content_type(head: bytes) -> str | None:
    """The type of a file from its first bytes, among ALLOWED_TYPES; None if it is none of them."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand == b"qt  ":
            return "video/quicktime"
        return "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"#!AMR"):
        return "audio/amr"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def attachment_check(upload: UploadedFile) -> str:
    """The file's type, when Kesu takes it; a FieldError on `file` when it is empty, too large or of
    a type we do not take (asked before anything is written, e.g. by the portal)."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if not upload.size:
        raise FieldError("file", _("The file is empty."))
    if upload.size > limit:
        raise FieldError("file", _("The file is too large; at most %(limit)s.") % {"limit": filesizeformat(limit)})
    upload.seek(0)
    content_type = sniff_content_type(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise FieldError("file", _("Only photos, videos, sound recordings and PDF files can be attached."))
    return content_type


MAX_FILES_AT_ONCE = 5
"""Files sent together: with a complaint (the portal, the API, the intake page) or added at once."""


def attachments_check(files) -> list[str]:
    """The types of files sent together, at most MAX_FILES_AT_ONCE and each one Kesu takes; else a
    FieldError on `files` naming the file (asked before anything is written)."""
    if len(files) > MAX_FILES_AT_ONCE:
        raise FieldError("files", _("At most %(count)s files.") % {"count": MAX_FILES_AT_ONCE})
    types = []
    for upload in files:
        try:
            types.append(attachment_check(upload))
        except FieldError as error:
            raise FieldError("files", f"{upload.name}: {error.message}") from None
    return types


def is_photo(content_type: str) -> bool:
    return ALLOWED_TYPES[content_type][0] == AttachmentKind.IMAGE


def attachments_add(*, complaint: Complaint, actor, uploads, caption: str = "") -> list[Attachment]:
    """Files sent together: all checked first, then all added, or none."""
    attachments_check(uploads)
    with transaction.atomic():
        return [attachment_add(complaint=complaint, actor=actor, upload=upload, caption=caption) for upload in uploads]


def attachment_add(*, complaint: Complaint, actor, upload: UploadedFile, caption: str = "") -> Attachment:
    """Add a photo, video, call recording or PDF to the complaint; anyone who may see it may add one,
    and the customer (`actor` None) on the portal or by e-mail. Refused as `attachment_check` says."""
    content_type = attachment_check(upload)
    kind, extension = ALLOWED_TYPES[content_type]
    name = (upload.name or "file")[-200:]
    upload.name = f"{uuid.uuid4().hex}{extension}"
    with transaction.atomic():
        attachment = Attachment.objects.create(
            complaint=complaint,
            file=upload,
            name=name,
            content_type=content_type,
            kind=kind,
            size=upload.size,
            caption=caption.strip()[:200],
            uploaded_by=actor,
        )
        Event.objects.create(
            complaint=complaint,
            kind=EventKind.NOTE,
            actor=actor,
            text=attachment.caption or name,
            data={"attachment": attachment.pk, "name": name, "kind": kind, "size": attachment.size},
        )
    return attachment
