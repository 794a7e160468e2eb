"""English is the second language of every page, not only of the citizen portal's first steps.

A user switches with the button in the header (POST /i18n/setlang/). The pages below were Vietnamese
even after the switch until the English catalogue caught up with the back office and the one-stop
process; the catalogue tests keep it from falling behind again: every string that the code marks for
translation must be in src/motcua/locale/en/LC_MESSAGES/django.po, translated, not fuzzy, with the
same placeholders, and compiled into django.mo.
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.workflow import services
from motcua.workflow.models import Decision
from motcua.workflow.services import SupplementItem

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "src" / "motcua" / "locale" / "en" / "LC_MESSAGES"

# Letters that only Vietnamese uses among the languages of this site: one of them in a heading, a button
# or a label of an English page means a string that was not translated.
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
GUIDANCE = "Số điện thoại không liên lạc được; hãy ghi số đang dùng."


def in_english(client: Client) -> Client:
    """Press the header's language button, as a user would."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


class _Chrome(HTMLParser):
    """The text of the elements that make a page's frame: headings, buttons, labels, table and list heads."""

    TAGS = frozenset({"h1", "h2", "h3", "button", "label", "legend", "summary", "caption", "th", "dt"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list[str], bool]] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            # The switch back to Vietnamese is written in Vietnamese on purpose (lang="vi").
            self.open.append((tag, [], dict(attrs).get("lang") == "vi"))

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            _, parts, vietnamese_on_purpose = self.open.pop()
            text = " ".join("".join(parts).split())
            if text and not vietnamese_on_purpose:
                self.texts.append(text)

    def handle_data(self, data):
        for _, parts, _ in self.open:
            parts.append(data)


def untranslated_chrome(page: str, data: list[str]) -> list[str]:
    """Headings, buttons and labels still in Vietnamese once the page's own data (names the users typed,
    the catalogue's procedure and components) is taken out of them."""
    parser = _Chrome()
    parser.feed(page)
    left = []
    for text in parser.texts:
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        if VIETNAMESE.search(text):
            left.append(text)
    return left


def catalogue_data(dossier: Dossier) -> list[str]:
    """What a dossier's pages show from the catalogue and the accounts, in the language it was written in."""
    procedure = dossier.procedure
    fields = procedure.eform_schema.get("fields", [])
    return [
        procedure.name,
        dossier.agency.name,
        dossier.applicant.display_name,
        *(component.name for component in procedure.components.all()),
        *(field["label"] for field in fields),
        *(str(value) for value in dossier.form_data.values()),
    ]


@pytest.fixture
def submitted(submit, procedure) -> Dossier:
    return submit(procedure)


def test_the_back_office_queue_is_in_english_after_the_switch(client, receptionist, submitted):
    client.force_login(receptionist)
    page = in_english(client).get(reverse("backoffice:queue")).content.decode()

    assert '<html lang="en">' in page
    assert "<h1>Dossiers awaiting reception</h1>" in page
    assert '<button type="submit" class="button">Filter</button>' in page
    for column in ("Reference", "Procedure", "Applicant", "Submitted at", "Check deadline", "Time left"):
        assert f'<th scope="col">{column}</th>' in page
    assert "Awaiting reception" in page  # the queues' navigation
    assert "of working time left" in page or "overdue" in page
    assert untranslated_chrome(page, catalogue_data(submitted)) == []


def test_an_officials_check_page_is_in_english_after_the_switch(client, receptionist, submitted):
    client.force_login(receptionist)
    in_english(client)
    page = client.get(reverse("backoffice:dossier_check", args=[submitted.public_id])).content.decode()

    assert "<title>Check the dossier" in page
    assert "Check and decide</h2>" in page
    assert "Assess each part of the dossier" in page
    assert ">Accept the dossier</button>" in page
    assert ">Send supplement request</button>" in page
    assert ">Refuse to accept</button>" in page
    assert "Awaiting reception</strong>" in page  # the dossier's status
    assert untranslated_chrome(page, catalogue_data(submitted)) == []


