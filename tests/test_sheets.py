"""The cheat sheets, read back with poppler, pypdf and fontTools, as printed pages."""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from generator.build import PIECES, Loaded, Session, build
from generator.facts.extract import slugify
from generator.options import BuildOptions, SheetOptions
from generator.sheets.booklet import PieceCache
from generator.sheets.documents import Sheet, stylesheet
from generator.sheets.impose import pack_sheet
from generator.sheets.page import PageSetup
from generator.sheets.pdf import parse_array_types_once
from generator.sheets.plan import (
    WORD_JOINER,
    keep_hangul_words,
    plan_sheets,
    sheet_from_record,
    sheet_record,
)
from generator.sheets.workers import WorkerLost
from generator.store.cache import Store
from generator.store.memo import Memo, read_memo

from .conftest import NOW
from .pdf_helpers import column_fill, column_text, drawn_glyphs, outline, pdf_text

HANGUL = re.compile(r"[\uac00-\ud7a3]")
KANA = re.compile(r"[\u3040-\u30ff]")


def squeeze(text: str) -> str:
    return "".join(text.split())


def sheet_path(out: Path, slug: str) -> Path:
    return out / "sheets" / f"{slug}.pdf"


def test_every_subject_has_a_sheet_with_its_facts(seed_build) -> None:
    result, out = seed_build
    notes = result.loaded.notes
    for subject in notes.subjects:
        path = sheet_path(out, subject.slug)
        text = squeeze(pdf_text(path)) + squeeze(column_text(path))
        facts = [f for f in notes.facts_of(subject.name) if f.kind != "image"]
        shown = [f for f in facts if squeeze(f.text) in text]
        assert len(shown) >= 0.95 * len(facts), (subject.name, len(shown), len(facts))


def test_sheets_fit_the_page_budget(seed_build) -> None:
    _, out = seed_build
    pages = {p.stem: len(PdfReader(str(p)).pages) for p in (out / "sheets").glob("*.pdf")}
    sheets = {slug: count for slug, count in pages.items() if slug != "all"}
    assert max(sheets.values()) <= 3
    assert sum(1 for count in sheets.values() if count == 1) > len(sheets) / 2
    sizes = {p.stem: p.stat().st_size for p in (out / "sheets").glob("*.pdf") if p.stem != "all"}
    assert max(sizes.values()) <= 300_000, sizes


def test_no_tofu_every_character_has_its_own_glyph(seed_build) -> None:
    """Text extraction succeeds even on tofu boxes, so compare the glyph outlines drawn:
    no character may be drawn with .notdef, and distinct CJK characters with distinct
    outlines."""
    _, out = seed_build
    for slug in ("amazon-sagemaker", "amazon-rekognition", "responsible-ai-practices-korean"):
        drawn = drawn_glyphs(sheet_path(out, slug))
        cjk = {c: shapes for c, shapes in drawn.items() if HANGUL.match(c) or ord(c) > 0x3000}
        assert len(cjk) > 100
        for char, shapes in drawn.items():
            assert all(outline not in (("notdef",), ("missing",)) for _, outline in shapes), char
        owners: dict[tuple, str] = {}
        for char, shapes in cjk.items():
            for font, shape in shapes:
                assert shape, char  # an empty outline is an invisible glyph
                assert owners.setdefault((font, shape), char) == char, (char, owners[(font, shape)])


def test_japanese_text_uses_japanese_glyph_forms(seed_build) -> None:
    _, out = seed_build
    drawn = drawn_glyphs(sheet_path(out, "amazon-sagemaker"))
    kana_fonts = {font for c, shapes in drawn.items() if KANA.match(c) for font, _ in shapes}
    hangul_fonts = {font for c, shapes in drawn.items() if HANGUL.match(c) for font, _ in shapes}
    assert kana_fonts and all("jp" in font for font in kana_fonts)
    assert hangul_fonts and all("kr" in font for font in hangul_fonts)
    assert 'lang="ja"' in next(
        s.html for s in seed_build[0].sheets if s.subject.slug == "amazon-sagemaker"
    )


