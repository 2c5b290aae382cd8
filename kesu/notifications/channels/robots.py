"""Group robots: a department's or process's chat group is told through its robot's webhook address.

Each robot row carries its own address (with the key or token in it) and, if set, a signing secret;
the body is the delivery's markdown text, the subject its title. Every vendor takes about 20
messages a minute per robot, so Kesu keeps each robot within 20 a minute here (`hold_back`).

- WeCom group robot (企业微信群机器人): POST to `…/cgi-bin/webhook/send?key=…` a
  `{"msgtype": "markdown", "markdown": {"content": …}}`, the content at most 4096 bytes of UTF-8
  (longer text is cut on a character boundary, ending "…"). There is no signing secret. WeCom's
  markdown cannot mention anyone by mobile (only a text message can), so mobiles are not mentioned.
  Answers `{"errcode": 0, "errmsg": "ok"}`; 45009 is the rate limit; 93000 (invalid webhook address
  or key) and 93004 are final.
- DingTalk custom robot (钉钉自定义机器人): with a secret, `&timestamp=<ms>&sign=<sign>` is added to the
  address, the sign being the url-encoded base64 of HMAC-SHA256 keyed with the secret over
  "<timestamp>\\n<secret>". A markdown message with a title; the mobiles go to `at.atMobiles` and,
  as DingTalk requires, "@<mobile>" into the text. Answers `{"errcode": 0, "errmsg": "ok"}`; 130101
  (too fast: refused for 10 minutes) and 410100 are rate limits; 310000 (keyword, sign or IP check
  failed) and 300001 (invalid token) are final.
- Feishu/Lark custom bot (飞书自定义机器人): with a secret, the body carries `timestamp` (seconds) and
  `sign`, the base64 of HMAC-SHA256 keyed with "<timestamp>\\n<secret>" over nothing. An interactive
  card, the subject its header and the text one markdown element. Feishu mentions by user id, which
  Kesu does not know, so mobiles are not mentioned. Answers `{"code": 0, "msg": "success"}` (older
  ones `{"StatusCode": 0}`); 11232 is the rate limit; 19021 (sign check failed), 19022 (IP not
  allowed) and 19024 (keyword check failed) are final.

Any other nonzero code, a 5xx or an answer that is not the vendor's JSON is tried again; a 429
waits as `Retry-After` says (a minute without it). Unless KESU_WEBHOOK_ALLOW_PRIVATE, an address
must be https and public, as for webhooks.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus, urlsplit

from django.conf import settings

from kesu.notifications.channels import Outcome, http
from kesu.notifications.channels.webhook import private_address
from kesu.notifications.models import Delivery, Robot
from kesu.notifications.outbox import recently_sent

PER_MINUTE = 20
MINUTE = dt.timedelta(minutes=1)
WECOM_MAX_BYTES = 4096


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's `sign` parameter, already url-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu's `sign`: the key is "<timestamp>\\n<secret>", the message empty."""
    return base64.b64encode(hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()).decode()


def truncated(text: str, limit: int) -> str:
    """`text` in at most `limit` bytes of UTF-8, cut on a character boundary and ending "…" if cut."""
    if len(text.encode()) <= limit:
        return text
    return text.encode()[: limit - len("…".encode())].decode(errors="ignore") + "…"


def address_problem(url: str) -> str:
    """Why this robot address is refused, or ""."""
    scheme = urlsplit(url).scheme
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return "" if scheme in ("http", "https") else "only http and https addresses"
    if scheme != "https":
        return "only https addresses"
    if private_address(url):
        return "a private or loopback address is refused"
    return ""


def mentioned(delivery: Delivery) -> list[str]:
    return [str(mobile) for mobile in delivery.payload.get("mention_mobiles") or []]


