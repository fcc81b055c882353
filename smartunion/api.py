"""The REST API at /api/v1/ (django-ninja); OpenAPI at /api/v1/openapi.json.

Each app contributes a router from its own ``api.py``; authentication, scoping and error
shapes are shared (smartunion/core/api.py).
"""

from smartunion.accounts.api import router as auth_router
from smartunion.accounts.api import staff_router
from smartunion.assistance.api import LABELS as assistance_labels
from smartunion.assistance.api import router as assistance_router
from smartunion.casework.api import router as calendar_router
from smartunion.contests.api import LABELS as contest_labels
from smartunion.contests.api import router as contests_router
from smartunion.core.api import (
    ChineseJSONRenderer,
    SmartunionAPI,
    install_error_handlers,
    register_labels,
    session_or_token,
)
from smartunion.honours.api import LABELS as honours_labels
from smartunion.honours.api import portal_router as honours_portal_router
from smartunion.honours.api import router as honours_router
from smartunion.imports.api import router as imports_router
from smartunion.legalaid.api import LABELS as legalaid_labels
from smartunion.legalaid.api import router as legalaid_router
from smartunion.members.api import router as members_router
from smartunion.orgs.api import router as orgs_router
from smartunion.portal.api import router as portal_router
from smartunion.portal.api import verify_router
from smartunion.regions.api import router as regions_router
from smartunion.servicerequests.api import LABELS as request_labels
from smartunion.servicerequests.api import router as requests_router
from smartunion.stats.api import LABELS as stats_labels
from smartunion.stats.api import router as stats_router
from smartunion.venues.api import router as venues_router

api = SmartunionAPI(
    title="智慧工会平台 API",
    version="1",
    urls_namespace="api",
    auth=session_or_token,
    docs_url="/docs",
    renderer=ChineseJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/staff", staff_router)
api.add_router("/regions", regions_router)
api.add_router("/orgs", orgs_router)
api.add_router("/members", members_router)
api.add_router("/imports", imports_router)
api.add_router("/venues", venues_router)
api.add_router("/calendar", calendar_router)
api.add_router("/assistance", assistance_router)
register_labels("/assistance", assistance_labels)
api.add_router("/legal-aid", legalaid_router)
register_labels("/legal-aid", legalaid_labels)
api.add_router("/requests", requests_router)
register_labels("/requests", request_labels)
api.add_router("/stats", stats_router)
api.add_router("/contests", contests_router)
register_labels("/contests", contest_labels)
api.add_router("/portal", portal_router)
api.add_router("/honours", honours_router)
api.add_router("/portal/honours", honours_portal_router)
register_labels("/honours", honours_labels)
register_labels(
    "/portal", {"phone": "手机号", "code": "验证码", "name": "姓名", "id_number": "身份证号码"}
)
api.add_router("/verify", verify_router)
register_labels("/stats", stats_labels)
register_labels("/calendar", {"start": "起算日", "working_days": "工作日数"})
