"""Webhooks reach the company's system signed as Standard Webhooks says (checked here by hand)."""

import base64
import datetime as dt
import hashlib
import hmac

from werkzeug import Response

from kesu.notifications.models import Delivery, WebhookEndpoint
from kesu.notifications.outbox import deliveries_enqueue, outbox_send
from kesu.notifications.webhooks import webhook_endpoint_create, webhook_secret_rotate


def expected_signature(secret: str, request) -> str:
    """The spec: base64(HMAC-SHA256(base64-decoded key, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + request.data
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def enqueue(endpoint: WebhookEndpoint, key: str = "evt-1") -> Delivery:
    body = {"type": "complaint.resolved", "timestamp": "2026-12-02T08:00:00+08:00", "data": {"number": "KS1"}}
    deliveries_enqueue(
        [
            Delivery(
                channel="webhook",
                recipient=endpoint.url,
                kind="complaint.resolved",
                payload=body,
                idempotency_key=key,
                endpoint=endpoint,
            )
        ]
    )
    return Delivery.objects.get(idempotency_key=key)


def test_a_webhook_is_signed_and_verified_by_the_receiver(db, httpserver):
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    seen = []

    def receiver(request):
        seen.append(request.headers["webhook-signature"])
        ok = request.headers["webhook-signature"] == expected_signature(endpoint.secret, request)
        return Response(status=204 if ok else 401)

    httpserver.expect_request("/hooks", method="POST").respond_with_handler(receiver)
    delivery = enqueue(endpoint)

    assert outbox_send() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.provider_ref) == ("sent", "evt-1")
    assert len(seen[0].split(" ")) == 1


def test_while_a_secret_is_rotated_both_sign_and_after_it_expires_only_the_new(db, httpserver):
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    old = endpoint.secret
    webhook_secret_rotate(endpoint=endpoint)
    seen = []

    def receiver(request):
        seen.append(request.headers["webhook-signature"].split(" "))
        return Response(status=200)

    httpserver.expect_request("/hooks").respond_with_handler(receiver)
    enqueue(endpoint, "during")
    outbox_send()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=endpoint.previous_secret_expires_at - dt.timedelta(days=2)
    )
    enqueue(endpoint, "after")
    outbox_send()

    assert [len(signatures) for signatures in seen] == [2, 1]
    assert old != endpoint.secret


def test_a_410_disables_the_endpoint_and_later_deliveries_fail_as_disabled(db, httpserver):
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    httpserver.expect_request("/hooks").respond_with_data("", status=410)
    enqueue(endpoint, "first")
    outbox_send()
    enqueue(endpoint, "second")
    outbox_send()

    endpoint.refresh_from_db()
    assert endpoint.is_active is False
    assert list(Delivery.objects.order_by("pk").values_list("status", "last_error")) == [
        ("failed", "410 Gone: the endpoint asked to be disabled"),
        ("failed", "endpoint disabled"),
    ]


def test_a_busy_receiver_is_tried_again_as_retry_after_asks_with_the_same_id(db, httpserver):
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    httpserver.expect_oneshot_request("/hooks").respond_with_data("", status=503, headers={"Retry-After": "600"})
    delivery = enqueue(endpoint)

    outbox_send()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.tries.get().response_code) == ("pending", 1, "503")
    assert delivery.next_attempt_at - delivery.tries.get().at >= dt.timedelta(seconds=600)


def test_a_redirect_is_not_followed(db, httpserver):
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    httpserver.expect_request("/hooks").respond_with_data("", status=302, headers={"Location": "http://10.0.0.1/"})
    delivery = enqueue(endpoint)

    outbox_send()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("pending", "HTTP 302")
    assert len(httpserver.log) == 1


def test_a_private_address_is_refused_unless_allowed(db, settings, httpserver):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    endpoint = webhook_endpoint_create(name="ERP", url=httpserver.url_for("/hooks"))
    delivery = enqueue(endpoint)

    outbox_send()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("failed", "a private or loopback address is refused")
    assert httpserver.log == []
