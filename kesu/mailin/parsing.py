"""Reading a raw mail: headers and text decoded right (GB labels as gb18030), quoted text cut off.

Chinese mail clients label text `gb2312` but write GBK or GB18030 characters (镕, 喆, 堃), which
a strict gb2312 decoder drops or replaces; every GB label is therefore read as gb18030, its superset,
part by part here (never by changing Python's codec aliases for the whole process).
"""

import email
import email.header
import email.policy
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage

from mailparser_reply import EmailReplyParser

_CHARSETS = {
    **dict.fromkeys(
        (
            "gb2312",
            "gbk",
            "x-gbk",
            "x_gbk",
            "cp936",
            "ms936",
            "euc-cn",
            "euc_cn",
            "x-euc-cn",
            "eucgb2312_cn",
            "csgb2312",
            "gb_2312-80",
            "gb_2312_80",
            "chinese",
            "gb18030",
        ),
        "gb18030",
    ),
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
}
_SEPARATOR = re.compile(r"^[\s\-_=*>]*((原始邮件|回复的原邮件|Original Message|Forwarded message)[\s\-_=*]*)?$", re.I)


@dataclass
class Attachment:
    name: str
    content: bytes


@dataclass
class ParsedMail:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    body: str
    in_reply_to: list[str]
    loop_reason: str
    date: object = None
    attachments: list[Attachment] = field(default_factory=list)


def codec_for(label: str | None) -> str:
    label = (label or "").strip().strip('"').lower()
    return _CHARSETS.get(label, label or "utf-8")


def decode_bytes(data: bytes, label: str | None) -> str:
    for codec in (codec_for(label), "utf-8", "gb18030"):
        try:
            return data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_header(raw: str | None) -> str:
    """An RFC 2047 header value, each encoded word read with its charset mapped as above."""
    if not raw:
        return ""
    text = re.sub(r"\r?\n[ \t]+", " ", str(raw))
    try:
        parts = email.header.decode_header(text)
    except Exception:  # a malformed encoded word: keep it as it is
        return text.strip()
    out = []
    for value, charset in parts:
        out.append(decode_bytes(value, charset) if isinstance(value, bytes) else value)
    return "".join(out).strip()


def part_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


def _raw_header(msg: EmailMessage, name: str) -> str:
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return value
    return ""


def loop_reason(msg: EmailMessage) -> str:
    """Why this mail is an auto-reply or a bounce that must not become a complaint ("" if it is not)."""
    auto = (_raw_header(msg, "Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = (_raw_header(msg, "Precedence") or "").strip().lower()
    if precedence in {"bulk", "junk", "list"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if _raw_header(msg, name):
            return name
    if msg.get_content_type() == "multipart/report" and (msg.get_param("report-type") or "").lower() == (
        "delivery-status"
    ):
        return "delivery-status report"
    if _raw_header(msg, "Return-Path").strip() == "<>":
        return "Return-Path: <>"
    return ""


def strip_quoted(text: str) -> str:
    """The new text of a reply: the quote cut off (Chinese and English clients), the separator too."""
    text = text.replace("\r\n", "\n")
    try:
        text = EmailReplyParser(languages=["zh", "en"]).parse_reply(text=text) or text
    except Exception:  # the parser is a heuristic: on trouble keep the whole text
        pass
    lines = text.rstrip().split("\n")
    while lines and _SEPARATOR.match(lines[-1]) and lines[-1].strip():
        lines.pop()
        while lines and not lines[-1].strip():
            lines.pop()
    return "\n".join(lines).strip()


def _html_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style).*?</\1>", "", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def header_hash(raw: bytes) -> str:
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    return "sha256:" + hashlib.sha256(head).hexdigest()


def parse(raw: bytes) -> ParsedMail:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = email.utils.parseaddr(decode_header(_raw_header(msg, "From")))
    message_id = (_raw_header(msg, "Message-ID") or "").strip()
    ids = re.findall(r"<[^<>\s]+>", f"{_raw_header(msg, 'In-Reply-To')} {_raw_header(msg, 'References')}")
    body_part = msg.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        body = part_text(body_part)
        if body_part.get_content_type() == "text/html":
            body = _html_text(body)
    attachments = []
    for part in msg.iter_attachments():
        content = part.get_payload(decode=True)
        if content:
            attachments.append(Attachment(name=decode_header(part.get_filename() or "") or "file", content=content))
    try:
        date = email.utils.parsedate_to_datetime(_raw_header(msg, "Date"))
    except (TypeError, ValueError):
        date = None
    return ParsedMail(
        message_id=message_id[:500] or header_hash(raw),
        sender=address.strip().lower(),
        sender_name=name.strip(),
        subject=decode_header(_raw_header(msg, "Subject")),
        body=strip_quoted(body),
        in_reply_to=ids,
        loop_reason=loop_reason(msg),
        date=date,
        attachments=attachments,
    )
