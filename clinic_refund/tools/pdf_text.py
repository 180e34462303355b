"""Where lines of text are printed in a PDF: the member's signature line of a document to sign.

wkhtmltopdf (Qt) prints each line as one text object (BT … ET) and places each glyph with its own
move; the pypdf visitors give the text matrix of each glyph and the text of each object. Text is
NFKC-normalised: CJK fonts map some ideographs to their Kangxi radicals (乙 as ⼄), which NFKC folds
back. Text a report draws as shapes (wkhtmltopdf's web fonts) is not found: the labels looked for are
printed in a system font (the CJK one, for Chinese).
"""

import io
import logging
import math
import unicodedata
from dataclasses import dataclass

from odoo.tools.pdf import PdfFileReader, PdfReadError

_logger = logging.getLogger(__name__)

SHOW_TEXT = (b"Tj", b"TJ", b"'", b'"')


def normalize(text):
    return "".join(unicodedata.normalize("NFKC", text or "").split())


@dataclass
class TextLine:
    page: int  # from 1
    raw: str  # NFKC, as printed
    xs: list  # where each glyph starts, points from the page's left
    top: float  # the baseline, points from the page's top
    size: float  # the font size, points
    page_width: float
    page_height: float

    @property
    def text(self):
        """NFKC, without white space: what is looked for."""
        return normalize(self.raw)

    @property
    def x0(self):
        return self.xs[0]

    @property
    def x1(self):
        """About where the line ends (its last glyph starts there and is about one font size wide)."""
        return self.xs[-1] + self.size

    def x_of(self, char):
        """Where the first ``char`` of the line starts, or None (no such character, or glyphs and
        characters that do not match one to one)."""
        index = self.raw.find(char)
        return self.xs[index] if len(self.xs) == len(self.raw) and index >= 0 else None


def _apply(matrix, x, y):
    return x * matrix[0] + y * matrix[2] + matrix[4], x * matrix[1] + y * matrix[3] + matrix[5]


def text_lines(pdf):
    """The lines of text of ``pdf`` (bytes), page by page, top to bottom; [] when it cannot be read."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        lines = []
        for number, page in enumerate(reader.pages, 1):
            lines += sorted(_page_lines(page, number), key=lambda line: (line.top, line.x0))
    except (PdfReadError, AttributeError, TypeError, ValueError, KeyError) as error:
        # AttributeError, TypeError: a PyPDF2 older than 2.x has no text visitors
        _logger.warning("Could not read the lines of a PDF: %s", error)
        return []
    return lines


def _page_lines(page, number):
    box = page.mediabox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    lines = []
    current = {"glyphs": [], "texts": [], "size": 0.0}

    def flush():
        glyphs, texts = current["glyphs"], current["texts"]
        if glyphs and texts:
            # one text object is one line for Qt; another producer may put several lines in one
            rows = []
            for x, y in glyphs:
                if rows and abs(rows[-1][0] - y) < 0.5:
                    rows[-1][1].append(x)
                else:
                    rows.append((y, [x]))
            parts = [unicodedata.normalize("NFKC", part) for part in "\n".join(texts).split("\n")]
            parts = [part for part in parts if part.strip()]
            if len(parts) != len(rows):
                parts = [unicodedata.normalize("NFKC", "".join(texts).replace("\n", ""))]
                rows = [(rows[0][0], [x for _y, xs in rows for x in xs])]
            for text, (y, xs) in zip(parts, rows, strict=True):
                lines.append(
                    TextLine(
                        number, text, [x - left for x in xs], height - (y - bottom), current["size"], width, height
                    )
                )
        current.update(glyphs=[], texts=[], size=0.0)

    def before(operator, operands, cm, tm):
        if operator == b"BT":
            flush()
        elif operator in SHOW_TEXT:
            current["glyphs"].append(_apply(cm, tm[4], tm[5]))

    def on_text(text, cm, tm, font_dict, font_size):
        if text and text.strip():
            current["texts"].append(text)
            # the font size on the page: the text and current matrices scale the font's
            scale_c, scale_d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
            current["size"] = max(current["size"], float(font_size or 0) * math.hypot(scale_c, scale_d))

    page.extract_text(visitor_operand_before=before, visitor_text=on_text)
    flush()
    return lines
