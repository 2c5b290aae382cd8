from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["username"].widget.attrs["autofocus"] = True

    def full_clean(self):
        super().full_clean()
        if self.errors:
            for field in self.fields.values():
                field.widget.attrs["class"] = "form-control is-invalid"
                field.widget.attrs["aria-invalid"] = "true"


class SignInView(LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(LogoutView):
    """Sign out (POST only, with the CSRF token) and back to the sign-in page."""
