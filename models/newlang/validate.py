#!/usr/bin/env python3
"""Stdlib-only schema check for newlang.jsonl; prints count tables. Exit 1 on any error."""
import json, sys, collections, os, re

PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), 'newlang.jsonl')
LANGS = ['ar', 'ko', 'sw', 'ru', 'hi', 'my', 'km', 'lo', 'tl']
COMMODITIES = {'ivory', 'rhino_horn', 'pangolin', 'big_cat', 'bear_bile', 'hornbill_casque', 'turtle_shell',
               'totoaba_maw', 'shahtoosh', 'live_primate', 'live_bird', 'live_reptile'}
LIVE = {'live_primate', 'live_bird', 'live_reptile'}
NEG = {'colour_material', 'brand_place', 'imitation', 'lookalike_animal', 'other_species_product', 'news_awareness', 'ordinary'}
OBF = {'none', 'code_word', 'spacing', 'homoglyph', 'leet', 'emoji', 'fullwidth', 'zero_width', 'mixed'}
STYLES = {'livestream_caption', 'comment_reply', 'chat_message', 'classified_abbrev', 'social_hashtag', 'forum_post',
          'auction_listing', 'wtb_question', 'estate_heirloom', 'news_snippet'}
FIELDS = ['id', 'title', 'text', 'lang', 'script', 'label', 'commodity', 'species', 'intent', 'negative_kind',
          'obfuscation', 'style', 'split']

errors, rows = [], []
with open(PATH, encoding='utf-8') as fh:
    for n, line in enumerate(fh, 1):
        try:
            r = json.loads(line)
        except ValueError as e:
            errors.append(f'line {n}: bad JSON ({e})'); continue
        rows.append(r)
        e = lambda m: errors.append(f"line {n} {r.get('id')}: {m}")
        if list(r) != FIELDS and set(r) != set(FIELDS):
            e(f'fields {sorted(r)}')
        if r.get('lang') not in LANGS: e('lang')
        if not re.fullmatch(rf"nl-{r.get('lang')}-\d{{3}}", str(r.get('id'))): e('id format')
        if r.get('script') is not None: e('script must be null')
        if r.get('split') != 'newlang': e('split')
        if not isinstance(r.get('text'), str) or not r['text'].strip(): e('empty text')
        if not isinstance(r.get('title'), str): e('title must be a string')
        if r.get('intent') not in ('sell', 'buy', 'other'): e('intent')
        if r.get('style') not in STYLES: e('style')
        if r.get('obfuscation') not in OBF: e('obfuscation')
        if r.get('label') == 'wildlife':
            if r.get('commodity') not in COMMODITIES: e('commodity')
            if r.get('negative_kind') is not None: e('negative_kind must be null on wildlife')
            if r.get('species') is not None and not re.fullmatch(r'[A-Z][a-z]+( [a-z]+){0,2}', r['species']): e('species format')
        elif r.get('label') == 'clean':
            if r.get('commodity') is not None or r.get('species') is not None: e('clean row with commodity/species')
            if r.get('negative_kind') not in NEG: e('negative_kind')
            if r.get('obfuscation') != 'none': e('clean obfuscation must be none')
        else:
            e('label')
        if r.get('obfuscation') == 'zero_width' and '\u200b' not in r.get('title', '') + r.get('text', ''): e('zero_width without U+200B')

ids = collections.Counter(r.get('id') for r in rows)
errors += [f'duplicate id {i}' for i, c in ids.items() if c > 1]
texts = collections.Counter(r.get('text') for r in rows)
errors += [f'duplicate text: {t[:40]}' for t, c in texts.items() if c > 1]

def table(title, key, cols):
    print(f'\n## {title}\n')
    print('| lang | ' + ' | '.join(cols) + ' | total |')
    print('|---|' + '---:|' * (len(cols) + 1))
    tot = collections.Counter()
    for lg in LANGS:
        c = collections.Counter(key(r) for r in rows if r['lang'] == lg)
        tot.update(c)
        print(f'| {lg} | ' + ' | '.join(str(c.get(k, 0)) for k in cols) + f' | {sum(c[k] for k in cols)} |')
    print('| all | ' + ' | '.join(str(tot.get(k, 0)) for k in cols) + f' | {sum(tot[k] for k in cols)} |')

table('lang x label', lambda r: r['label'], ['wildlife', 'clean'])
wl = [r for r in rows if r['label'] == 'wildlife']
com_cols = [c for c in sorted(COMMODITIES) if any(r['commodity'] == c for r in wl)]
table('lang x commodity (wildlife rows)', lambda r: r['commodity'] if r['label'] == 'wildlife' else None, com_cols)
table('lang x intent (wildlife rows)', lambda r: r['intent'] if r['label'] == 'wildlife' else None, ['sell', 'buy', 'other'])
table('lang x obfuscation (wildlife rows)', lambda r: r['obfuscation'] if r['label'] == 'wildlife' else None, sorted(OBF))
table('lang x negative_kind (clean rows)', lambda r: r['negative_kind'], sorted(NEG))
table('lang x style', lambda r: r['style'], sorted(STYLES))

print('\n## checks per language\n')
for lg in LANGS:
    rs = [r for r in rows if r['lang'] == lg]
    w = [r for r in rs if r['label'] == 'wildlife']
    if not rs:
        errors.append(f'{lg}: no rows'); continue
    live = sum(r['commodity'] in LIVE for r in w)
    buy = sum(r['intent'] == 'buy' for r in w)
    share = len(w) / len(rs)
    print(f'{lg}: n={len(rs)} wildlife={len(w)} ({share:.0%}) live-commodity={live} ({live/max(1,len(w)):.0%}) buy={buy} ({buy/max(1,len(w)):.0%})')
    if len(rs) < 45: errors.append(f'{lg}: fewer than 45 rows')
    if not 0.33 <= share <= 0.47: errors.append(f'{lg}: wildlife share {share:.0%} outside 33-47%')
    if buy / max(1, len(w)) < 0.25: errors.append(f'{lg}: buy share below 25%')
    if live / max(1, len(w)) < 1 / 3: errors.append(f'{lg}: live-animal share below 1/3')

print(f'\nrows: {len(rows)}; errors: {len(errors)}')
for x in errors:
    print('ERROR', x)
sys.exit(1 if errors else 0)
