"""The position-paper reader: the real paper, papers written for these tests, and bad input."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from docx import Document
from docx.enum.text import WD_BREAK

from consult.papers import PaperError, read_blocks, read_paper
from consult.papers.blocks import clean_text

ROOT = Path(__file__).resolve().parent.parent
REAL_PAPER = ROOT / "consult" / "fixtures" / "iom-hld-2013-position-paper.fr.md"
PAPERS = Path(__file__).resolve().parent / "papers"


def read_file(path: Path):
    return read_paper(path.name, path.read_bytes())


def all_texts(outline) -> list[str]:
    texts = [outline.title]
    for area in outline.areas:
        texts += [area.title, area.headline, area.context, *area.recommendations]
    return texts


def counts(outline) -> list[int]:
    return [len(area.recommendations) for area in outline.areas]


@pytest.fixture(scope="module")
def real_paper():
    return read_file(REAL_PAPER)


# The real paper ----------------------------------------------------------------------------


def test_real_paper_has_six_areas_with_thirty_recommendations(real_paper):
    assert [area.number for area in real_paper.areas] == [1, 2, 3, 4, 5, 6]
    assert counts(real_paper) == [5, 6, 5, 4, 5, 5]


def test_real_paper_is_french_and_titled_by_its_first_top_heading(real_paper):
    assert real_paper.language == "fr"
    assert real_paper.title.startswith("Dialogue de haut niveau sur les migrations internationales")


def test_real_paper_recommendations_have_their_exact_text(real_paper):
    areas = real_paper.areas
    assert areas[0].recommendations[0] == (
        "S'attaquer aux conceptions erronées de la migration en diffusant des informations factuelles sur "
        "l'évolution démographique actuelle et les autres tendances pertinentes, et sur la contribution "
        "éminemment positive des migrants au regard de l'histoire."
    )
    assert areas[3].recommendations[3] == (
        "Améliorer les synergies entre la justice transitionnelle, le règlement des litiges portant sur les "
        "biens fonciers et immobiliers et l'accès aux réparations, d'une part, et la recherche de solutions "
        "durables aux déplacements internes et internationaux, de l'autre."
    )
    assert areas[5].recommendations[4] == (
        "Engager les Etats à veiller au financement continu des initiatives de migration et développement, "
        "surtout dans le contexte de la récession économique mondiale."
    )


def test_real_paper_all_caps_area_title_becomes_sentence_case(real_paper):
    assert real_paper.areas[0].title == "Améliorer l'image des migrants dans l'opinion"
    assert real_paper.areas[2].title == "Protéger les droits humains de tous les migrants"


def test_real_paper_headline_keeps_the_whole_bold_paragraph(real_paper):
    assert real_paper.areas[2].headline == (
        "Garantir le respect et la protection des droits humains de tous les migrants. Plus précisément, "
        "promouvoir une approche de la migration davantage fondée sur les droits, qui garantit aux migrants "
        "la jouissance de leurs droits sociaux et économiques compte tenu de leurs différentes vulnérabilités "
        "en fonction du sexe, de l'âge, de la santé, du statut juridique et d'autres facteurs."
    )


def test_real_paper_bold_italic_headline_is_read(real_paper):
    assert real_paper.areas[5].headline == (
        "Améliorer les processus d'élaboration des politiques au niveau national, régional et international "
        "grâce à la participation effective de divers partenaires."
    )


def test_real_paper_leaves_no_markup_or_footnote_numbers(real_paper):
    for text in all_texts(real_paper):
        assert not re.search(r"[*_<>]|  ", text), text
        # A footnote number left behind sticks to the word before it: "assise1".
        assert not re.search(r"[^\W\d_]\d", text), text


def test_real_paper_example_paragraphs_are_context(real_paper):
    assert real_paper.areas[0].context.startswith("Par exemple, l'OIM a lancé un appel")
    assert "Bien communiquer sur la migration" in real_paper.areas[0].context
    assert real_paper.areas[1].context.startswith("L'OIM recommande d'incorporer la migration")
    for area in real_paper.areas:
        assert area.context and all(area.context not in text for text in area.recommendations)


def test_real_paper_bullets_of_parts_b_and_c_are_not_recommendations(real_paper):
    recommendations = " ".join(text for area in real_paper.areas for text in area.recommendations)
    for bullet_outside in ("De demander au Directeur général", "Premièrement, l'OIM", "L'OIM considère que"):
        assert bullet_outside not in recommendations


def test_real_paper_bullet_cut_by_a_footnote_is_joined_again():
    texts = [block.text for block in read_blocks(REAL_PAPER.name, REAL_PAPER.read_bytes())]
    assert any("pour le Groupe. En sa qualité d'unique organisme, parmi les 16" in text for text in texts)
    assert not any(text.startswith(("sa qualité", "Conformément au mandat de l'Organisation")) for text in texts)


def test_ordinal_in_superscript_is_kept_while_footnote_markers_go():
    texts = " ".join(block.text for block in read_blocks(REAL_PAPER.name, REAL_PAPER.read_bytes()))
    assert "au 21e siècle" in texts
    assert "large assise. Depuis" in texts


# Papers written for these tests --------------------------------------------------------------


def test_english_markdown_with_star_bullets_and_parenthesis_numbering():
    outline = read_file(PAPERS / "en-recommendations.md")
    assert (outline.language, outline.title) == ("en", "Migration and Development: Position Paper")
    assert [area.title for area in outline.areas] == [
        "Improve the public image of migrants",
        "Mainstream migration into development planning",
        "Protect migrants caught in crises",
    ]
    assert counts(outline) == [3, 3, 2]


def test_english_markdown_joins_wrapped_and_hyphenated_bullets():
    area = read_file(PAPERS / "en-recommendations.md").areas[0]
    assert area.recommendations[0] == (
        "Support media campaigns that show the contributions of migrants to their host societies."
    )
    assert area.recommendations[2] == "Train journalists to report on migration with accurate, disaggregated data."
    assert area.headline == (
        "Promote a balanced public debate on migration. In particular, counter xenophobia with facts."
    )
    assert area.context == "For example, the organisation ran a global campaign on migrants' contributions in 2012."


def test_english_markdown_reads_plus_bullets_split_by_a_blank_line_and_lettered_items():
    areas = read_file(PAPERS / "en-recommendations.md").areas
    assert areas[1].headline == "Make migration part of national development plans."
    assert areas[1].recommendations[2] == "Fund regional research networks on migration."
    assert areas[2].recommendations == [
        "Agree on who assists stranded migrants, and who pays for their return.",
        "Include migrants in disaster preparedness plans.",
    ]


def test_english_markdown_leaves_background_and_annex_bullets_out():
    outline = read_file(PAPERS / "en-recommendations.md")
    texts = " ".join(all_texts(outline))
    assert "Remittances" not in texts and "GFMD" not in texts and "[^1]" not in texts


def test_spanish_paper_with_bold_pseudo_headings_and_wrapped_dot_bullets():
    outline = read_file(PAPERS / "es-recomendaciones.md")
    assert outline.language == "es"
    assert [area.title for area in outline.areas] == [
        "Mejorar la percepción pública de los migrantes",
        "Integrar la migración en la planificación del desarrollo",
    ]
    assert counts(outline) == [3, 2]
    assert outline.areas[0].recommendations[0] == (
        "Apoyar campañas en los medios que muestren la contribución de los migrantes a las sociedades de acogida."
    )
    assert outline.areas[1].recommendations[1] == (
        "Incluir la migración en la agenda para el desarrollo después de 2015."
    )
    assert outline.areas[1].headline == "Incorporar la migración en los planes nacionales de desarrollo."


def test_arabic_paper_with_arabic_indic_numbering():
    outline = read_file(PAPERS / "ar-tawsiyat.md")
    assert outline.language == "ar"
    assert [area.title for area in outline.areas] == ["تحسين صورة المهاجرين", "حماية حقوق الإنسان لجميع المهاجرين"]
    assert counts(outline) == [2, 3]
    assert outline.areas[1].context.startswith("على سبيل المثال")


def test_russian_paper_with_numbered_sub_recommendations_and_capital_titles():
    outline = read_file(PAPERS / "ru-rekomendatsii.md")
    assert outline.language == "ru"
    assert outline.areas[0].title == "Улучшить образ мигрантов в общественном мнении"
    assert counts(outline) == [2, 3]
    assert outline.areas[1].recommendations[2] == "Поощрять страны регулярно составлять «миграционные профили»."


def test_chinese_paper_with_chinese_numerals():
    outline = read_file(PAPERS / "zh-jianyi.md")
    assert outline.language == "zh"
    assert [area.title for area in outline.areas] == ["改善移民的公众形象", "加强移民数据"]
    assert counts(outline) == [2, 2]
    assert outline.areas[0].headline == "倡导公众对移民的看法发生根本转变。更确切地说，承认移民对发展的贡献。"


def test_bold_paragraphs_numbered_with_a_parenthesis_are_areas_not_items():
    paper = (
        "## Recommendations\n\n**1) Improve data**\n\nHeadline.\n\n1) Develop indicators.\n2) Invest in research.\n\n"
        "**2) Protect migrants**\n\n• Assist stranded migrants.\n"
    )
    outline = read_paper("paper.md", paper.encode())
    assert [(area.title, area.recommendations) for area in outline.areas] == [
        ("Improve data", ["Develop indicators.", "Invest in research."]),
        ("Protect migrants", ["Assist stranded migrants."]),
    ]


# Word papers ----------------------------------------------------------------------------------


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_headline(document, bold: str, rest: str = ""):
    paragraph = document.add_paragraph()
    paragraph.add_run(bold).bold = True
    paragraph.add_run(rest)


def add_numbered_paragraph(document, text: str):
    """Add a Normal paragraph made a list item by its numbering properties, as Word does."""
    paragraph = document.add_paragraph(text)
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = 1


@pytest.fixture
def english_docx() -> bytes:
    document = Document()
    document.add_heading("Migration and development: position paper", level=0)
    document.add_heading("Background", level=1)
    document.add_paragraph("Migration concerns every country.", style="List Bullet")
    document.add_heading("Recommendations", level=1)
    document.add_heading("1. Improve the public image of migrants", level=2)
    add_headline(document, "Promote a balanced public debate.", " In particular, counter xenophobia.")
    bullet = document.add_paragraph("Support media campaigns on migration", style="List Bullet")
    bullet.add_run("2").font.superscript = True
    bullet.add_run(".")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Involve diaspora groups,", style="List Bullet")
    document.add_paragraph("especially youth groups.", style="List Bullet 2")
    document.add_paragraph("For example, the organisation ran a global campaign in 2012.")
    document.add_heading("2. Strengthen the evidence on migration", level=2)
    add_headline(document, "Improve migration data.")
    document.add_paragraph("Develop comparable indicators.", style="List Number")
    add_numbered_paragraph(document, "Invest in research capacity.")
    document.add_heading("Annex", level=1)
    document.add_paragraph("GFMD: Global Forum on Migration and Development.", style="List Bullet")
    return docx_bytes(document)


@pytest.fixture
def french_docx_without_digits() -> bytes:
    """A paper whose heading numbers Word would draw itself: none in the text."""
    document = Document()
    document.add_heading("Contexte", level=1)
    document.add_paragraph("La mobilité humaine est sans précédent.")
    document.add_heading("Recommandations de l'OIM", level=1)
    document.add_heading("AMÉLIORER L'IMAGE DES MIGRANTS", level=2)
    add_headline(document, "Préconiser un changement radical de l'idée que se fait l'opinion de la migration.")
    document.add_paragraph("S'attaquer aux conceptions erronées de la migration.", style="List Bullet")
    document.add_paragraph("Mobiliser les migrants et la société d'accueil.", style="List Bullet")
    document.add_heading("Protéger les droits des migrants", level=2)
    for text in ("Encourager des lois nationales.", "Faciliter la transférabilité.", "Réunir les familles."):
        document.add_paragraph(text, style="List Bullet")
    document.add_paragraph("Par exemple, l'OIM contribue au cadre opérationnel sur la santé des migrants.")
    document.add_heading("Annexe", level=1)
    document.add_paragraph("Sigles.", style="List Bullet")
    return docx_bytes(document)


def test_word_paper_with_numbered_heading_2_areas_and_list_bullets(english_docx):
    outline = read_paper("paper.docx", english_docx)
    assert (outline.language, outline.title) == ("en", "Migration and development: position paper")
    assert [area.title for area in outline.areas] == [
        "Improve the public image of migrants",
        "Strengthen the evidence on migration",
    ]
    assert counts(outline) == [2, 2]


def test_word_paper_drops_superscript_footnote_runs_and_joins_nested_bullets(english_docx):
    area = read_paper("paper.docx", english_docx).areas[0]
    assert area.headline == "Promote a balanced public debate. In particular, counter xenophobia."
    assert area.recommendations == [
        "Support media campaigns on migration.",
        "Involve diaspora groups, especially youth groups.",
    ]
    assert area.context == "For example, the organisation ran a global campaign in 2012."


def test_word_paper_reads_list_number_and_numbering_properties_as_items(english_docx):
    area = read_paper("paper.docx", english_docx).areas[1]
    assert area.recommendations == ["Develop comparable indicators.", "Invest in research capacity."]


def test_word_paper_without_digits_takes_the_sub_headings_as_areas(french_docx_without_digits):
    outline = read_paper("note.docx", french_docx_without_digits)
    assert outline.language == "fr"
    assert [(area.number, area.title) for area in outline.areas] == [
        (1, "Améliorer l'image des migrants"),
        (2, "Protéger les droits des migrants"),
    ]
    assert counts(outline) == [2, 3]
    assert outline.areas[1].context.startswith("Par exemple")


# Text cleaning --------------------------------------------------------------------------------


def test_clean_text_joins_broken_hyphenation_but_keeps_real_hyphens():
    assert clean_text("mainte-\nnance des  systèmes") == "maintenance des systèmes"
    assert clean_text("migration Nord-\nSud et après-\n2015") == "migration Nord-Sud et après-2015"


# Bad input --------------------------------------------------------------------------------------


def zip_without_word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


NO_AREA = b"# Paper\n\n## Recommendations\n\nThe Dialogue could act.\n\n- Do something.\n\n## Annex\n"
EMPTY_AREA = (
    b"# Paper\n\n## Recommendations\n\n### 1. First\n\nHeadline.\n\n- Do something.\n\n"
    b"### 2. Second\n\nA headline and nothing else.\n"
)
BAD_PAPERS = {
    "empty": ("paper.md", b"", "The file is empty"),
    "blank": ("paper.txt", b"  \n\n \n", "The file is empty"),
    "empty word": ("paper.docx", b"", "The file is empty"),
    "binary": ("paper.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary or not UTF-8"),
    "zero bytes": ("paper.txt", b"# Recommendations\x00\x00\x00", "binary"),
    "latin-1": ("paper.md", "## Recommandations générales".encode("latin-1"), "not UTF-8"),
    "word not a zip": ("paper.docx", b"Just some text called .docx", "not a Word document"),
    "zip not word": ("paper.docx", zip_without_word_document(), "zip archive but not a Word document"),
    "pdf": ("paper.pdf", b"%PDF-1.4 ...", "Unsupported file type"),
    "no part": ("paper.md", b"# Paper\n\n## Background\n\n- A bullet.\n", "No recommendations part"),
    "no area": ("paper.md", NO_AREA, "has no numbered priority area"),
    "empty area": ("paper.md", EMPTY_AREA, 'Priority area 2 ("Second") has no sub-recommendations'),
}


@pytest.mark.parametrize("filename, content, message", BAD_PAPERS.values(), ids=BAD_PAPERS.keys())
def test_bad_paper_is_refused_with_a_one_line_message(filename, content, message):
    with pytest.raises(PaperError, match=re.escape(message)) as error:
        read_paper(filename, content)
    assert "\n" not in str(error.value)


def test_paper_over_the_size_limit_is_refused_before_parsing():
    content = b"\xff" * (settings.POSITION_PAPER_MAX_BYTES + 1)
    with pytest.raises(PaperError, match="too large: the limit is 10 MB"):
        read_paper("paper.md", content)
