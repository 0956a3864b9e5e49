"""The packed booklet: every subject's pieces, as laid out for its own sheet, packed one
after another through the columns and imposed on pages that carry the contents, the
running titles, page numbers and bookmarks.

Each subject's pieces are kept between builds (``OUT/.cache/pieces``) under the key of the
sheet they were laid out for. An edit lays out one subject again; the booklet is packed
anew from all of them — packing and imposing take milliseconds, so it is never patched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..options import SheetOptions
from ..store.files import write_atomic
from .decisions import KIND
from .documents import Sheet, booklet_frame
from .impose import Imposition, Laid, compose, pack_booklet
from .page import PageSetup

if TYPE_CHECKING:
    from .pdf import DocumentJob, Rendered


class PieceCache:
    """Each subject's pieces (PDF and sizes), by slug, with the key they were made with."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _files(self, slug: str) -> tuple[Path, Path]:
        return self.folder / f"{slug}.pdf", self.folder / f"{slug}.json"

    def has(self, slug: str, key: str) -> bool:
        return self._read(slug, key) is not None

    def get(self, slug: str, key: str) -> Laid | None:
        data = self._read(slug, key)
        if data is None:
            return None
        return Laid.from_json(self._files(slug)[0].read_bytes(), data)

    def _read(self, slug: str, key: str) -> dict[str, object] | None:
        pdf, sizes = self._files(slug)
        try:
            data: dict[str, object] = json.loads(sizes.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if data.get("key") == key and pdf.is_file() else None

    def put(self, slug: str, key: str, laid: Laid) -> None:
        pdf, sizes = self._files(slug)
        write_atomic(pdf, laid.pdf)
        write_atomic(sizes, json.dumps({"key": key, **laid.to_json()}).encode())

    def keep_only(self, slugs: set[str]) -> None:
        """Forget the subjects that are gone."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if path.stem not in slugs:
                    path.unlink()


@dataclass(frozen=True, slots=True)
class BookletPlan:
    """The packed booklet before its frame pages are rendered."""

    imposition: Imposition
    sources: list[bytes]
    """Each subject's pieces (PDF), in booklet order, then the contents."""
    frame: DocumentJob
    """The frame pages to render: running titles, page numbers, the contents' page
    numbers and links, the anchors they link to."""


def plan_booklet(
    sheets: list[Sheet],
    pieces: dict[str, Laid],
    front: Laid,
    options: SheetOptions,
    build_date: str,
    font_css: str,
) -> BookletPlan:
    """Contents (``front``, as laid out) at the top of the first page, then the decision
    page's parts and every subject's pieces (laid out by this build or kept from an earlier
    one), by slug, flowing on through the columns."""
    from .pdf import DocumentJob

    subjects = [(sheet.subject.slug, sheet.title, pieces[sheet.subject.slug]) for sheet in sheets]
    geometry = PageSetup.of(options).geometry
    unlisted = frozenset(sheet.subject.slug for sheet in sheets if sheet.subject.kind == KIND)
    imposition = pack_booklet(subjects, geometry, front, unlisted)
    html, css = booklet_frame(sheets, options, build_date, imposition, front)
    frame = DocumentJob("booklet frame", html, (font_css, *css))
    return BookletPlan(imposition, [*(laid.pdf for _, _, laid in subjects), front.pdf], frame)


def impose_booklet(plan: BookletPlan, frame: Rendered) -> Rendered:
    """The booklet: every subject's pieces drawn on the frame pages."""
    from .pdf import Rendered

    if frame.pages != plan.imposition.pages:
        raise RuntimeError(f"booklet frame has {frame.pages} pages, {plan.imposition.pages} packed")
    pdf = compose(frame.pdf, plan.sources, plan.imposition)
    return Rendered("booklet", pdf, plan.imposition.pages, frame.warnings)
