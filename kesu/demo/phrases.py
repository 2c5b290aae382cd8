"""Chinese phrases that demo complaints are built from: varied enough for text search to mean something."""

SUBJECTS = {
    "delivery": ["配送延误", "送货超时", "快递迟迟未到", "配送员未按约定时间送达", "订单延误三天"],
    "service": ["客服态度恶劣", "电话无人接听", "坐席挂断电话", "服务人员不耐烦", "答复敷衍"],
    "quality": ["产品质量问题", "商品有破损", "食材不新鲜", "设备无法开机", "零件断裂"],
    "price": ["价格争议", "优惠未生效", "重复扣款", "收费不透明", "满减活动未减"],
    "technical": ["系统无法登录", "App 闪退", "支付失败", "数据丢失", "页面加载缓慢"],
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
REGIONS = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆"]


def subject_group(category: str) -> str:
    for key, words in (
        ("delivery", ("delivery", "delay", "timeliness", "late", "shipment", "logistics")),
        ("service", ("service", "attitude", "personnel", "civil")),
        ("quality", ("quality", "defect", "part", "product", "food", "install", "failure", "damage")),
        ("price", ("price", "charge", "fee", "refund")),
        ("technical", ("tech", "system", "software")),
    ):
        if any(word in category for word in words):
            return key
    return "other"