def test_korean_words_are_not_broken_across_lines(seed_build) -> None:
    result, out = seed_build
    words = {
        word
        for fact in result.loaded.notes.facts
        for word in fact.text.split()
        if HANGUL.search(word) and len(word) <= 12
    }
    broken = []
    for slug in ("responsible-ai-practices-korean", "amazon-personalize", "amazon-q-business"):
        lines = [line.strip() for line in pdf_text(sheet_path(out, slug)).splitlines()]
        for first, second in itertools.pairwise(lines):
            if first and second and HANGUL.match(first[-1]) and HANGUL.match(second[0]):
                joined = first.split()[-1] + second.split()[0]
                if joined in words:
                    broken.append(f"{slug}: {first.split()[-1]}/{second.split()[0]}")
    assert broken == []


def test_word_joiner_keeps_identifiers_breakable() -> None:
    joined = keep_hangul_words("기준으로 <b>데이터</b> min/max_user_history_length_percentile값")
    assert f"기{WORD_JOINER}준{WORD_JOINER}으{WORD_JOINER}로" in joined
    assert "<b>" in joined and f"데{WORD_JOINER}이" in joined
    assert "min/max_user_history_length_percentile값" in joined  # too long to keep whole


def test_arrays_for_font_subsetting_keep_their_length() -> None:
    """The types WeasyPrint asks cffi for are spelled without a length (parsed once); the
    arrays made are the same."""
    from weasyprint.text.ffi import ffi

    parse_array_types_once()
    assert list(ffi.new("hb_codepoint_t[3]", [5, 6, 7])) == [5, 6, 7]
    assert list(ffi.new("hb_codepoint_t[4]", [5, 6])) == [5, 6, 0, 0]
    assert len(ffi.new("char[]", b"ab")) == 3


