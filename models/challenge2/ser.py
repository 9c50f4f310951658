#!/usr/bin/env python3
"""Serialise hand-written row files (rows/<lang>.txt) into challenge2.jsonl.
Line format: label||commodity||intent||neg||obf||style||title||text   ('-' = null / empty title)
Optional prefix '@Hant ' or '@Hans ' sets script for zh rows. '{ZW}' -> U+200B in text/title.
Only serialises; all text is hand-written in the rows files."""
import json, sys, os
ORDER = ["en","zh","vi","th","id","ms","es","pt","fr","ja","de","ko","ru"]
L = {"w":"wildlife","c":"clean"}
C = {"iv":"ivory","rh":"rhino_horn","pg":"pangolin","bc":"big_cat","bb":"bear_bile","hc":"hornbill_casque",
     "ts":"turtle_shell","tm":"totoaba_maw","sh":"shahtoosh","pr":"live_primate","bd":"live_bird","rp":"live_reptile","-":None}
I = {"s":"sell","b":"buy","o":"other"}
N = {"col":"colour_material","brand":"brand_place","imit":"imitation","look":"lookalike_animal",
     "oth":"other_species_product","news":"news_awareness","ord":"ordinary","-":None}
O = {"none":"none","code":"code_word","space":"spacing","homo":"homoglyph","leet":"leet","emoji":"emoji",
     "full":"fullwidth","zw":"zero_width","mixed":"mixed"}
S = {"live":"livestream_caption","cmt":"comment_reply","chat":"chat_message","cls":"classified_abbrev",
     "hash":"social_hashtag","forum":"forum_post","auc":"auction_listing","wtb":"wtb_question",
     "heir":"estate_heirloom","news":"news_snippet"}
out = []
for lang in ORDER:
    p = f"rows/{lang}.txt"
    if not os.path.exists(p):
        continue
    n = 0
    for ln, line in enumerate(open(p, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        script = "Hans" if lang == "zh" else None
        if line.startswith("@Hant "): script, line = "Hant", line[6:]
        elif line.startswith("@Hans "): script, line = "Hans", line[6:]
        f = line.split("||", 7)
        if len(f) != 8:
            sys.exit(f"{p}:{ln}: expected 8 fields, got {len(f)}: {line[:80]}")
        try:
            lab, com, it, neg, ob, st = L[f[0]], C[f[1]], I[f[2]], N[f[3]], O[f[4]], S[f[5]]
        except KeyError as e:
            sys.exit(f"{p}:{ln}: bad code {e}: {line[:80]}")
        title = "" if f[6].strip() == "-" else f[6].strip().replace("{ZW}", "\u200b")
        text = f[7].strip().replace("{ZW}", "\u200b")
        n += 1
        out.append(dict(id=f"ch2-{lang}-{n:03d}", title=title, text=text, lang=lang, script=script,
                        label=lab, commodity=com, intent=it, negative_kind=neg, obfuscation=ob,
                        style=st, split="challenge2"))
with open("challenge2.jsonl", "w", encoding="utf-8") as fh:
    for r in out:
        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
print(len(out), "rows written")
