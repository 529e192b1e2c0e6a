"""django-axes for the test client: throttle web logins, let Client.login() through."""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingCodeLogin(AxesStandaloneBackend):
    """``Client.login()`` authenticates without a request; there is nothing to throttle then."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
