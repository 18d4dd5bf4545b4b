"""Read a position paper (Markdown, plain text or Word) into its outline: no database here.

Each reader turns a file into a flat list of blocks (headings, paragraphs, bullets); one
structure parser then finds the recommendations part and its priority areas in them.
"""

from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from .blocks import Block, join_continuations
from .docx import read_docx
from .errors import PaperError
from .markdown import read_markdown
from .outline import AreaOutline, PaperOutline, find_outline

READERS = {".md": read_markdown, ".markdown": read_markdown, ".txt": read_markdown, ".docx": read_docx}

__all__ = ["AreaOutline", "PaperError", "PaperOutline", "read_blocks", "read_paper"]


def read_paper(filename: str, content: bytes) -> PaperOutline:
    """Return the outline of the paper in `content`, or raise PaperError saying what is wrong."""
    return find_outline(read_blocks(filename, content))


def read_blocks(filename: str, content: bytes) -> list[Block]:
    """Return the blocks of a paper, its cut paragraphs joined again."""
    limit = settings.POSITION_PAPER_MAX_BYTES
    if len(content) > limit:
        raise PaperError(_("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)})
    reader = READERS.get(PurePath(filename).suffix.lower())
    if reader is None:
        supported = ", ".join(READERS)
        raise PaperError(
            _('Unsupported file type "%(type)s": use %(supported)s.')
            % {"type": PurePath(filename).suffix or filename, "supported": supported}
        )
    if not content.strip():
        raise PaperError(_("The file is empty."))
    return join_continuations(reader(content))
