"""The page a sheet is set on, derived once from the user's options: paper, orientation,
margins, columns, gap and type size — as CSS for WeasyPrint (:meth:`PageSetup.css`) and in
points for packing the pieces (:attr:`PageSetup.geometry`), from the same numbers.

``tight`` is a layout choice, not the user's: a sheet whose last page would hold only a
few lines is set again with tighter margins, gaps and type (see :mod:`generator.sheets.pdf`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..options import PAPER_SIZES, SheetOptions
from .impose import MM, Geometry


@dataclass(frozen=True, slots=True)
class PageSetup:
    """A page, in mm (and the body type in points)."""

    width: float
    height: float
    margins: tuple[float, float, float, float]
    """Top, right, bottom, left: room for the running title above, the page number below."""
    columns: int
    gap: float
    body: float
    """Body type size in points."""

    @staticmethod
    @cache
    def of(options: SheetOptions, tight: bool = False) -> PageSetup:
        long_side, short_side = PAPER_SIZES[options.paper]
        landscape = options.orientation == "landscape"
        width, height = (long_side, short_side) if landscape else (short_side, long_side)
        side = 6 if tight else 8
        columns = max(1, options.columns - 1) if options.large_print else options.columns
        body = 11.0 if options.large_print else (7.0 if tight else 7.5)
        gap = 3 if tight else 4
        return PageSetup(width, height, (side + 4, side, side + 3, side), columns, gap, body)

    def css(self) -> str:
        top, right, bottom, left = self.margins
        return (
            f"@page {{ size: {self.width}mm {self.height}mm; "
            f"margin: {top}mm {right}mm {bottom}mm {left}mm; }}\n"
            f":root {{ --columns: {self.columns}; --body-size: {self.body}pt; "
            f"--gap: {self.gap}mm; }}\n"
        )

    @property
    def geometry(self) -> Geometry:
        """The page and its columns in PDF points."""
        top, right, bottom, left = self.margins
        return Geometry(
            self.width * MM,
            self.height * MM,
            left * MM,
            top * MM,
            (self.width - left - right) * MM,
            (self.height - top - bottom) * MM,
            self.columns,
            self.gap * MM,
        )
