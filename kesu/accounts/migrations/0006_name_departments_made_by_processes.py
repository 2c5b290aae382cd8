"""Names, never codes. Departments that processes made before they were given plain names (named after their code) take
the name a process gives them now (`kesu.accounts.names`, in the company's language, Chinese); a
department someone named keeps its name. Two fields the admin shows get their names too."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

NAMES = {
    "customer_service": "客服部",
    "delivery": "配送部",
    "feedback_stats": "反馈统计组",
    "finance": "财务部",
    "frontline_service": "一线客服",
    "logistics": "物流部",
    "management": "管理部",
    "marketing": "市场部",
    "product": "产品部",
    "production": "生产部",
    "project": "项目部",
    "purchasing": "采购部",
    "quality": "质量部",
    "sales": "销售部",
    "service": "客服中心",
    "tech_support": "技术支持部",
    "technical": "技术部",
    "warehouse": "仓储部",
}


def name_departments(apps, schema_editor):
    Department = apps.get_model("accounts", "Department")
    for code, name in NAMES.items():
        Department.objects.filter(code=code, name=code).update(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_staff_phone")]

    operations = [
        migrations.RunPython(name_departments, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member",
            ),
        ),
        migrations.AlterField(
            model_name="integrationkey",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="created at"),
        ),
    ]
