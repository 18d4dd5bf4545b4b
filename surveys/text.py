"""Text as people enter it, cleaned once where it comes in: form fields, the API, imports.

Text pasted from a word processor or a PDF carries characters nobody sees but that break
documents later: Word's manual line break (U+000B) and page break (U+000C), other control
characters, lone surrogates from a JSON client. They are turned into line breaks or removed here,
and the text is normalised (NFC), so that what is stored, shown on the receipt and counted in the
reports is the same text.
"""

import re
import unicodedata

# Line breaks of every kind, read as one: CRLF, CR, vertical tab, form feed, NEL, U+2028, U+2029.
LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters (C0 but tab and line feed, DEL, C1), lone surrogates and the two noncharacters
# XML refuses.
UNSEEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def entered_text(value: str) -> str:
    """Return the text as it should be kept: line breaks as "\\n", no control character, NFC."""
    return unicodedata.normalize("NFC", UNSEEN.sub("", LINE_BREAKS.sub("\n", value)))
