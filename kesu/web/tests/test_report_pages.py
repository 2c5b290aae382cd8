"""报表: counts, the monthly report with charts and the pending ledger for leaders; the ledger file for finance."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from kesu.web.tests.conftest import advance


def test_leaders_see_the_counts_the_monthly_report_and_the_pending_ledger(page, assigned, staff):
    advance(
        assigned,
        staff["handler"],
        ("put_pending", {"agreed_date": timezone.localdate() + dt.timedelta(days=5), "reason": "等配件"}),
    )

    html = page("supervisor").get("/reports/").content.decode()

    for part in ["dashboard-counts", "monthly-report", "pending-ledger", "finance-ledger"]:
        assert f'id="{part}"' in html
    assert 'data-series="' in html and "产品质量投诉" in html
    assert "处理专员小李" in html  # the handler with a pending matter
    assert "vendor/echarts/echarts.min.js" in html and "js/reports.js" in html


def test_finance_sees_only_the_ledger_and_downloads_it(page, assigned):
    html = page("finance").get("/reports/").content.decode()
    assert 'id="finance-ledger"' in html and 'id="monthly-report"' not in html

    response = page("finance").get("/reports/ledger.xlsx", {"month": "2026-11"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="kesu-ledger-2026-11.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).active.title == "2026-11"


def test_others_may_not_see_reports_or_the_ledger(page):
    for name in ["agent", "handler", "follow_up", "outsider"]:
        assert page(name).get("/reports/").status_code == 403
        assert page(name).get("/reports/ledger.xlsx", {"month": "2026-11"}).status_code == 403


def test_a_wrong_month_is_shown_on_its_field(page):
    response = page("supervisor").get("/reports/", {"month": "2026-13"})

    assert response.status_code == 422
    assert 'id="id_month-errors"' in response.content.decode()


def test_the_menu_offers_the_pages_each_role_may_use(page, staff):
    supervisor = page("supervisor").get("/").content.decode()
    handler = page("handler").get("/").content.decode()
    finance = page("finance").get("/reports/").content.decode()

    assert all(url in supervisor for url in ['href="/improvements/"', 'href="/cases/"', 'href="/reports/"'])
    assert 'href="/cases/"' in handler
    assert 'href="/improvements/"' not in handler and 'href="/reports/"' not in handler
    assert 'href="/reports/"' in finance and 'href="/cases/"' not in finance
