"""Adding an attachment: its type read from its content, its size limited, the timeline told."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.attachments.models import Attachment
from kesu.attachments.services import attachment_add, sniff_content_type
from kesu.complaints import services
from kesu.complaints.models import EventKind
from kesu.complaints.services.intake import CustomerIn, Intake
from kesu.conftest import PNG
from kesu.lib.errors import FieldError

MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 64
M4A = b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 64
MP3 = b"ID3\x03\x00" + b"\x00" * 64


@pytest.mark.parametrize(
    "head, content_type",
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (MP4, "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (M4A, "audio/mp4"),
        (MP3, "audio/mpeg"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"#!AMR\n", "audio/amr"),
        (b"%PDF-1.7", "application/pdf"),
        (b"<html><script>", None),
        (b"MZ\x90\x00", None),
    ],
)
def test_the_type_is_read_from_the_content(head, content_type):
    assert sniff_content_type(head) == content_type


@pytest.fixture
def complaint(staff, call_center):
    intake = Intake(
        channel="phone", customer=CustomerIn(phone="13812345678"), category="product_quality", description="充电宝发烫"
    )
    return services.complaint_create(intake=intake, actor=staff["agent"])


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_an_attachment_is_stored_under_its_own_name_and_told_on_the_timeline(complaint, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    attachment = attachment_add(
        complaint=complaint, actor=staff["handler"], upload=upload("现场.png", PNG), caption="熔化"
    )

    assert attachment.kind == "image"
    assert attachment.content_type == "image/png"
    assert attachment.name == "现场.png"
    assert attachment.file.name.endswith(".png") and "现场" not in attachment.file.name
    event = complaint.events.get(kind=EventKind.NOTE)
    assert event.text == "熔化"
    assert event.data["attachment"] == attachment.pk


def test_a_file_too_large_is_refused(complaint, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 50

    with pytest.raises(FieldError) as refused:
        attachment_add(complaint=complaint, actor=staff["handler"], upload=upload("a.mp4", MP4))

    assert refused.value.field == "file"
    assert not Attachment.objects.exists()


def test_an_empty_file_or_another_type_is_refused(complaint, staff):
    for content in (b"", b"MZ\x90\x00 an executable"):
        with pytest.raises(FieldError):
            attachment_add(complaint=complaint, actor=staff["handler"], upload=upload("a.png", content))
    assert not Attachment.objects.exists()
