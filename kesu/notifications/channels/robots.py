# Being written: group robots (WeCom, DingTalk, Feishu).
class WeComRobot:
    def available(self):
        return False


DingTalkRobot = FeishuBot = WeComRobot
