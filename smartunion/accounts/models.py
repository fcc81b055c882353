"""Staff accounts (工会干部账号): one scope organization and one role each."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.sessions.base_session import AbstractBaseSession, BaseSessionManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from smartunion.accounts.roles import ACTIONS, ROLE_ACTIONS, Role


class UserQuerySet(models.QuerySet):
    def managed_by(self, user) -> UserQuerySet:
        """The staff accounts ``user`` may manage as their higher admin: those whose scope lies
        strictly below its own (colleagues of the same union are peers, not theirs to manage);
        for a superuser every account but its own."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.exclude(pk=user.pk)
        if not user.can("manage_staff") or not user.scope_path:
            return self.none()
        return self.filter(is_superuser=False, scope_org__path__startswith=user.scope_path).exclude(
            scope_org_id=user.scope_org_id
        )

    def visible_to(self, user, action: str = "manage_staff") -> UserQuerySet:
        """Staff accounts are seen by those who manage them (core.scope.get_for_user)."""
        return self.managed_by(user)


class StaffManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A staff account. It sees and changes only the subtree of ``scope_org``.

    Superusers (operators) see everything; every other account needs a scope organization.
    """

    scope_org = models.ForeignKey(
        "orgs.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="管理范围（工会组织）",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices, default=Role.VIEWER)
    full_name = models.CharField("姓名", max_length=64, blank=True)

    objects = StaffManager()

    class Meta:
        verbose_name = "工作人员账号"
        verbose_name_plural = "工作人员账号"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_superuser=True) | models.Q(scope_org__isnull=False),
                name="staff_has_scope",
                violation_error_message="工作人员账号必须指定管理范围（工会组织）。",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]),
                name="staff_role_valid",
                violation_error_message="角色不正确。",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def scope_path(self) -> str:
        return self.scope_org.path if self.scope_org_id else ""

    @cached_property
    def sees_whole_tree(self) -> bool:
        """Whether the scope holds every union: a superuser, or the staff of the only root.

        Such a scope needs no subtree filter; counting over 2.3 million rows, leaving out the
        join with 49,000 unions is what keeps the home page fast.
        """
        if self.is_superuser:
            return True
        org = self.scope_org if self.scope_org_id else None
        if org is None or org.parent_id is not None:
            return False
        others = type(org).objects.filter(parent__isnull=True).exclude(pk=org.pk)
        return not others.exists()

    def can(self, action: str) -> bool:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def clerk_label(self) -> str:
        """经办人 as histories and lists show it: the person and their union, e.g.
        "王建国（城关区总工会）"; the login name only when no name was given."""
        org = self.scope_org if self.scope_org_id else None
        return f"{self.display_name}（{org.name}）" if org is not None else self.display_name


#: 经办人 of what no staff member did (the seed, a command run without a user).
SYSTEM_CLERK = "系统"
CLERK_MAX_LENGTH = 200


def clerk_label(actor) -> str:
    """The 经办人 written beside a change, as it stands on the day: ``User.clerk_label``, the
    label of an actor that is no staff account (a worker acting for themself, e.g.
    "本人（职工之家）"), or "系统" without an actor."""
    if actor is None or not getattr(actor, "pk", None):
        return getattr(actor, "clerk_label", None) or SYSTEM_CLERK
    return actor.clerk_label[:CLERK_MAX_LENGTH]


def clerk_label_expression() -> models.Expression:
    """``User.clerk_label`` in SQL, over a User queryset (the data migrations that turned
    login names into 经办人 labels use it)."""
    from django.db.models.functions import Coalesce, Concat, Left, NullIf

    name = Coalesce(NullIf("full_name", models.Value("")), "username")
    label = models.Case(
        models.When(scope_org__isnull=True, then=name),
        default=Concat(name, models.Value("（"), "scope_org__name", models.Value("）")),
        output_field=models.CharField(),
    )
    return Left(label, CLERK_MAX_LENGTH)


def relabel_clerks(queryset, field: str, *, by: str = "username", key: str | None = None):
    """Rewrite ``field`` of ``queryset`` from a login name to the 经办人 label (or back, with
    ``by="label"``), matching users on ``key`` (a user id field) or on the name itself; "system"
    becomes "系统". One UPDATE each: bounded memory however many rows."""
    User = queryset.model._meta.apps.get_model("accounts", "User")
    users = User.objects.annotate(label=clerk_label_expression())
    new = "label" if by == "username" else "username"
    if key:
        match = users.filter(pk=models.OuterRef(key))
        queryset = queryset.filter(**{f"{key}__isnull": False})
        queryset = queryset.filter(**{field: models.Subquery(match.values(by)[:1])})
    else:
        match = users.filter(**{by: models.OuterRef(field)})
        queryset = queryset.filter(models.Exists(match))
    queryset.update(**{field: models.Subquery(match.values(new)[:1])})
    old, system = ("system", SYSTEM_CLERK) if by == "username" else (SYSTEM_CLERK, "system")
    queryset.model.objects.filter(**{field: old}).update(**{field: system})


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user, action: str = "view") -> ApiTokenQuerySet:
        """A user's own tokens and those of the accounts it manages (User.managed_by)."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(models.Q(user=user) | models.Q(user__in=User.objects.managed_by(user)))


class ApiToken(models.Model):
    """A bearer token for the API: only its SHA-256 is stored; it expires, and it stops
    working when its owner's password changes (``auth_hash``, as Django's sessions do)."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    #: The token's first characters, so that its owner can tell it in a list.
    prefix = models.CharField("令牌开头", max_length=8, blank=True)
    #: The owner's session auth hash (an HMAC of the password hash) when it was issued.
    auth_hash = models.CharField(max_length=64, blank=True)
    #: Whether it was issued with a second factor (TOTP or a recovery code).
    second_factor = models.BooleanField("经过二次验证", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"token {self.prefix}… of {self.user} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class SessionManager(BaseSessionManager):
    def get_queryset(self):
        # The session's row comes with its user, the user's scope union and its authenticator:
        # one read before every view instead of three (accounts.sessions).
        return super().get_queryset().select_related("user__scope_org", "totp_device")


class Session(AbstractBaseSession):
    """A staff session (``SESSION_ENGINE`` = ``smartunion.accounts.sessions``).

    Django's session row, plus copies of two keys of its data — the account and the TOTP
    authenticator it was verified with — so that reading the session joins them. The data
    stays what decides: a copy is used only where it equals the data's key, and each is a bare
    column (no database constraint, no index) that a deleted account or authenticator leaves
    pointing at nothing, which reads as no join (``accounts.sessions``).
    """

    user = models.ForeignKey(
        User,
        models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    totp_device = models.ForeignKey(
        "otp_totp.TOTPDevice",
        models.DO_NOTHING,
        null=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    objects = SessionManager()

    @classmethod
    def get_session_store_class(cls):
        from smartunion.accounts.sessions import SessionStore

        return SessionStore
