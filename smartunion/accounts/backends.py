from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """Password login, plus each role's actions as permissions ``smartunion.<action>``.

    So ``user.has_perm("smartunion.reveal_pii")`` and ``{% if perms.smartunion.reveal_pii %}``
    answer the same as ``user.can("reveal_pii")``.
    """

    def has_perm(self, user_obj, perm, obj=None):
        app, _, action = perm.partition(".")
        if app == "smartunion" and user_obj.is_active:
            try:
                return user_obj.can(action)
            except ValueError:
                return False
        return super().has_perm(user_obj, perm, obj)