def test_the_processing_page_is_in_english_after_the_switch(client, receptionist, leader, submitted):
    services.accept(dossier=submitted, official=receptionist)
    client.force_login(leader)
    in_english(client)
    page = client.get(reverse("backoffice:dossier_check", args=[submitted.public_id])).content.decode()

    assert "<title>Process the dossier" in page
    assert "What you can do</h2>" in page
    assert "<h3>Assign for processing</h3>" in page
    assert ">Assign</button>" in page
    assert "Control sheet</h2>" in page
    assert "Being processed</strong>" in page
    assert untranslated_chrome(page, catalogue_data(submitted)) == []


def test_the_citizens_dossier_page_with_a_supplement_request_is_in_english(
    client, citizen, receptionist, submitted
):
    decision = services.request_supplement(
        dossier=submitted, official=receptionist, items=[SupplementItem("form.dien_thoai", GUIDANCE)]
    )
    client.force_login(citizen)
    in_english(client)
    page = client.get(reverse("portal:dossier_detail", args=[submitted.public_id])).content.decode()

    assert "To supplement</strong>" in page  # the status, as the citizen sees it
    assert "What you need to do:" in page
    assert "Supplement due by: <strong>" in page
    assert ">Supplement the dossier</a>" in page
    assert "Notices from the handling agency" in page
    assert f"No.: {decision.number}" in page
    assert "To supplement" in page
    assert GUIDANCE in page  # what the official wrote stays as written
    assert untranslated_chrome(page, [*catalogue_data(submitted), GUIDANCE]) == []

    page = client.get(reverse("portal:dossier_supplement", args=[submitted.public_id])).content.decode()
    assert "asks you to supplement your dossier" in page
    assert "The agency asks:" in page
    assert untranslated_chrome(page, [*catalogue_data(submitted), GUIDANCE]) == []


def test_public_tracking_is_in_english_after_the_switch(client, receptionist, submitted):
    """R-TRK-1's page, for anyone with the code: no login."""
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    page = in_english(client).get(reverse("portal:track"), {"ma": submitted.code}).content.decode()

    assert "Current processing step" in page
    assert "Being processed</strong>" in page
    assert ">See the timeline</button>" in page
    assert untranslated_chrome(page, catalogue_data(submitted)) == []


def test_labels_made_at_import_follow_each_requests_language():
    """The workflow's action names and grounds for pausing are built once, when the code is loaded; they
    must still come out in the language of the page that shows them (the suspend form's choices)."""
    from django.utils import translation

    with translation.override("en"):
        assert str(services.ACTION_LABELS["suspend"]) == "Pause the clock"
        assert (
            str(services.SUSPEND_REASONS["fee"]) == "Waiting for the applicant to meet financial obligations"
        )
    with translation.override("vi"):
        assert str(services.ACTION_LABELS["suspend"]) == "Tạm dừng tính thời hạn"


def test_one_vietnamese_phrase_two_english_ones_the_refusal_and_its_button():
    """ "Từ chối tiếp nhận" is both the official's button and the dossier's status; English needs two words."""
    from django.utils import translation

    from motcua.dossiers.models import DossierEvent

    with translation.override("en"):
        assert str(Dossier.Status.REFUSED.label) == "Refused"
        assert str(DossierEvent.Kind.REFUSED.label) == "Refused"
        assert str(Decision.Kind.REFUSE.label) == "Dossier refused"  # the notice's heading for the citizen
        assert str(services.ACTION_LABELS["refuse"]) == "Refuse to accept"
    with translation.override("vi"):
        assert (
            str(Dossier.Status.REFUSED.label) == str(services.ACTION_LABELS["refuse"]) == "Từ chối tiếp nhận"
        )