class GroupRobot:
    """What the three robots share; a vendor says how to write its request and read its codes."""

    rate_limits: dict[str, float] = {}
    """The vendor's codes for "too fast" → seconds to wait."""
    permanent: frozenset[str] = frozenset()
    """The vendor's codes that the same request can never turn into a sent message."""

    def available(self) -> bool:
        return True

    def lane(self, delivery: Delivery) -> str:
        return f"robot:{delivery.robot_id}"

    def hold_back(self, delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
        """While the robot has had 20 messages in the last minute: until the 20th last leaves it."""
        if delivery.robot_id is None:
            return None
        sent = recently_sent(robot_id=delivery.robot_id, within=MINUTE, now=now)
        return sent[-PER_MINUTE] + MINUTE if len(sent) >= PER_MINUTE else None

    def send(self, delivery: Delivery) -> Outcome:
        robot = delivery.robot
        if robot is None or not robot.is_active:
            return Outcome(ok=False, error="the robot is deleted or disabled", permanent=True)
        problem = address_problem(robot.url)
        if problem:
            return Outcome(ok=False, error=problem, permanent=True)
        url, message = self.request(robot, delivery)
        answer = http.post(
            url,
            data=json.dumps(message, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        return answer if isinstance(answer, Outcome) else self.outcome_of(answer)

    def request(self, robot: Robot, delivery: Delivery) -> tuple[str, dict]:
        """The address to post to and the JSON body."""
        raise NotImplementedError

    def code_of(self, reply: dict) -> tuple[str, str] | None:
        """The vendor's code and message in its answer, or None if it is not the vendor's answer."""
        if "errcode" not in reply:
            return None
        return str(reply["errcode"]), str(reply.get("errmsg", ""))

    def outcome_of(self, answer: http.Answer) -> Outcome:
        status = str(answer.status)
        if answer.status == 429:
            return Outcome(ok=False, code=status, error="HTTP 429", retry_after=http.retry_after(answer) or 60)
        if answer.status >= 500:
            return Outcome(ok=False, code=status, error=f"HTTP {status}", retry_after=http.retry_after(answer))
        answered = self.code_of(answer.json())
        if answered is None:
            text = answer.body[:300].decode(errors="replace")
            return Outcome(ok=False, code=status, error=f"HTTP {status}, not the robot's answer: {text}")
        code, message = answered
        if code == "0":
            return Outcome(ok=True, code=code)
        return Outcome(
            ok=False,
            code=code,
            error=message[:1000] or code,
            retry_after=self.rate_limits.get(code),
            permanent=code in self.permanent,
        )


class WeComRobot(GroupRobot):
    rate_limits = {"45009": 60}
    permanent = frozenset({"93000", "93004"})

    def request(self, robot: Robot, delivery: Delivery) -> tuple[str, dict]:
        content = truncated(delivery.body, WECOM_MAX_BYTES)
        return robot.url, {"msgtype": "markdown", "markdown": {"content": content}}


class DingTalkRobot(GroupRobot):
    rate_limits = {"130101": 600, "410100": 60}
    permanent = frozenset({"310000", "300001"})

    def request(self, robot: Robot, delivery: Delivery) -> tuple[str, dict]:
        mobiles = mentioned(delivery)
        text = delivery.body + ("\n\n" + " ".join(f"@{mobile}" for mobile in mobiles) if mobiles else "")
        message = {
            "msgtype": "markdown",
            "markdown": {"title": delivery.subject or robot.name, "text": text},
            "at": {"atMobiles": mobiles, "isAtAll": False},
        }
        url = robot.url
        if robot.secret:
            timestamp = int(time.time() * 1000)
            joiner = "&" if urlsplit(url).query else "?"
            url += f"{joiner}timestamp={timestamp}&sign={dingtalk_sign(robot.secret, timestamp)}"
        return url, message


class FeishuBot(GroupRobot):
    rate_limits = {"11232": 60}
    permanent = frozenset({"19021", "19022", "19024"})

    def request(self, robot: Robot, delivery: Delivery) -> tuple[str, dict]:
        message = {}
        if robot.secret:
            timestamp = int(time.time())
            message = {"timestamp": str(timestamp), "sign": feishu_sign(robot.secret, timestamp)}
        message |= {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": delivery.subject or robot.name}},
                "elements": [{"tag": "markdown", "content": delivery.body}],
            },
        }
        return robot.url, message

    def code_of(self, reply: dict) -> tuple[str, str] | None:
        code = reply.get("code", reply.get("StatusCode"))
        if code is None:
            return None
        return str(code), str(reply.get("msg", reply.get("StatusMessage", "")))
