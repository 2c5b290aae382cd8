# Being written: SMS gateways (Aliyun, Tencent).
class SmsTransport:
    def available(self):
        return False
