#!/usr/bin/env python3
"""Schema check + count tables for challenge2.jsonl (stdlib only).
Usage: python3 validate.py [path]   -> exit 1 on any schema error."""
import json, re, sys, unicodedata
from collections import Counter, defaultdict

PATH = sys.argv[1] if len(sys.argv) > 1 else "challenge2.jsonl"
LANGS_REQ = {"en","zh","vi","th","id","ms","es","pt","fr","ja","de"}
LANGS_OK = LANGS_REQ | {"ko","ru"}
COMMODITIES = {"ivory","rhino_horn","pangolin","big_cat","bear_bile","hornbill_casque","turtle_shell",
               "totoaba_maw","shahtoosh","live_primate","live_bird","live_reptile"}
INTENTS = {"sell","buy","other"}
NEG = {"colour_material","brand_place","imitation","lookalike_animal","other_species_product","news_awareness","ordinary"}
OBF = {"none","code_word","spacing","homoglyph","leet","emoji","fullwidth","zero_width","mixed"}
STYLES = {"livestream_caption","comment_reply","chat_message","classified_abbrev","social_hashtag",
          "forum_post","auction_listing","wtb_question","estate_heirloom","news_snippet"}
FIELDS = ["id","title","text","lang","script","label","commodity","intent","negative_kind",
          "obfuscation","style","split"]

errors, warns, rows = [], [], []
with open(PATH, encoding="utf-8") as fh:
    for n, line in enumerate(fh, 1):
        try:
            r = json.loads(line)
        except Exception as e:
            errors.append(f"line {n}: bad JSON ({e})"); continue
        rows.append(r)
        e = lambda m: errors.append(f"{r.get('id', 'line %d' % n)}: {m}")
        if sorted(r) != sorted(FIELDS): e(f"fields {sorted(r)}")
        if not isinstance(r.get("title"), str) or not isinstance(r.get("text"), str) or not r.get("text","").strip():
            e("title/text must be strings, text non-empty")
        lang = r.get("lang")
        if lang not in LANGS_OK: e(f"lang {lang}")
        if not re.fullmatch(rf"ch2-{lang}-\d{{3}}", str(r.get("id"))): e("id format")
        if lang == "zh":
            if r.get("script") not in ("Hans","Hant"): e("zh needs script Hans/Hant")
        elif r.get("script") is not None: e("script must be null outside zh")
        if r.get("split") != "challenge2": e("split")
        if r.get("style") not in STYLES: e(f"style {r.get('style')}")
        if r.get("intent") not in INTENTS: e(f"intent {r.get('intent')}")
        if r.get("obfuscation") not in OBF: e(f"obfuscation {r.get('obfuscation')}")
        if r.get("label") == "wildlife":
            if r.get("commodity") not in COMMODITIES: e("wildlife needs commodity")
            if r.get("negative_kind") is not None: e("wildlife negative_kind must be null")
            if r.get("intent") == "other": warns.append(f"{r['id']}: wildlife with intent other")
        elif r.get("label") == "clean":
            if r.get("commodity") is not None: e("clean commodity must be null")
            if r.get("negative_kind") not in NEG: e(f"negative_kind {r.get('negative_kind')}")
            if r.get("obfuscation") != "none": e("clean obfuscation must be none")
        else:
            e(f"label {r.get('label')}")
        # light consistency checks on obfuscation markers
        t = r.get("title","") + " " + r.get("text","")
        ob = r.get("obfuscation")
        if ob == "zero_width" and not re.search("[\u200b\u200c\u200d\u2060\ufeff]", t): e("zero_width without ZW char")
        if ob != "zero_width" and re.search("[\u200b\u200c\u200d\u2060\ufeff]", t): e("ZW char but obfuscation != zero_width")
        if ob == "fullwidth" and not re.search("[\uff01-\uff5e]", t): e("fullwidth without full-width chars")
        if ob == "homoglyph":
            mixed = [w for w in re.findall(r"\w+", t)
                     if any("LATIN" in unicodedata.name(c, "") for c in w)
                     and any("CYRILLIC" in unicodedata.name(c, "") for c in w)]
            if not mixed: e("homoglyph without a Latin/Cyrillic mixed word")

ids = Counter(r.get("id") for r in rows)
for i, c in ids.items():
    if c > 1: errors.append(f"duplicate id {i}")
texts = Counter(r.get("text") for r in rows)
for t, c in texts.items():
    if c > 1: errors.append(f"duplicate text: {t[:60]}")

def table(title, key_rows, key_cols, cnt):
    cols = sorted(key_cols)
    w0 = max([len(title)] + [len(str(k)) for k in key_rows])
    print(f"\n| {title} | " + " | ".join(cols) + " | total |")
    print("|" + "---|" * (len(cols) + 2))
    for k in key_rows:
        vals = [cnt.get((k, c), 0) for c in cols]
        print(f"| {k} | " + " | ".join(str(v) for v in vals) + f" | {sum(vals)} |")
    tot = [sum(cnt.get((k, c), 0) for k in key_rows) for c in cols]
    print("| **total** | " + " | ".join(str(v) for v in tot) + f" | {sum(tot)} |")

langs = [l for l in ["en","zh","vi","th","id","ms","es","pt","fr","ja","de","ko","ru"] if any(r["lang"] == l for r in rows)]
print(f"rows: {len(rows)}")
table("lang", langs, {"wildlife","clean"}, Counter((r["lang"], r["label"]) for r in rows))
W = [r for r in rows if r.get("label") == "wildlife"]
C = [r for r in rows if r.get("label") == "clean"]
table("commodity", sorted(COMMODITIES), INTENTS - {"other"} | {"other"}, Counter((r["commodity"], r["intent"]) for r in W))
table("style", sorted(STYLES), {"wildlife","clean"}, Counter((r["style"], r["label"]) for r in rows))
table("obfuscation (wildlife rows)", sorted(OBF), {"wildlife"}, Counter((r["obfuscation"], r["label"]) for r in W))
table("negative_kind", sorted(NEG), set(langs), Counter((r["negative_kind"], r["lang"]) for r in C))
table("intent", langs, INTENTS, Counter((r["lang"], r["intent"]) for r in rows))
zh = Counter(r["script"] for r in rows if r["lang"] == "zh")
print(f"\nzh script: {dict(zh)}")

# requirement checks (per brief)
for l in LANGS_REQ:
    if l not in langs: errors.append(f"missing language {l}")
for l in langs:
    lr = [r for r in rows if r["lang"] == l]
    wl = [r for r in lr if r["label"] == "wildlife"]
    if len(lr) < 50: errors.append(f"{l}: only {len(lr)} rows (<50)")
    share = len(wl) / len(lr)
    if not 0.33 <= share <= 0.47: warns.append(f"{l}: wildlife share {share:.2f}")
    missing = NEG - {r["negative_kind"] for r in lr if r["label"] == "clean"}
    if missing: errors.append(f"{l}: negative kinds missing {sorted(missing)}")
    if wl and sum(r["intent"] == "buy" for r in wl) / len(wl) < 0.25: errors.append(f"{l}: buy share < 25%")
if len(rows) < 640: errors.append(f"only {len(rows)} rows (<640)")
missing_c = COMMODITIES - {r["commodity"] for r in W}
if missing_c: errors.append(f"commodities missing {missing_c}")
if W and sum(r["intent"] == "buy" for r in W) / len(W) < 0.25: errors.append("overall buy share < 25%")

for w in warns: print("WARN", w)
for e in errors: print("ERROR", e)
print("\nOK" if not errors else f"\n{len(errors)} error(s)")
sys.exit(1 if errors else 0)
