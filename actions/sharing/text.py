"""What a visitor may write in the share form: plain text that holds no link.

The rule, as the form's error message states it: no web address and no
domain name. Refused are

- anything with "http", "www" or "://" in it;
- a word, a dot and two or more letters, written together ("example.com",
  "amnesty.org", "مثال.مصر"), which mail programs turn into links;
- the same spelled out to get past that: "example . com", "example dot com",
  "example(dot)com", "example[.]com", or spaced out letter by letter
  ("e x a m p l e . c o m"), when it ends in a common top-level domain.

Text is compared after NFKC normalisation, so full-width letters and dots
("ｗｗｗ", "example．com") count as the ASCII ones, and so do the ideographic
dots of internationalised domain names ("example。com"). A note still may hold
"3.5", "e.g." or "U.N." and ordinary sentences.
"""

import re
import unicodedata

COMMON_TOP_LEVEL_DOMAINS = (
    "com|org|net|info|biz|io|co|me|ly|xyz|top|site|online|club|shop|store|live|link|click|app|dev|ru|cn|uk|de|fr|es|eu|us|tk|ml|ga|cf|gq|ws|cc|tv"
)
# Top-level domains that do not also start sentences ("Me gusta", "Es cierto", "Co-workers").
UNAMBIGUOUS_TOP_LEVEL_DOMAINS = "com|org|net|info|biz"
# The dots of internationalised domain names (IDNA): ideographic and full-width ones too.
DOTS = dict.fromkeys(map(ord, "\u3002\uff0e\uff61"), ".")
SCHEME_OR_WWW = re.compile(r"http|www|://", re.IGNORECASE)
# A letter or digit, a dot, then two or more letters: "example.com", "x.org/", "مثال.مصر".
WRITTEN_DOMAIN = re.compile(r"[^\W_]\.[^\W\d_]{2,}")
# A dot disguised with spaces, words or brackets, before a common top-level domain:
# "example .com", "example . com", "example dot com", "example(dot)com", "example [.] com",
# and "example. com" for the few that no sentence starts with.
DISGUISED_DOT = r"(?:\s+\.\s*|\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+)"
DISGUISED_DOMAIN = re.compile(
    rf"[^\W_](?:{DISGUISED_DOT}(?:{COMMON_TOP_LEVEL_DOMAINS})|\.\s+(?:{UNAMBIGUOUS_TOP_LEVEL_DOMAINS}))(?![^\W_])", re.IGNORECASE
)
# Runs of three or more single characters separated by spaces: "e x a m p l e . c o m".
SPACED_OUT = re.compile(r"(?<!\S)\S(?:[ \t]+\S(?!\S)){2,}")

# Direction controls that could reorder the text around a name or a note
# (embeddings, overrides, isolates). The marks LRM, RLM and ALM are harmless and stay.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def looks_like_a_link(text):
    normalised = unicodedata.normalize("NFKC", text).translate(DOTS)
    squeezed = SPACED_OUT.sub(lambda match: re.sub(r"\s+", "", match.group()), normalised)
    return any(
        pattern.search(candidate) for candidate in (normalised, squeezed) for pattern in (SCHEME_OR_WWW, WRITTEN_DOMAIN, DISGUISED_DOMAIN)
    )


def without_bidi_controls(text):
    return text.translate(BIDI_CONTROLS)


def has_control_characters(text):
    """Line breaks, tabs and other control characters (Unicode category Cc)."""
    return any(unicodedata.category(character) == "Cc" for character in text)


def plain_note(text):
    """A note as plain text: lines ending in \\n, no other control character, no direction controls."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(character for character in text if character in "\n\t" or unicodedata.category(character) != "Cc")
    return without_bidi_controls(text).strip()


def isolated(text):
    """Each line wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE.

    In a plain-text email, an Arabic name inside an English sentence (or the
    other way round) then keeps its own direction and cannot carry the words
    around it along. Isolates end at a line break, so each line gets its own.
    """
    return "\n".join(f"\u2068{line}\u2069" if line else "" for line in str(text).split("\n"))
