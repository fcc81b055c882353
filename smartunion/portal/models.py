"""Workers' sign-in (docs/decisions/0021-worker-sign-in-separate-from-staff.md).

A worker is not an ``accounts.User``: a worker is a mobile number proved by an SMS code.
Numbers are kept as the registry keeps them — a blind index to find, ciphertext to read — and
codes and tokens only as keyed hashes, so a copy of the database signs nobody in.
"""

from django.db import models

from smartunion.core.fields import EncryptedTextField


class SignInCode(models.Model):
    """One SMS code sent to a number: valid until ``expires_at``, used at most once."""

    phone_index = models.CharField("手机号索引", max_length=64, db_index=True)
    code_hash = models.CharField("验证码摘要", max_length=64)
    created_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "登录验证码"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"code until {self.expires_at:%Y-%m-%d %H:%M}"


class PhoneLock(models.Model):
    """Wrong codes entered for a number; past the limit the number is locked for a while."""

    phone_index = models.CharField("手机号索引", max_length=64, unique=True)
    failures = models.PositiveIntegerField("连续错误次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "手机号锁定"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"lock {self.failures} failures until {self.locked_until}"


class WorkerToken(models.Model):
    """A worker's API token (``Authorization: Bearer …``) — valid on portal routes only."""

    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    phone_index = models.CharField("手机号索引", max_length=64, db_index=True)
    phone = EncryptedTextField("手机号")
    created_at = models.DateTimeField("签发时间")
    expires_at = models.DateTimeField("失效时间")

    class Meta:
        verbose_name = "职工令牌"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"worker token until {self.expires_at:%Y-%m-%d %H:%M}"


class WorkerBinding(models.Model):
    """实名绑定: the signed-in number (a worker) bound to one person of the registry.

    Made only when name, ID number and the registry's phone of that person all match
    (``portal.binding.bind``); staff with the right to change the person may undo it.
    """

    phone_index = models.CharField("手机号索引", max_length=64, unique=True)
    person = models.OneToOneField(
        "members.Person",
        models.CASCADE,
        related_name="worker_binding",
        verbose_name="会员",
    )
    bound_at = models.DateTimeField("绑定时间")
    #: The newest notice the worker has seen on the home page (portal.notices).
    notices_seen_at = models.DateTimeField("消息已读至", null=True, blank=True)

    class Meta:
        verbose_name = "职工实名绑定"
        verbose_name_plural = verbose_name

    def __str__(self):
        return f"binding since {self.bound_at:%Y-%m-%d %H:%M}"

    @property
    def audit_org_path(self) -> str:
        return self.person.org.path
