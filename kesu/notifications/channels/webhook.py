# Being written: outgoing webhooks (Standard Webhooks).
class WebhookTransport:
    def available(self):
        return False
