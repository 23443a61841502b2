"""The PDF reports, read back with pypdf: names, totals equal to the read API's, "page X / Y" on
every page, PDF/UA metadata (title, author, language, tagged structure), and the pagination of
a 50-module formation (the table header repeated, no row cut between two pages)."""

import re

import pytest

from reports.formatting import heures
from tests.reports.support import (
    DEMO_ROWS,
    READ_PATHS,
    REPORTS,
    demo_report,
    pages_text,
    pdf_reader,
    spaces,
    squeeze,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

KINDS = list(DEMO_ROWS)
NAME_FIELD = {"formation": "nom", "personne": "nom_prenom", "projet": "nom"}
TITLE_PREFIX = {
    "formation": "Rapport de formation — ",
    "personne": "Rapport personne — ",
    "projet": "Rapport projet — ",
}


@pytest.fixture
def reader(client_for):
    return client_for("read:*")


def read_api(reader, kind: str) -> dict:
    response = reader.get(f"{READ_PATHS[kind]}/{DEMO_ROWS[kind]}")
    assert response.status_code == 200
    return response.json()["data"]


def h(value) -> str:
    return spaces(heures(value))


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_names_the_row_and_numbers_every_page(reader, kind):
    row = read_api(reader, kind)
    fetched = demo_report(reader, kind, DEMO_ROWS[kind])
    texts = pages_text(fetched.content)

    assert fetched.headers["Content-Type"] == "application/pdf"
    assert all(text.strip() for text in texts), "every page has selectable text"
    assert squeeze(row[NAME_FIELD[kind]]) in squeeze(texts[0])
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"page {number} / {total}\s*$", text), (number, text[-200:])


def test_formation_pdf_totals_are_the_read_apis(reader):
    row = read_api(reader, "formation")
    text = spaces("\n".join(pages_text(demo_report(reader, "formation", 1).content)))

    assert f"HEURES PRÉVUES\n{h(row['heures'])}\n" in text
    assert f"ATTRIBUÉES\n{h(row['heures_deja_attribuees'])}\n" in text
    assert f"RÉALISÉES\n{h(row['heures_realisees_total'])}\n" in text
    assert f"Heures restant à attribuer : {h(row['heures_restantes'])}." in text
    assert f"Total à attribuer {h(row['heures_restantes'])}" in text
    for bloc in row["blocs"]:
        head = (
            f"{bloc['nom']} {h(bloc['heures'])} prévues · {h(bloc['heures_deja_attribuees'])} "
            f"attribuées · {h(bloc['heures_realisees_total'])} réalisées"
        )
        assert head in text
    # The demo's figures, so that a read API and a report wrong in the same way still fail.
    assert (row["heures"], row["heures_deja_attribuees"], row["heures_realisees_total"]) == (
        427,
        315,
        140,
    )


def test_personne_pdf_totals_are_the_read_apis(reader):
    row = read_api(reader, "personne")
    text = spaces("\n".join(pages_text(demo_report(reader, "personne", 4).content)))

    assert f"RESTE FORMATION\n{h(row['heures_restantes_formation'])}\n" in text
    assert f"RESTE AGENCE\n{h(row['heures_restantes_agence'])}\n" in text
    assert f"RESTE TOTAL\n{h(row['heures_restantes_totales'])}\n" in text
    formation_line = (
        f"Formation {h(row['capacite_formation_h'])} {h(row['heures_attribuees_formation'])} "
        f"attribuées {h(row['heures_restantes_formation'])}"
    )
    agence_line = (
        f"Agence {h(row['capacite_agence_h'])} {h(row['heures_realisees_agence'])} "
        f"réalisées {h(row['heures_restantes_agence'])}"
    )
    assert formation_line in text
    assert agence_line in text
    assert squeeze(
        f"Total {h(row['capacite_totale_h'])} {h(row['heures_engagees_totales'])} engagées"
    ) in squeeze(text)
    assert squeeze(f"Total {h(row['heures_realisees_agence'])}") in squeeze(text)  # months
    assert row["heures_realisees_agence"] == 22.5
    assert "1 177,5 h" in text  # Babel's thousands separator, read back


