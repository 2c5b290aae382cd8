"""Chinese phrases that demo complaints are built from: varied enough for text search to mean something."""

import random

SUBJECTS = {
    "delivery": ["配送延误", "送货超时", "快递迟迟未到", "配送员未按约定时间送达", "订单延误三天"],
    "service": ["客服态度恶劣", "电话无人接听", "坐席挂断电话", "服务人员不耐烦", "答复敷衍"],
    "quality": ["产品质量问题", "商品有破损", "食材不新鲜", "设备无法开机", "零件断裂"],
    "price": ["价格争议", "优惠未生效", "重复扣款", "收费不透明", "满减活动未减"],
    "technical": ["系统无法登录", "App 闪退", "支付失败", "数据丢失", "页面加载缓慢"],
    "exchange": ["退货被拒", "换货迟迟不处理", "退款未到账", "七天无理由退货不受理", "换回的商品仍有问题"],
    "suggestion": ["咨询会员积分", "建议增加营业时间", "询问保修政策", "建议改进包装", "咨询发票开具"],
    "other": ["其他问题", "建议改进", "投诉处理不及时", "门店环境差", "会员权益问题"],
}
DETAILS = [
    "客户表示已经等待很久，情绪比较激动。",
    "客户要求尽快给出处理结果，否则将向12315投诉。",
    "客户称这是第二次出现同样的问题。",
    "客户提供了订单截图和照片。",
    "客户希望退款或换货。",
    "客户要求相关人员道歉。",
    "客户表示对处理进度不满意。",
    "客户称门店工作人员推诿责任。",
    "客户要求赔偿误工损失。",
    "客户说明了事发时间和地点。",
]
# Triage (kesu.triage) learns from how complaints are told: each group has its own way of saying it,
# urgent words come with a higher priority, and a suggestion is mostly a matter of the group's words.
SAYINGS = {
    "delivery": ["等了很久还没送到", "配送员没有按约定时间上门", "物流信息一直不更新", "送货地址被弄错", "快递丢件"],
    "service": ["接线员语气很冲", "工作人员推诿不管", "说好回电却没有回电", "服务人员出言不逊", "柜台没人理会"],
    "quality": ["用了两天就坏了", "收到时外包装破损", "东西有异味变质", "零件松动脱落", "颜色和图片严重不符"],
    "price": ["结账金额比标价高", "优惠券无法使用", "同一笔订单扣了两次钱", "会员折扣没有算上", "额外收了服务费"],
    "technical": ["账号登录一直报错", "页面点了没有反应", "付款后订单状态没变", "更新后打不开", "验证码收不到"],
    "exchange": ["门店不同意退货", "申请换货一周没人联系", "退回的钱还没收到", "说拆封了就不能退", "换来的新品又坏了"],
    "suggestion": ["想了解积分怎么用", "希望周末延长营业", "想问保修期多久", "建议包装做得结实些", "想知道怎么开发票"],
    "other": ["营业时间和公告不一致", "停车场收费太贵", "排队时间太长", "卫生状况很差", "积分规则看不懂"],
}
URGENT = ["孩子因此受了伤", "已经联系了媒体", "存在安全隐患", "已向12315投诉"]
CALM = ["不着急，有空处理即可", "只是提个意见"]
PLACES = ["北京朝阳门店", "上海浦东门店", "广州天河门店", "深圳南山门店", "杭州西湖门店", "成都高新门店", "线上商城"]
DEMANDS = ["要求道歉", "要求退款", "要求换货", "要求赔偿", "要求尽快处理", "要求给出书面说明"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
]
ROLE_NAMES = {
    "agent": "接线员小周",
    "handler": "处理专员李娜",
    "supervisor": "主管陈静",
    "manager": "经理刘强",
    "director": "客服总监孙丽",
    "general_manager": "总经理赵明",
    "department_staff": "部门专员吴涛",
    "follow_up": "回访员何芳",
    "quality": "质检林娟",
    "finance": "财务马超",
    "admin": "系统管理员郭平",
}
"""The demo's one member of staff per role (the handlers get names of their own)."""
REGIONS = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"]


def telling(group: str, category_label: str, priority: str) -> str:
    """A description as a customer tells it: the group's words, the category's own name now and then,
    urgent words with a high or urgent priority, calm ones with a low one."""
    said = f"{random.choice(SAYINGS[group])}，{random.choice(SAYINGS[group])}。"
    if random.random() < 0.6:
        said += f"属于{category_label}问题。"
    if priority in ("high", "urgent") and random.random() < 0.8:
        said += random.choice(URGENT) + "。"
    elif priority == "low" and random.random() < 0.8:
        said += random.choice(CALM) + "。"
    return said


def subject_group(category: str) -> str:
    for key, words in (
        ("delivery", ("delivery", "delay", "timeliness", "late", "shipment", "logistics")),
        ("service", ("service", "attitude", "personnel", "civil")),
        ("quality", ("quality", "defect", "part", "product", "food", "install", "failure", "damage")),
        ("price", ("price", "charge", "fee", "refund")),
        ("technical", ("tech", "system", "software")),
        ("exchange", ("return", "exchange")),
        ("suggestion", ("inquiry", "suggestion", "advice", "consult")),
    ):
        if any(word in category for word in words):
            return key
    return "other"
