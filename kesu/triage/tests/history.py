"""A generated history of closed complaints for the retail process: each category has its own way of
being told, each department its categories, and urgent words raise the priority, as in a real
company's complaints (with a share of cases filed under another category, as people do)."""

import datetime as dt
import random

from django.utils import timezone

from kesu.complaints.models import Complaint, Status
from kesu.customers.models import Customer
from kesu.processes.models import Process

SAYINGS = {
    "product_quality": ["商品有破损", "质量太差", "用了两天就坏了", "包装里的杯子有裂痕", "鞋底开胶了", "面料起球掉色"],
    "service_attitude": ["店员态度恶劣", "收银员很不耐烦", "导购爱答不理", "服务人员出言不逊", "保安态度粗暴"],
    "price_dispute": ["标签价格和结账价格不一致", "优惠券没有抵扣", "会员价没有生效", "多收了钱", "促销价不对"],
    "return_exchange": ["退货被拒绝", "换货手续太麻烦", "七天无理由退货不给办", "退款迟迟不到账", "不给换货"],
    "delivery": ["送货上门迟到", "配送员没有按时送达", "快递丢件", "送货地址弄错", "等了三天还没送到"],
    "other": ["停车场收费太贵", "门店环境嘈杂", "卫生间太脏", "营业时间与公示不符", "空调太冷"],
    "inquiry_suggestion": ["建议增加自助收银", "希望延长营业时间", "建议增加母婴室", "咨询积分规则", "建议线上预约"],
}
DEPARTMENTS = {
    "product_quality": "quality",
    "return_exchange": "quality",
    "delivery": "logistics",
}
CIRCUMSTANCES = ["昨天下午", "上周末", "今天上午", "在门店", "在线上商城", "第二次了", "客户很生气", "请尽快处理"]
URGENT = ["孩子因此受伤", "要向媒体曝光", "已经打了12315"]
MISFILED = 0.1


def saying(category: str, rng: random.Random) -> str:
    """One way a customer tells a complaint of this category."""
    return f"{rng.choice(SAYINGS[category])}，{rng.choice(CIRCUMSTANCES)}，{rng.choice(SAYINGS[category])}。"


def closed_history(process: Process, departments: dict, count: int, *, seed: int = 19, shuffled: bool = False):
    """`count` closed complaints of the process; `shuffled`: their labels drawn at random (a worse history)."""
    rng = random.Random(seed)
    customer = Customer.objects.create(name="历史客户", phone=f"+86138{seed:08d}")
    categories = sorted(SAYINGS)
    now = timezone.now()
    rows = []
    for index in range(count):
        category = rng.choice(categories)
        urgent = rng.random() < 0.25
        text = saying(category, rng) + (rng.choice(URGENT) + "。" if urgent else "")
        filed = rng.choice(categories) if shuffled or rng.random() < MISFILED else category
        received = now - dt.timedelta(days=200, hours=index)
        rows.append(
            Complaint(
                number=f"HIST{seed:02d}-{index:05d}",
                process=process,
                customer=customer,
                channel="phone",
                category=filed,
                priority=rng.choice(["low", "medium", "high"]) if shuffled else ("high" if urgent else "medium"),
                department=departments[DEPARTMENTS.get(category, "service")],
                status=Status.CLOSED,
                subject=text[:20],
                description=text,
                received_at=received,
                closed_at=received + dt.timedelta(days=2),
            )
        )
    Complaint.objects.bulk_create(rows)