def test_projet_pdf_totals_are_the_read_apis(reader):
    row = read_api(reader, "projet")
    text = spaces("\n".join(pages_text(demo_report(reader, "projet", 1).content)))

    assert f"CHARGE ESTIMÉE\n{h(row['charge_estimee_h'])}\n" in text
    assert f"RÉALISÉE\n{h(row['heures_realisees'])}\n" in text
    assert f"RESTANTE\n{h(row['heures_restantes'])}\n" in text
    assert squeeze(f"Total {h(row['heures_realisees'])}") in squeeze(text)  # the weeks
    squeezed = squeeze(text)
    for tache in row["taches"]:
        line = f"{tache['nom']}{h(tache['estimation_h'])}{h(tache['heures_realisees'])}"
        assert squeeze(line) in re.sub(r"(Àfaire|Encours|Terminée)", "", squeezed)
    assert (row["charge_estimee_h"], row["heures_realisees"]) == (120, 21.5)


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_is_tagged_titled_and_french(reader, kind):
    row = read_api(reader, kind)
    document = pdf_reader(demo_report(reader, kind, DEMO_ROWS[kind]).content)
    catalog = document.trailer["/Root"]

    assert document.metadata.title == TITLE_PREFIX[kind] + row[NAME_FIELD[kind]]
    assert document.metadata.author == "Formation Hub Bridge"
    assert catalog["/Lang"] == "fr"
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog  # type: ignore[operator]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_pdf_title_is_the_html_title(reader):
    html = demo_report(reader, "projet", 1, "html").content.decode()
    title = re.search(r"<title>(.*?)</title>", html).group(1)
    document = pdf_reader(demo_report(reader, "projet", 1).content)
    assert document.metadata.title == title


# -- a formation of 50 modules ----------------------------------------------------------------

BLOC_SIZES = (30, 15, 5)
ATTRIBUTED = (0, 1, 2, 30, 45)  # modules fully attributed; the 45 others are still to assign
_big_pdf: dict[int, bytes] = {}


def module_name(index: int) -> str:
    return f"Atelier{index:02d}"


@pytest.fixture
def big_formation(demo_baserow, reader):
    """A formation of 3 blocs (30, 15 and 5 modules): module i has 10 + i hours, so each row's
    hours identify it; 5 modules fully attributed. Rendered once per process."""
    client = demo_baserow.client

    def t(entity: str) -> int:
        return demo_baserow.mapping.table(entity).table_id

    formation = client.create_row(
        t("formation"), {"nom": "Formation longue", "code": "LONG", "statut": "en_cours"}
    )["id"]
    blocs = client.batch_create(
        t("bloc"),
        [
            {"nom": f"Bloc {letter}", "formation": [formation], "ordre": order}
            for order, letter in enumerate("ABC", start=1)
        ],
    )
    bloc_of = [
        bloc["id"] for bloc, size in zip(blocs, BLOC_SIZES, strict=True) for _ in range(size)
    ]
    modules = client.batch_create(
        t("module"),
        [
            {"nom": module_name(i), "bloc": [bloc_of[i]], "heures": 10 + i, "statut": "a_attribuer"}
            for i in range(50)
        ],
    )
    client.batch_create(
        t("attribution"),
        [
            {
                "nom": f"att {i}",
                "module": [modules[i]["id"]],
                "personne": [1 + i % 3],
                "heures_attribuees": 10 + i,
                "statut": "prevu",
            }
            for i in ATTRIBUTED
        ],
    )
    if formation not in _big_pdf:
        response = reader.get(f"{REPORTS}/formation/{formation}")
        assert response.status_code == 200
        _big_pdf[formation] = response.content
    return _big_pdf[formation]


def split_at_a_attribuer(texts: list[str]) -> tuple[list[str], list[str]]:
    """Each page's text before and after the "Modules à attribuer" heading."""
    before, after, seen = [], [], False
    for text in texts:
        if not seen and "\nModules à attribuer\n" in text:
            head, _, tail = text.partition("\nModules à attribuer\n")
            before.append(head)
            after.append(tail)
            seen = True
        elif seen:
            before.append("")
            after.append(text)
        else:
            before.append(text)
            after.append("")
    assert seen, "the 'Modules à attribuer' section is missing"
    return before, after


