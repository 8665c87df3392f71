"""What a supporter may write on a postcard: plain text, no link, nothing that rewrites the layout.

- Names fit on one line: no line break, tab or other control character.
- The message keeps its line breaks (as \\n) and loses every other control
  character.
- Embedding, override and isolate controls are removed everywhere: one of
  them in a name could reorder the sentence around it ("From …", the email's
  subject). The marks LRM, RLM and ALM, which Arabic keyboards type, stay.
- No web address or domain name: an e-card form that carries links is what
  spammers look for. Refused are "http", "://", "www." and a word written
  together with a common top-level domain ("example.com", "example .org",
  "example(dot)net"), after NFKC normalisation so that full-width letters
  and dots count as ASCII ones. "3.5", "e.g." and "U.N." stay allowed.
"""

import re
import unicodedata

TOP_LEVEL_DOMAINS = "|".join(
    "com org net info biz io co me ly xyz top site online club shop store live link click app dev ru cn uk de fr es eu us tk ml ga cf gq ws cc tv".split()
)
DOTS = dict.fromkeys(map(ord, "\u3002\uff0e\uff61"), ".")
LINK = re.compile(
    r"://|\bhttps?\b|\bwww\s*\."
    # A letter or digit, a dot (or a disguised one), then a top-level domain that ends the word.
    rf"|[^\W_](?:\.|\s+\.\s*|\s*[(\[{{<]\s*(?:dot|\.)\s*[)\]}}>]\s*|\s+dot\s+)(?:{TOP_LEVEL_DOMAINS})(?![^\W_])",
    re.IGNORECASE,
)
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Characters that end a line: control characters (Cc), and the line and paragraph separators.
LINE_BREAKING = {"Cc", "Zl", "Zp"}


INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"}


def has_visible_text(text):
    """Something besides spaces, marks and controls: a message of only RLM marks says nothing."""
    return any(unicodedata.category(character) not in INVISIBLE for character in text)


def looks_like_a_link(text):
    return bool(LINK.search(unicodedata.normalize("NFKC", text).translate(DOTS)))


def without_bidi_controls(text):
    return text.translate(BIDI_CONTROLS)


def breaks_the_line(text):
    """A line break, tab or other control character, which a name on one line cannot hold."""
    return any(unicodedata.category(character) in LINE_BREAKING for character in text)


def plain_message(text):
    """Lines ending in \\n, no other control character, no direction controls, no blank edges."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = "".join(character for character in text if character == "\n" or unicodedata.category(character) != "Cc")
    lines = [line.rstrip() for line in without_bidi_controls(text).split("\n")]
    return "\n".join(lines).strip()
