"""R-TRK-3: every procedure is reachable in at most three clicks from the home page."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command

from motcua.catalog.models import Procedure

LINK = re.compile(r'href="([^"#]+)"')


@pytest.mark.django_db
def test_every_demo_procedure_is_within_three_clicks_of_the_home_page(client):
    """R-TRK-3: follow the links a visitor can click, breadth first, three levels deep."""
    call_command("load_catalog", "src/motcua/catalog/demo", verbosity=0)
    seen, frontier = {"/"}, ["/"]
    for _click in range(3):
        reached = []
        for url in frontier:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
                continue
            for href in LINK.findall(response.content.decode()):
                target = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(target)
                if (
                    parts.netloc
                    or not parts.path.startswith("/")
                    or parts.path.startswith(("/static/", "/admin/"))
                ):
                    continue
                if target not in seen:
                    seen.add(target)
                    reached.append(target)
        frontier = reached
    reachable = {urlsplit(url).path for url in seen}
    for procedure in Procedure.objects.filter(is_active=True):
        assert f"/thu-tuc/{procedure.code}/" in reachable, procedure.code