def test_the_legal_forms_stay_vietnamese_when_their_users_work_in_english(
    receptionist, leader, specialist, citizen, submit, procedure
):
    """The forms of Circular 03/2025 (control sheet, tracking book, stop notice) are Vietnamese by law
    (R-FORM-1): the labels they take from the models must not follow the language of the page."""
    from django.utils import timezone, translation

    from motcua.workflow.documents import control_sheet, decision_document, tracking_book

    kept, withdrawn = submit(procedure), submit(procedure)
    with translation.override("en"):
        for dossier in (kept, withdrawn):
            services.accept(dossier=dossier, official=receptionist)
        services.assign(dossier=kept, official=leader, assignee=specialist)
        stop = services.withdraw(dossier=withdrawn, applicant=citizen, reason="Đã làm thủ tục ở nơi khác.")

        assert [row.step for row in control_sheet(kept).rows] == ["Tiếp nhận hồ sơ", "Thẩm định, xử lý"]
        today = timezone.localdate()
        notes = {
            row.dossier_code: row.note
            for row in tracking_book(agency=kept.agency, start=today, end=today).rows
        }
        withdrawn.refresh_from_db()
        assert notes[withdrawn.code] == "Đã dừng theo yêu cầu"
        assert decision_document(stop).status_at_request == "Đang giải quyết"


# -- the catalogue ------------------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (stdlib only): msgctxt, msgid, msgid_plural, msgstr / msgstr[n], flags."""
    entries: list[dict] = []
    entry: dict = {"flags": set()}
    key = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": set()}, None
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [entry[key] for key in sorted(k for k in entry if k.startswith("msgstr["))]
    return [entry.get("msgstr", "")]


PERCENT = re.compile(r"%\(\w+\)[sd]|%[sd]")


def placeholders(text: str, flags: set[str]) -> list[str]:
    """%(name)s placeholders, and {name} fields where xgettext saw str.format (python-brace-format)."""
    found = PERCENT.findall(text)
    if "python-brace-format" in flags:
        found += [
            f"{{{name}:{spec}}}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None
        ]
    return sorted(found)


def test_every_entry_of_the_english_catalogue_is_translated_and_keeps_its_placeholders():
    entries = read_po(CATALOGUE / "django.po")
    assert len(entries) > 1000

    untranslated = [e["msgid"] for e in entries if not all(translations(e))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    for entry in entries:
        expected = placeholders(entry.get("msgid_plural", entry["msgid"]), entry["flags"])
        for text in translations(entry):
            assert placeholders(text, entry["flags"]) == expected, (entry["msgid"], text)
        if "msgid_plural" in entry:
            assert len(translations(entry)) == 2, entry["msgid"]  # English: one, other


def test_the_compiled_catalogue_matches_the_po_file():
    """django.mo is committed: a translation fixed in the .po but not compiled never reaches a page."""
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in read_po(CATALOGUE / "django.po"):
        context = f"{entry['msgctxt']}\x04" if "msgctxt" in entry else ""
        if "msgid_plural" in entry:
            forms = [catalogue.ngettext(context + entry["msgid"], entry["msgid_plural"], n) for n in (1, 2)]
            assert forms == translations(entry), entry["msgid"]
        else:
            assert catalogue.gettext(context + entry["msgid"]) == entry["msgstr"], entry["msgid"]


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="makemessages needs GNU gettext (apt-get install gettext)",
)
def test_every_string_marked_for_translation_is_in_the_english_catalogue(tmp_path, monkeypatch):
    """Extract the strings as `manage.py makemessages` does, from a copy of the sources so that the
    committed catalogue is left alone, and look each one up in it."""
    tree = tmp_path / "tree"
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = [
            d for d in dirs if not (here == ROOT and d in {".venv", ".git", "bench", "var"}) and d != "locale"
        ]
        for name in files:
            if name.endswith((".py", ".html", ".txt")):
                target = tree / (here / name).relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(here / name, target)
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
        call_command("makemessages", locale=["en"], no_location=True, verbosity=0)

    def keys(entries):
        return {(e.get("msgctxt"), e["msgid"]) for e in entries}

    in_code = keys(read_po(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = in_code - keys(read_po(CATALOGUE / "django.po"))
    assert not missing, (
        "Strings not in the English catalogue: run `make messages`, translate the new entries of "
        f"src/motcua/locale/en/LC_MESSAGES/django.po, run `make messages` again: {sorted(missing, key=str)}"
    )
