"""Public pages: home, search, the procedure page, login; what every page carries for accessibility."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_offers_search_popular_procedures_and_tracking(procedure):
    page = Client().get("/").content.decode()
    assert "Bạn cần làm thủ tục gì?" in page
    assert 'href="/thu-tuc/1.001193/"' in page
    assert "Tra cứu hồ sơ" in page and 'name="ma"' in page


@pytest.mark.parametrize("url", ["/", "/thu-tuc/", "/thu-tuc/1.001193/", "/dang-nhap/", "/tra-cuu/"])
def test_every_page_has_language_skip_link_and_local_assets_only(procedure, url):
    page = Client().get(url).content.decode()
    assert '<html lang="vi">' in page
    assert 'href="#main"' in page and 'id="main"' in page
    assert "http://" not in page.replace("http://testserver", "") and "https://" not in page


@pytest.mark.parametrize("query", ["khai sinh", "KHAI SINH", "đăng ký khai sinh", "dang ky khai sinh"])
def test_search_finds_birth_registration_with_or_without_accents(procedure, query):
    response = Client().get("/thu-tuc/", {"q": query})
    assert "Thủ tục đăng ký khai sinh" in response.content.decode()


def test_search_without_match_says_so_and_suggests_another_word(procedure):
    page = Client().get("/thu-tuc/", {"q": "xin giấy phép bay"}).content.decode()
    assert "Tìm thấy 0 thủ tục" in page
    assert "Thủ tục đăng ký khai sinh" not in page


def test_procedure_page_shows_components_fees_time_and_one_start_button(procedure):
    page = Client().get("/thu-tuc/1.001193/").content.decode()
    assert "Giấy chứng sinh" in page and "Bắt buộc" in page
    assert "Văn bản ủy quyền" in page and "Không bắt buộc" in page
    assert "Định dạng PDF, JPG, PNG, tối đa 5 MB." in page
    assert "người nộp ký số" in page
    assert "200.000\u00a0đ" in page
    assert "Trong ngày làm việc" in page and "15:00" in page
    assert "Luật Hộ tịch 2014" in page
    assert "Ủy ban nhân dân phường Ba Đình" in page
    assert page.count("Nộp hồ sơ trực tuyến</button>") == 1


def test_unknown_procedure_is_not_found(procedure):
    assert Client().get("/thu-tuc/9.999999/").status_code == 404


def test_login_page_labels_its_inputs_and_logs_in(citizen):
    client = Client()
    page = client.get("/dang-nhap/").content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    response = client.post("/dang-nhap/", {"username": citizen.username, "password": "motcua-demo"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:my_dossiers")


def test_an_official_logging_in_lands_on_the_one_stop_queue(receptionist):
    client = Client()
    response = client.post("/dang-nhap/", {"username": receptionist.username, "password": "motcua-demo"})
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:queue")
    assert 'href="/mot-cua/"' in client.get("/").content.decode()  # and the portal links back to it
    with_next = Client().post(
        "/dang-nhap/?next=/mot-cua/so-theo-doi/",
        {"username": receptionist.username, "password": "motcua-demo"},
    )
    assert with_next["Location"] == "/mot-cua/so-theo-doi/"


def test_wrong_password_shows_error_summary_and_keeps_username(citizen):
    response = Client().post("/dang-nhap/", {"username": citizen.username, "password": "sai"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    assert f'value="{citizen.username}"' in page


def test_english_is_one_click_away(procedure):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "What do you need to do?" in page


def test_communes_of_a_province_for_the_address_script():
    data = Client().get("/dia-gioi/xa/", {"tinh": "1"}).json()
    assert any(c["name"] == "Phường Ba Đình" for c in data["communes"])
    assert Client().get("/dia-gioi/xa/", {"tinh": "<script>"}).json() == {"communes": []}
