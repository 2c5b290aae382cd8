from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError

from kesu.accounts.sign_in import is_locked_out, locked_out_message


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["username"].widget.attrs["autofocus"] = True

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if is_locked_out(self.request):
                raise ValidationError(locked_out_message(), code="locked_out") from None
            raise

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

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if is_locked_out(self.request):
            response.status_code = 429
        return response


class SignOutView(LogoutView):
    """Sign out (POST only, with the CSRF token) and back to the sign-in page."""
