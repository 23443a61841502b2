"""Text from Baserow stays text in Docmost: no value can become a link, an image or HTML."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.docmost.connection import docmost
from integrations.fakes.docmost.fake import _markdown_to_json
from sync.models import EntityLink
from sync.pages import markdown_text

pytestmark = [pytest.mark.django_db]

LINK = "[x](javascript:alert(1))"
IMAGE = "<img src=x onerror=alert(1)>"
MARKDOWN_IMAGE = "![a](https://evil.example/t.png)"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def deliver(baserow, kind, body):
        with django_capture_on_commit_callbacks(execute=True):
            return baserow.post(kind, body)

    return deliver


def read_back(page_id):
    """The page as Docmost's editor holds it (JSON nodes), through the bridge's client."""
    return docmost().client.get_page(page_id, format="json")


def nodes(doc):
    yield doc
    for child in doc.get("content") or []:
        yield from nodes(child)


def text_of(doc):
    return "".join(node.get("text", "") for node in nodes(doc))


def assert_only_text(doc):
    assert not [n for n in nodes(doc) if n.get("type") == "image"]
    assert not [n for n in nodes(doc) if n.get("marks")]


def test_a_hostile_projet_and_tache_nom_stay_literal_text_in_the_page(baserow, run):
    projet = baserow.client.create_row(
        baserow.table("projet"),
        {"nom": LINK, "client": [1], "statut": "en_cours", "charge_estimee_h": 4},
    )["id"]
    event = baserow.last_event()
    baserow.client.create_row(
        baserow.table("tache"), {"nom": IMAGE, "projet": [projet], "statut": "a_faire"}
    )
    baserow.client.create_row(
        baserow.table("tache"),
        {"nom": f"{MARKDOWN_IMAGE}\n\n# not a heading", "projet": [projet], "statut": "a_faire"},
    )

    run(baserow, "projet-changed", event)

    link = EntityLink.objects.get(entity="projet", row_id=projet)
    page = read_back(link.docmost_page_id)
    assert page["title"] == f"Projet {LINK} - Boulangerie Martin"  # titles are plain text
    doc = page["content"]
    assert_only_text(doc)
    text = text_of(doc)
    assert f"Projet {LINK}" in text
    assert IMAGE in text
    assert f"{MARKDOWN_IMAGE} # not a heading" in text  # one line: no block can start
    assert [n["type"] for n in doc["content"]].count("heading") == 2  # the page's own two


def test_a_hostile_bloc_nom_stays_literal_text_in_its_page(baserow, run):
    formation = baserow.client.create_row(
        baserow.table("formation"), {"nom": "Sécurité", "statut": "brouillon"}
    )["id"]
    event = baserow.last_event()
    baserow.client.create_row(
        baserow.table("bloc"), {"nom": IMAGE, "formation": [formation], "ordre": 1}
    )

    run(baserow, "formation-changed", event)

    bloc_page = EntityLink.objects.get(entity="bloc").docmost_page_id
    page = read_back(bloc_page)
    assert page["title"] == IMAGE
    assert_only_text(page["content"])
    assert text_of(page["content"]) == IMAGE


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_any_value_reads_back_as_exactly_its_text(value):
    doc = _markdown_to_json(f"- {markdown_text(value)}")

    assert_only_text(doc)
    expected = " ".join(value.split())
    assert text_of(doc) == f"- {expected}".strip()