def test_c_types_parsed_at_once_are_the_types_cffi_parses_one_by_one() -> None:
    """The worker's types, declared in one parse, are what cffi would have made of each."""
    probe = (
        "from weasyprint.text.ffi import ffi\n"
        "from generator.sheets.pdf import RENDERING_C_TYPES, import_weasyprint,"
        " parse_c_types_at_once\n"
        "import_weasyprint()\n"
        "if 'at-once' in __import__('sys').argv: parse_c_types_at_once()\n"
        "print([(ffi.typeof(c).cname, ffi.typeof(c).kind) for c in RENDERING_C_TYPES])\n"
        "print(all(c in ffi._parsed_types for c in RENDERING_C_TYPES))\n"
    )
    lazily, at_once = (
        subprocess.run(
            [sys.executable, "-c", probe, how], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for how in ("lazily", "at-once")
    )
    assert at_once[0] == lazily[0]
    assert "FcChar8" not in at_once[0] and "uint32_t[100]" in at_once[0]  # resolved types
    assert at_once[1] == "True"


def test_sheets_from_the_memo_are_the_sheets_planned_anew(seeds: Loaded, tmp_path: Path) -> None:
    """A rebuild takes each unchanged sheet from the memo, exactly as planning would make
    it; an edited fact plans its subject's sheet again, and other code plans every one."""
    options, date = SheetOptions(), "2026-01-01"
    css = stylesheet(PageSetup.of(options))
    tight = stylesheet(PageSetup.of(options, tight=True))
    memo: Memo[Sheet] = Memo("code")
    planned = plan_sheets(seeds.notes, options, date, {}, memo)
    saved = tmp_path / "sheets.json"
    saved.write_text(memo.to_json(sheet_record), encoding="utf-8")

    def read(code: str) -> Memo[Sheet]:
        return read_memo(saved, code, lambda found: sheet_from_record(found, css, tight))

    again = read("code")
    assert plan_sheets(seeds.notes, options, date, {}, again) == planned
    assert not again.changed  # every sheet came from the memo

    fact = next(f for f in seeds.notes.facts if f.subject == "Amazon Polly")
    edited = replace(fact, markdown=fact.markdown + " (edited)", text=fact.text + " (edited)")
    facts = tuple(edited if f is fact else f for f in seeds.notes.facts)
    after_edit = read("code")
    sheets = plan_sheets(replace(seeds.notes, facts=facts), options, date, {}, after_edit)
    replanned = [s for s in sheets if s not in after_edit.known.values()]
    assert [s.title for s in replanned] == ["Amazon Polly"] and "(edited)" in replanned[0].html
    assert read("other code").known == {}


def test_booklet_has_one_bookmark_per_sheet_and_right_page_numbers(seed_build) -> None:
    result, out = seed_build
    reader = PdfReader(str(out / "sheets" / "all.pdf"))
    marks = outline(reader)
    assert [title for title, _, _ in marks] == [sheet.title for sheet in result.sheets]
    contents = pdf_text(out / "sheets" / "all.pdf").split("\f")
    numbers = re.findall(r"^(\d+)$", contents[0], re.MULTILINE)  # packed: contents on page 1
    assert numbers[0] == "1"  # the decision page, right after the contents: no bookmark
    assert [int(n) for n in numbers[1 : len(marks) + 1]] == [page + 1 for _, page, _ in marks]
    for title, page, _ in marks:
        assert squeeze(title) in squeeze(contents[page])  # the subject really starts there
    sections = [title for _, _, children in marks for title, _ in children]
    assert len(sections) >= len(marks)
    assert not [title for title in sections if WORD_JOINER in title]  # clean bookmark text
    links = _internal_links(reader, reader.pages[0])
    assert sorted(links) == sorted([0, *(page for _, page, _ in marks)])  # each row its start


def _internal_links(reader: PdfReader, page) -> list[int]:
    """The page index each link on ``page`` goes to (named or explicit destinations)."""
    named = reader.named_destinations
    found = []
    for annotation in page.get("/Annots", []):
        annotation = annotation.get_object()
        target = annotation.get("/Dest") or (annotation.get("/A") or {}).get("/D")
        if annotation.get("/Subtype") != "/Link" or target is None:
            continue
        if isinstance(target, str):
            found.append(reader.get_destination_page_number(named[target]))
        else:
            found.append(reader.get_page_number(target[0].get_object()))
    return found


def test_pdf_metadata(seed_build) -> None:
    _, out = seed_build
    info = PdfReader(str(sheet_path(out, "amazon-polly"))).metadata
    assert info.title == "Amazon Polly"
    lang = PdfReader(str(sheet_path(out, "amazon-polly"))).trailer["/Root"].get("/Lang")
    assert lang == "ko"


class Listener:
    """A local HTTP port that counts connections (there must be none)."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


def test_no_network_request_for_remote_images(notes_dir, tmp_path: Path) -> None:
    listener = Listener()
    url = f"http://127.0.0.1:{listener.port}"
    folder = notes_dir(
        {
            "net.md": "# Amazon Polly\n\n- 텍스트를 음성으로 변환한다.\n\n"
            f"![diagram]({url}/a.png)\n\n"
            f'- raw <img src="{url}/b.png"> html\n'
            f"- [link]({url}/c) and ![inline]({url}/d.png) image\n"
        }
    )
    result = build([folder], tmp_path / "out", NOW, BuildOptions(deck=False))
    listener.stop()
    assert listener.connections == 0
    text = pdf_text(tmp_path / "out" / "sheets" / "amazon-polly.pdf")
    assert f"[image] {url}/d.png" in text  # a placeholder with the link, not a fetch
    assert result.warnings == ()


def test_local_images_are_embedded_and_outside_ones_are_not(notes_dir, tmp_path: Path) -> None:
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d4944415478da63f8cfc0f01f0005000201a2cf33e90000000049454e44ae426082"
    )
    (tmp_path / "secret.png").write_bytes(png)
    folder = notes_dir(
        {"img.md": "# Amazon Polly\n\n![ok](pics/ok.png)\n\n- 설명 ![s](../secret.png)\n"}
    )
    (folder / "pics").mkdir()
    (folder / "pics" / "ok.png").write_bytes(png)
    build([folder], tmp_path / "out", NOW, BuildOptions(deck=False))
    reader = PdfReader(str(tmp_path / "out" / "sheets" / "amazon-polly.pdf"))
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1


def test_letter_portrait_and_large_print(notes_dir, tmp_path: Path) -> None:
    folder = notes_dir({"p.md": "# Amazon Polly\n\n- 텍스트를 음성으로 변환한다.\n"})
    options = BuildOptions(
        deck=False,
        sheet_options=SheetOptions(paper="Letter", orientation="portrait", large_print=True),
    )
    build([folder], tmp_path / "out", NOW, options)
    box = PdfReader(str(tmp_path / "out" / "sheets" / "amazon-polly.pdf")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_an_item_that_titles_its_sub_items_is_printed_once(seed_build) -> None:
    """Catches a bug: the lead line and a sub-heading with the same words were both printed
    (the comparison saw the word joiners inside the lead line)."""
    _, out = seed_build
    text = squeeze(pdf_text(sheet_path(out, "amazon-personalize")))
    assert (
        text.count(squeeze("마케팅 캠페인을 위한 지능적 사용자 세분화(Intelligent segmentation)"))
        == 1
    )
    assert text.count(squeeze("Personalize의 가장 큰 특징은 실시간 적응성")) == 1


def test_a_nearly_empty_last_page_is_set_tighter(notes_dir, tmp_path: Path) -> None:
    """A sheet whose second page would hold one short box is set tighter on one page; a
    sheet whose second page is well filled keeps the normal setting."""
    fact = "- 시계열 데이터로 수요를 예측하는 완전 관리형 서비스로, 과거 데이터와 변수를 쓴다.\n"
    full = "".join(f"## 주제 {n}\n\n" + fact * 4 for n in range(15))  # one page, nearly full
    geometry = PageSetup.of(SheetOptions()).geometry
    for extra, pages, share in (("## 끝\n\n" + fact * 3, 1, (0, 0.06)), (full, 2, (0.3, 1))):
        folder = notes_dir({"f.md": "# Amazon Forecast\n\n" + full + extra})
        out = tmp_path / f"out{pages}"
        result = build([folder], out, NOW, BuildOptions(deck=False))
        laid = PieceCache(Store(out) / PIECES).get("amazon-forecast", _only_key(out))
        assert laid is not None
        normal = pack_sheet(laid, geometry, "amazon-forecast", "Amazon Forecast")
        last = normal.filled(normal.pages - 1) / (geometry.columns * geometry.column_height)
        assert normal.pages == 2 and share[0] < last < share[1]  # as the normal setting is
        assert result.pages["sheets/amazon-forecast.pdf"] == pages
        assert len(PdfReader(str(sheet_path(out, "amazon-forecast"))).pages) == pages


def _only_key(out: Path) -> str:
    manifest = json.loads((out / ".cache" / "manifest.json").read_text(encoding="utf-8"))
    return manifest["files"]["sheets/amazon-forecast.pdf"]["key"]


def test_packed_booklet_wastes_no_paper(seed_build) -> None:
    """Measured from the PDF's word boxes: ≤ 16 pages besides the decision page(s) before
    the first sheet, only the last under half full, on average the columns ≥ 70 % filled."""
    _, out = seed_build
    fills = column_fill(out / "sheets" / "all.pdf")
    first_sheet = outline(PdfReader(str(out / "sheets" / "all.pdf")))[0][1]
    assert 1 <= first_sheet <= 2  # the clues of 120 which cards
    assert len(fills) <= 16 + first_sheet
    assert [index for index, fill in enumerate(fills) if fill < 0.5] in ([], [len(fills) - 1])
    assert sum(fills) / len(fills) >= 0.70


def test_one_per_page_booklet_keeps_each_sheet_whole(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    shutil.copytree(Path(__file__).parent / "corpus", folder)
    options = BuildOptions(deck=False, sheet_options=SheetOptions(booklet="one-per-page"))
    result = build([folder], tmp_path / "out", NOW, options)
    lengths = [result.pages[f"sheets/{sheet.subject.slug}.pdf"] for sheet in result.sheets]
    booklet = tmp_path / "out" / "sheets" / "all.pdf"
    pages = pdf_text(booklet).split("\f")
    marks = outline(PdfReader(str(booklet)))
    opening = marks[0][1]  # cover, contents, the decision page (no bookmark), the sheets
    assert "Which service?" in pages[1] and "Which service?" in pages[2]
    assert opening in (3, 4)
    assert result.pages["sheets/all.pdf"] == sum(lengths) + opening
    firsts = [opening + sum(lengths[:index]) for index in range(len(lengths))]
    assert [(title, page) for title, page, _ in marks] == [
        (sheet.title, first) for sheet, first in zip(result.sheets, firsts, strict=True)
    ]
    for (_, first, sections), sheet in zip(marks, result.sheets, strict=True):
        pdf = PdfReader(str(tmp_path / "out" / "sheets" / f"{sheet.subject.slug}.pdf"))
        (_, _, own), *_ = outline(pdf)
        assert sections == [(title, first + page) for title, page in own]
    assert sum(len(sections) for _, _, sections in marks) > len(marks)


def test_an_edit_changes_only_the_booklet_pages_it_touches(seed_build, tmp_path: Path) -> None:
    """The edited subject is laid out again and the booklet re-packed: every other page,
    the page numbers, the contents and the bookmarks stay as they were."""
    _, out = seed_build
    work = tmp_path / "work"
    shutil.copytree(out.parent / "notes", work / "notes")
    shutil.copytree(out, work / "out")
    before = pdf_text(work / "out" / "sheets" / "all.pdf").split("\f")
    marks_before = outline(PdfReader(str(work / "out" / "sheets" / "all.pdf")))
    note = work / "notes" / "personalize-and-other-ml-services.ko.md"
    note.write_text(
        note.read_text(encoding="utf-8").replace("기반으로 생성\n", "기반으로 생성함\n", 1),
        encoding="utf-8",
    )
    build([work / "notes"], work / "out", NOW, BuildOptions(deck=False))
    after = pdf_text(work / "out" / "sheets" / "all.pdf").split("\f")
    changed = [index for index, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1 and "기반으로 생성함" in after[changed[0]]
    assert outline(PdfReader(str(work / "out" / "sheets" / "all.pdf"))) == marks_before


def test_the_line_under_a_title_says_what_the_service_is(seed_build) -> None:
    """Not the first short fact ("완전 관리형 서비스이다."), but a sentence saying what it is."""
    result, _ = seed_build
    definitions = {
        sheet.subject.name: re.search(r'class="definition"[^>]*>(.*?)</p>', sheet.html, re.S)
        for sheet in result.sheets
    }
    sagemaker = definitions["Amazon SageMaker"]
    assert sagemaker and "개발자와 데이터 과학자를 위한 서비스" in sagemaker.group(1).replace(
        WORD_JOINER, ""
    )
    comprehend = definitions["Amazon Comprehend"]
    assert comprehend and "NLP" in comprehend.group(1)


def test_watch_builds_share_warm_render_workers(tmp_path: Path) -> None:
    """Builds in one session (``watch``) render with the same worker processes, and an edit
    still reaches its sheet and the booklet."""
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "n.md"
    note.write_text("# Amazon Lex\n\n- chat ==bots==\n", encoding="utf-8")
    out, session = tmp_path / "out", Session()
    try:
        build([folder], out, NOW, BuildOptions(deck=False), session=session)
        assert session.renderer is not None and session.renderer.pool is not None
        workers = set(session.renderer.pool._processes)
        note.write_text("# Amazon Lex\n\n- chat ==bots==\n- voice ==menus==\n", encoding="utf-8")
        build([folder], out, NOW, BuildOptions(deck=False), session=session)
        assert set(session.renderer.pool._processes) == workers
    finally:
        session.close()
    assert "voice menus" in pdf_text(out / "sheets" / "amazon-lex.pdf")
    assert "voice menus" in pdf_text(out / "sheets" / "all.pdf")


def test_watch_starts_new_workers_after_one_is_lost(tmp_path: Path) -> None:
    """A worker killed under watch fails that build only: the next one starts new workers."""
    folder = tmp_path / "notes"
    folder.mkdir()
    note = folder / "n.md"
    note.write_text("# Amazon Lex\n\n- chat ==bots==\n", encoding="utf-8")
    out, session, options = tmp_path / "out", Session(), BuildOptions(deck=False)
    try:
        build([folder], out, NOW, options, session=session)
        assert session.renderer is not None and session.renderer.pool is not None
        for worker in list(session.renderer.pool._processes.values()):
            worker.kill()
            worker.join()
        note.write_text("# Amazon Lex\n\n- voice ==bots==\n", encoding="utf-8")
        with pytest.raises(WorkerLost):
            build([folder], out, NOW, options, session=session)
        build([folder], out, NOW, options, session=session)
    finally:
        session.close()
    assert "voice bots" in pdf_text(out / "sheets" / "amazon-lex.pdf")


def test_the_booklet_opens_with_every_which_card_s_clue_and_its_answer(seed_build) -> None:
    """Issue 22, item 9: after the contents, "Which service?" — each which card's clue with
    the service it points at, by category — before the first sheet; on no sheet of its own."""
    result, out = seed_build
    booklet = out / "sheets" / "all.pdf"
    first_sheet = outline(PdfReader(str(booklet)))[0][1]
    decisions = squeeze("".join(pdf_text(booklet).split("\f")[: first_sheet + 1]))
    decisions = decisions.replace(WORD_JOINER, "").replace("-", "")  # End-/to-End
    assert "어떤서비스일까?" in decisions
    clues = result.deck.clues
    assert len(clues) == sum(kinds.count("which") for kinds in _kinds(result)) > 100
    for clue in clues:
        text = re.sub(r"<[^>]+>", "", html.unescape(clue.html))
        answer = re.sub(r"^(?:Amazon|AWS)\s+", "", clue.answer)
        assert squeeze(text).replace("-", "") + "→" + squeeze(answer) in decisions, clue
    assert "→QBusiness" in decisions and "AI서비스" in decisions  # grouped by category
    assert not list((out / "sheets").glob("_*.pdf"))


def _kinds(result) -> list[list[str]]:
    return [[kind for kind, _ in made] for made in result.deck.cards.values()]


def test_the_booklet_prints_a_fact_filed_elsewhere_once_and_names_its_topic(
    seed_build,
) -> None:
    """Issue 22, item 5: a fact about a service but filed in a topic ("From other notes")
    is on the service's own sheet, and printed once in the booklet — in its topic; the
    service's part of the booklet names the topics instead."""
    result, out = seed_build
    booklet = out / "sheets" / "all.pdf"
    first_sheet = outline(PdfReader(str(booklet)))[0][1]
    pages = pdf_text(booklet).replace(WORD_JOINER, "").split("\f")[first_sheet:]
    printed = squeeze("".join(pages))
    facts = result.loaded.notes.facts
    counts = Counter(squeeze(fact.text) for fact in facts)
    sheets = {sheet.title for sheet in result.sheets}
    elsewhere = [
        fact
        for fact in facts
        if set(fact.also) & sheets
        and fact.kind in ("item", "statement")  # a lead is a title too
        and not fact.compared
        and counts[squeeze(fact.text)] == 1
        and 20 <= len(fact.text) <= 60
        and "-" not in fact.text
    ]
    assert len(elsewhere) >= 5
    for fact in elsewhere:
        assert printed.count(squeeze(fact.text)) == 1, fact.text
        service = sheet_path(out, slugify(fact.also[0]))
        own = squeeze(pdf_text(service).replace(WORD_JOINER, ""))
        assert squeeze(fact.text) in own and squeeze(fact.subject) in own, fact.text
    assert printed.count("다른노트에서") == 3  # Bedrock, Q Business, SageMaker: topics named


def test_no_box_of_the_booklet_is_titled_by_a_sentence_or_a_long_item(seed_build) -> None:
    """Issue 22, item 4: "또한 가드레일에서 … 분석할 수 있습니다." and "문서 OCR + 양식(Form),
    표(Table), 필드(Field) 인식 지원" (a list item over its details) titled boxes; they are
    the lead lines of what is below them."""
    from generator.facts.extract import sentence_title

    _, out = seed_build
    marks = outline(PdfReader(str(out / "sheets" / "all.pdf")))
    titles = [part for _, _, boxes in marks for title, _ in boxes for part in title.split(" › ")]
    assert len(titles) > 100
    assert not [t for t in titles if sentence_title(t) and t != "개요"]  # the overview label
    assert "문서 OCR + 양식(Form), 표(Table), 필드(Field) 인식 지원" not in titles
    textract = squeeze(pdf_text(sheet_path(out, "amazon-textract")).replace(WORD_JOINER, ""))
    assert squeeze("문서 OCR + 양식(Form), 표(Table), 필드(Field) 인식 지원") in textract


def test_an_edited_clue_lays_out_one_part_of_the_decision_page(seed_build, tmp_path: Path) -> None:
    """The decision page is laid out in parts, each kept on its own: editing a which
    card's sentence lays out its part again, not the page (bench: the one-line edit)."""
    _, out = seed_build
    work = tmp_path / "work"
    shutil.copytree(out.parent / "notes", work / "notes")
    shutil.copytree(out, work / "out")
    pieces = work / "out" / ".cache" / "pieces"
    parts = sorted(pieces.glob("_which-service*.pdf"))
    assert len(parts) >= 3
    before = {path.name: path.read_bytes() for path in parts}
    note = work / "notes" / "aws-ai-services.ko.md"
    clue = "자동으로 음성을 텍스트로 변환시켜 준다."
    note.write_text(
        note.read_text(encoding="utf-8").replace(clue, "자동으로 음성을 텍스트로 바꿔 준다.", 1),
        encoding="utf-8",
    )
    build([work / "notes"], work / "out", NOW, BuildOptions())
    after = {path.name: path.read_bytes() for path in sorted(pieces.glob("_which-service*.pdf"))}
    assert after.keys() == before.keys()
    assert len([name for name in after if after[name] != before[name]]) == 1
    first = pdf_text(work / "out" / "sheets" / "all.pdf").replace(WORD_JOINER, "")
    assert "자동으로 음성을 텍스트로 바꿔 준다. → Transcribe" in first
