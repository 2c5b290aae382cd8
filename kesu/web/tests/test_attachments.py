"""Attachments on the complaint page: uploaded in place, refused in place, shown inline where the browser can."""

from django.core.files.uploadedfile import SimpleUploadedFile

from kesu.attachments.models import Attachment
from kesu.attachments.services import attachment_add
from kesu.complaints.models import EventKind
from kesu.conftest import PNG
from kesu.web.tests.conftest import htmx

MP3 = b"ID3\x03\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_photo_is_attached_and_told_on_the_timeline(page, assigned, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = htmx(
        page("handler"),
        "post",
        f"/complaints/{assigned.number}/attachments/",
        {"file": upload("现场照片.png", PNG, "image/png"), "caption": "充电宝外壳熔化"},
    )

    attachment = Attachment.objects.get()
    assert response.status_code == 200
    assert attachment.kind == "image"
    assert attachment.name == "现场照片.png"
    assert not attachment.file.name.endswith("现场照片.png")  # stored under a name of our own
    event = assigned.events.get(kind=EventKind.NOTE)
    assert event.data["attachment"] == attachment.pk
    html = response.content.decode()
    assert f'<img class="img-fluid mt-1 rounded" loading="lazy" src="/attachments/{attachment.pk}/"' in html


def test_a_file_of_another_type_is_refused_in_place(page, assigned, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = htmx(
        page("handler"),
        "post",
        f"/complaints/{assigned.number}/attachments/",
        {"file": upload("photo.png", b"<html><script>alert(1)</script>", "image/png")},
    )

    assert response.status_code == 422
    assert 'id="id_file-errors"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_file_is_served_only_to_those_who_may_see_the_complaint(page, assigned, staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    recording = attachment_add(complaint=assigned, actor=staff["handler"], upload=upload("通话录音.mp3", MP3))
    amr = attachment_add(complaint=assigned, actor=staff["handler"], upload=upload("录音.amr", b"#!AMR\n" + b"\0" * 9))

    inline = page("agent").get(f"/attachments/{recording.pk}/")
    download = page("agent").get(f"/attachments/{amr.pk}/")

    assert inline.status_code == 200
    assert inline["Content-Type"] == "audio/mpeg"
    assert inline["X-Content-Type-Options"] == "nosniff"
    assert inline["Content-Disposition"].startswith("inline")
    assert download["Content-Disposition"].startswith("attachment")
    assert page("logistics_clerk").get(f"/attachments/{recording.pk}/").status_code == 404
    html = page("agent").get(f"/complaints/{assigned.number}/").content.decode()
    assert f'<audio class="w-100 mt-1" controls preload="metadata" src="/attachments/{recording.pk}/">' in html
