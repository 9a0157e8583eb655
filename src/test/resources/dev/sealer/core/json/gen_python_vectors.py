#!/usr/bin/python3
"""Regenerates python-ensure-ascii-vectors.tsv (run from this directory with /usr/bin/python3).

Columns (tab-separated, one case per line; '#' lines are comments):
  name    kind    input_hex    python_expected    jcs_expected
kind 'string': input_hex is the UTF-8 of a single string value.
kind 'doc':    input_hex is the UTF-8 of a JSON document (non-ASCII raw), decoded with json.loads.
python_expected = json.dumps(v, sort_keys=True, separators=(",",":"), ensure_ascii=True)
jcs_expected    = the same but with object members ordered by UTF-16 code units (RFC 8785
                  section 3.2.3) instead of by code points. The two differ only for keys where a
                  supplementary character meets a BMP character in U+E000..U+FFFF.
Both outputs are ASCII, so they never contain a raw tab or newline.
"""
import json

def dumps(v):
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True)

def utf16_sorted(v):
    if isinstance(v, dict):
        return {k: utf16_sorted(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-16-be"))}
    if isinstance(v, list):
        return [utf16_sorted(x) for x in v]
    return v

def jcs(v):
    return json.dumps(utf16_sorted(v), sort_keys=False, separators=(",", ":"), ensure_ascii=True)

strings = {
    "empty": "",
    "plain_ascii": "hello, world",
    "all_printable_ascii": "".join(chr(c) for c in range(0x20, 0x7f)),
    "quotes_and_backslashes": 'say "hi" \\ \\\\ \\" /slash/ \'single\'',
    "c0_controls": "".join(chr(c) for c in range(0x00, 0x20)),
    "del_0x7f": "a\x7fb",
    "c1_controls": "".join(chr(c) for c in range(0x80, 0xa0)),
    "nul_inside": "a\x00b",
    "short_escapes": "\b\f\n\r\t",
    "latin1": "caf\u00e9 na\u00efve \u00fc\u00df\u00ff",
    "combining_acute": "e\u0301 vs \u00e9",
    "combining_stack": "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324",
    "line_separators": "a\u2028b\u2029c",
    "zero_width_and_bom": "\u200b\u200c\u200d\ufeff",
    "rtl_mark_and_hebrew": "\u200f\u05e9\u05dc\u05d5\u05dd",
    "cjk": "\u7f72\u540d\u670d\u52d9",
    "emoji_grinning": "\U0001F600",
    "emoji_zwj_family": "\U0001F468\u200d\U0001F469\u200d\U0001F467\u200d\U0001F466",
    "emoji_flag_and_skin_tone": "\U0001F1FA\U0001F1F8 \U0001F44D\U0001F3FD",
    "euro_and_dollar": "\u20ac$",
    "max_bmp_noncharacters": "\ufffe\uffff",
    "private_use": "\ue000\uf8ff",
    "max_code_point": "\U0010FFFF",
    "first_supplementary": "\U00010000",
    "html_sensitive": "</script><!-- & -->",
    "rfc8785_string_example": "\u20ac$\u000f\nA'B\"\\\\\"/",
    "long_mixed": ("ab\u00e9\U0001F600\n" * 50),
}

ranges = [
    (0x0000, 0x0100), (0x0100, 0x0200), (0x0200, 0x0300),
    (0x2000, 0x2070), (0xD7F0, 0xD800), (0xE000, 0xE010), (0xFDD0, 0xFDF0), (0xFFF0, 0x10000),
    (0x10000, 0x10010), (0x1F600, 0x1F650), (0x10FFF0, 0x110000),
]
for lo, hi in ranges:
    strings["range_%04x_%04x" % (lo, hi - 1)] = "".join(chr(c) for c in range(lo, hi))

docs = {
    "object_ascii_keys": {"b": 1, "a": 2, "A": 3, "_": 4, "10": 5, "9": 6, "": 7, "aa": 8, "a ": 9},
    "object_non_ascii_keys_bmp_below_d800": {"\u00e9": 1, "e": 2, "\u0301": 3, "\u4e00": 4, "z": 5,
                                             "\u2028": 6, "\u007f": 7, "\u0080": 8},
    "object_emoji_vs_low_bmp": {"\U0001F600": 1, "\u4e00": 2, "\u00e9": 3, "a": 4},
    "nested_everything": {"list": [1, -1, 0, 9007199254740991, -9007199254740991, True, False, None,
                                   "\u00e9", [], {}],
                          "obj": {"z": {"y": {"x": []}}, "\u00e9": "\U0001F600"},
                          "null": None, "t": True, "f": False, "s": "a\u2028\"\\\n"},
    "receipt_like": {"seal_id": "s-01HZX", "request_id": "r-\u00e9\U0001F600", "digest": {"alg": "sha-256",
                     "value": "0123abcd"}, "subject": "app\u2028.jar", "stage": "release",
                     "labels": {"team": "\u7f72\u540d", "env": "prod"}, "parents": ["a", "b"],
                     "suite_id": 1, "committed_at": "2024-05-01T12:34:56.123456Z"},
    # RFC 8785 section 3.2.3 sorting example: here UTF-16 order and code point order DIFFER
    # (U+1F600 sorts before U+FB33 in UTF-16, after it by code point).
    "rfc8785_3_2_3_sorting_example": {"\u20ac": "Euro Sign", "\r": "Carriage Return",
                                      "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
                                      "\U0001F600": "Emoji: Grinning Face", "\u0080": "Control",
                                      "\u00f6": "Latin Small Letter O With Diaeresis"},
    "divergent_supplementary_vs_private_use": {"\ue000": 1, "\U00010000": 2},
    "divergent_nested": {"k": {"\uffff": "x", "\U0010FFFF": "y", "a": "z"}},
}

out = [l for l in __doc__.strip().splitlines()]
lines = ["# " + l for l in out]
for name, s in strings.items():
    lines.append("\t".join([name, "string", s.encode("utf-8").hex(), dumps(s), jcs(s)]))
for name, d in docs.items():
    text = json.dumps(d, ensure_ascii=False)  # non-ASCII raw in the input document
    assert json.loads(text) == d
    lines.append("\t".join([name, "doc", text.encode("utf-8").hex(), dumps(d), jcs(d)]))
for l in lines:
    assert "\n" not in l and (l.startswith("#") or l.count("\t") == 4)
with open("python-ensure-ascii-vectors.tsv", "w", encoding="ascii", newline="\n") as f:
    f.write("\n".join(lines) + "\n")
print(len(lines), "lines;", sum(1 for l in lines if not l.startswith("#") and l.split("\t")[3] != l.split("\t")[4]), "divergent")
