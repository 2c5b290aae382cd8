"""The 12315 platform's exported case list, taken in as regulator transfers."""

import csv

import pytest
from django.core.management import CommandError, call_command

from kesu.complaints.models import Complaint
from kesu.complaints.tests.helpers import at
from kesu.processes.services import process_load_template

HEADER = ["案件编号", "分派时间", "投诉人", "联系电话", "投诉内容", "诉求", "投诉对象"]
GOOD = [
    ["3101150020261102001", "2026-11-02 09:00", "李女士", "13812345678", "门店拒绝退货。", "退货", "徐汇门店"],
    ["3101150020261102002", "2026/11/02 10:30", "王先生", "13912345678", "快递延误三天。", "赔偿", "配送站"],
]


@pytest.fixture
def generic(db, staff):
    return process_load_template("generic", make_default=True)


def export(tmp_path, rows, *, encoding="utf-8-sig"):
    path = tmp_path / "12315.csv"
    with path.open("w", newline="", encoding=encoding) as file:
        csv.writer(file).writerows([HEADER, *rows])
    return path


def test_each_case_of_the_export_becomes_a_regulator_transfer_with_its_deadline(generic, tmp_path, travel):
    travel(at(2026, 11, 3, 9))
    call_command("import_12315", export(tmp_path, GOOD))

    first = Complaint.objects.get(regulator_case_number="3101150020261102001")
    assert first.channel == "regulator" and first.priority == "high"
    assert first.regulator_assigned_at == at(2026, 11, 2, 9)
    assert first.fields["complained_object"] == "徐汇门店"
    assert first.clocks.get(key="regulator_negotiation").due_at == at(2026, 11, 13, 18)
    assert Complaint.objects.count() == 2


def test_the_same_export_taken_in_again_adds_nothing(generic, tmp_path, travel):
    travel(at(2026, 11, 3, 9))
    call_command("import_12315", export(tmp_path, GOOD))
    call_command("import_12315", export(tmp_path, GOOD))

    assert Complaint.objects.count() == 2


def test_a_dry_run_reports_every_bad_row_and_writes_nothing(generic, tmp_path, travel, capsys):
    travel(at(2026, 11, 3, 9))
    rows = [
        GOOD[0],
        ["3101150020261102003", "不是时间", "张三", "13812345678", "内容", "", "门店"],
        ["3101150020261102004", "2026-11-02 09:00", "赵四", "12345", "内容", "", "门店"],
        ["3101150020261102001", "2026-11-02 09:00", "李女士", "13812345678", "重复", "", "门店"],
        ["3101150020261102005", "2026-11-02 09:00", "钱五", "13812345678", "内容", "", ""],
    ]

    with pytest.raises(CommandError, match="4"):
        call_command("import_12315", export(tmp_path, rows), "--dry-run")

    out = capsys.readouterr().out
    assert "分派时间" in out and "联系电话" in out and "案件编号" in out and "投诉对象" in out
    assert Complaint.objects.count() == 0


def test_a_gbk_export_is_read(generic, tmp_path, travel):
    travel(at(2026, 11, 3, 9))
    call_command("import_12315", export(tmp_path, GOOD[:1], encoding="gbk"))

    assert Complaint.objects.get().customer.name == "李女士"


def test_a_process_that_takes_no_regulator_transfers_refuses_the_file(generic, tmp_path):
    process_load_template("call_center")

    with pytest.raises(CommandError):
        call_command("import_12315", export(tmp_path, GOOD), "--process", "call_center")
    assert Complaint.objects.count() == 0
