from django.urls import path

from smartunion.portal import joining_views, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.signin_page, name="signin"),
    path("signout/", views.signout, name="signout"),
    path("bind/", views.bind_page, name="bind"),
    path("card/", views.card, name="card"),
]

# 网上入会 (portal/joining_views.py, decision 0026).
urlpatterns += [
    path("join/", joining_views.join_page, name="join"),
]

#: Staff pages of the portal's data (under /portal-bindings/, namespace ``portal_staff``).
staff_urlpatterns = [
    path("<int:person_id>/reset/", views.reset_binding, name="reset"),
]

#: The public 会员证核验 (no namespace: ``verify`` and ``verify_token``).
verify_urlpatterns = [
    path("verify/", views.verify_landing, name="verify"),
    path("verify/<str:token>", views.verify_page, name="verify_token"),
]

# ---- 我要办事, 我的办事 and 消息 (issue 14; decision 0027) -------------------------------------
from smartunion.portal import caseviews  # noqa: E402

urlpatterns += [
    path("apply/", caseviews.apply_home, name="apply"),
    path("apply/request/", caseviews.apply_request, name="apply_request"),
    path("apply/legal-aid/", caseviews.apply_legal_aid, name="apply_legal_aid"),
    path("apply/student-aid/", caseviews.apply_student_aid, name="apply_student_aid"),
    path("apply/self-test/", caseviews.self_test, name="self_test"),
    path("mine/", caseviews.mine_list, name="mine"),
    path("mine/<str:kind>/<int:item_id>/", caseviews.mine_detail, name="mine_detail"),
    path(
        "mine/<str:kind>/<int:item_id>/do/<str:action>/",
        caseviews.mine_answer,
        name="mine_answer",
    ),
    path("notices/", caseviews.notice_list, name="notices"),
]

# ---- 网络投票 (issue 16): the public vote on the phone ------------------------------------------
from smartunion.portal import voting  # noqa: E402

urlpatterns += [path("vote/", voting.vote_page, name="vote")]

# ---- 竞赛报名 (issue 16): a member enters a contest from the phone ------------------------------
urlpatterns += [path("contests/", caseviews.contest_page, name="contests")]
