"""Token authentication that never turns a bad ``Authorization`` header into an anonymous
client: a scheme other than ``Token``, a malformed value or an unknown key is a 401."""

from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed


class StrictTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None  # no header: an anonymous client, as intended
        if header[0].lower() != self.keyword.lower().encode():
            raise AuthenticationFailed(
                f"Unknown authorization scheme: send “Authorization: {self.keyword} <key>” "
                "or no Authorization header at all."
            )
        return super().authenticate(request)  # malformed or unknown keys raise 401 there
