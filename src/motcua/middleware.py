"""Request-wide behaviour that belongs to no single context."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Speak Vietnamese unless the user picked another language with the switch (its cookie).

    Many phones in Vietnam are set to English; following Accept-Language would wrap Vietnamese legal
    text in an English page. The choice is the user's, made on the page.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
