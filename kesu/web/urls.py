from django.urls import path

from kesu.web.views import auth, cases, complaint, home, improvements, intake, lists, reports, steps, survey, tasks

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("home/panels/<slug:key>/", home.home_panel, name="home_panel"),
    path("intake/", intake.intake, name="intake"),
    path("intake/customer/", intake.intake_customer, name="intake_customer"),
    path("intake/check/", intake.intake_check, name="intake_check"),
    path("intake/fields/", intake.intake_fields, name="intake_fields"),
    path("complaints/", lists.complaint_list, name="complaints"),
    path("complaints/export.xlsx", lists.complaint_export, {"fmt": "xlsx"}, name="complaints_xlsx"),
    path("complaints/export.csv", lists.complaint_export, {"fmt": "csv"}, name="complaints_csv"),
    path("complaints/<str:number>/", complaint.complaint_page, name="complaint"),
    path("complaints/<str:number>/steps/<slug:action>/", steps.step, name="step"),
    path("complaints/<str:number>/notes/", complaint.note_add, name="note_add"),
    path("complaints/<str:number>/attachments/", complaint.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", complaint.attachment_file, name="attachment"),
    path("tasks/<int:pk>/", tasks.task_page, name="task"),
    path("tasks/<int:pk>/done/", tasks.task_complete, name="task_complete"),
    path("tasks/<int:pk>/cancel/", tasks.task_cancel, name="task_cancel"),
    path("improvements/", improvements.improvement_list_page, name="improvements"),
    path("improvements/new/", improvements.improvement_new, name="improvement_new"),
    path("improvements/<int:pk>/", improvements.improvement_page, name="improvement"),
    path("improvements/<int:pk>/<slug:step>/", improvements.improvement_step, name="improvement_step"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_page, name="case"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/publish/", cases.case_publish, name="case_publish"),
    path("reports/", reports.reports_page, name="reports"),
    path("reports/ledger.xlsx", reports.ledger_download, name="ledger"),
    path("survey/<str:token>/", survey.survey, name="survey"),
    path("survey/<str:token>/thanks/", survey.survey_thanks, name="survey_thanks"),
    path("views/", lists.saved_view_save, name="saved_view_save"),
    path("views/<int:pk>/delete/", lists.saved_view_delete, name="saved_view_delete"),
]