def test_fifty_modules_span_pages_and_repeat_the_table_header(big_formation):
    texts = pages_text(big_formation)
    before, after = split_at_a_attribuer(texts)

    assert len(texts) >= 2
    header = "MODULEHEURESATTRIBUÉESRÉALISÉESSTATUTFORMATEURS"
    bloc_a_pages = {
        page
        for page, text in enumerate(before)
        for i in range(BLOC_SIZES[0])
        if module_name(i) in squeeze(text)
    }
    assert len(bloc_a_pages) >= 2, "the first bloc's 30 rows should not fit on one page"
    for page, text in enumerate(before):
        if "Atelier" in text:
            assert header in squeeze(text), f"page {page + 1} has module rows but no header"
    todo_header = "MODULEBLOCHEURESRESTANTÀATTRIBUER"
    for page, text in enumerate(after):
        if "Atelier" in text:
            assert todo_header in squeeze(text), f"page {page + 1}: rows without their header"


def test_fifty_modules_no_row_is_cut_or_repeated(big_formation):
    texts = pages_text(big_formation)
    before, after = split_at_a_attribuer(texts)
    every = squeeze("".join(before))
    todo = squeeze("".join(after))

    for i in range(50):
        name = module_name(i)
        assert every.count(name) == 1, name
        assert todo.count(name) == (0 if i in ATTRIBUTED else 1), name
        # The row is whole on one page: its name, then its hours (after its "à attribuer"
        # badge, if any), before the next row.
        pages = [squeeze(spaces(text)) for text in before if name in squeeze(spaces(text))]
        assert len(pages) == 1
        row = pages[0].split(name, 1)[1].split("Atelier", 1)[0]
        assert re.match(rf"(Àattribuer:\d+h)?{10 + i}h", row), (name, row)
    assert "Total à attribuer" in "".join(after)
    assert sum(10 + i for i in range(50) if i not in ATTRIBUTED) == 1597
    assert "Totalàattribuer1597h" in todo


# -- long but ordinary names ------------------------------------------------------------------

LONG_MODULE = (
    "Conception et développement d'applications web et mobiles sécurisées avec intégration "
    "continue, tests automatisés et déploiement"
)
LONG_FORMATION = (
    "Titre professionnel Concepteur Développeur d'Applications — parcours en alternance, "
    "promotion du printemps"
)


def test_long_ordinary_names_do_not_break_short_cells_mid_word(reader, demo_baserow):
    client = demo_baserow.client

    def t(entity: str) -> int:
        return demo_baserow.mapping.table(entity).table_id

    formation = client.create_row(t("formation"), {"nom": LONG_FORMATION, "statut": "en_cours"})
    bloc = client.create_row(t("bloc"), {"nom": "Bloc", "formation": [formation["id"]]})
    module = client.create_row(
        t("module"), {"nom": LONG_MODULE, "bloc": [bloc["id"]], "heures": 20, "statut": "en_cours"}
    )
    client.create_row(
        t("attribution"),
        {
            "nom": "a",
            "module": [module["id"]],
            "personne": [4],
            "heures_attribuees": 10,
            "statut": "prevu",
            "date_debut": "2026-12-01",
        },
    )

    personne = spaces("\n".join(pages_text(reader.get(f"{REPORTS}/personne/4").content)))
    formation_text = spaces(
        "\n".join(pages_text(reader.get(f"{REPORTS}/formation/{formation['id']}").content))
    )

    # Rendered before the fix, the two texts are readable only once squeezed:
    assert "Prévu" in squeeze(personne)
    assert "1déc.2026" in squeeze(personne)
    # ...and each short cell should be whole on its line.
    assert len(re.findall(r"\bPrévu\b", personne)) == 2, personne
    assert "10 oct. 2026" in personne
    assert "1 déc. 2026" in personne
    assert re.search(r"\bSTATUT\b", personne)
    assert re.search(r"\bDÉBUT\b", personne)
    assert re.search(r"\bFORMATEURS\b", formation_text)
    assert re.search(r"\bEn cours\b", formation_text)
    assert "Camille Petit" in formation_text
