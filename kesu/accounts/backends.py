from django.contrib.auth.backends import ModelBackend

from kesu.accounts.selectors import user_with_permissions


class StaffBackend(ModelBackend):
    """Django's ModelBackend, whose signed-in user arrives with their permissions and roles in the
    same query: a page asks has_perm many times, which otherwise costs two more queries a request."""

    def get_user(self, user_id):
        user = user_with_permissions(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
