import pytest


@pytest.mark.django_db
def test_pages_speak_vietnamese_even_to_a_browser_set_to_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_the_language_switch_is_honoured(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
