"""The peer of `essor grants import` for `bench/run.sh grants`: the same normalisation of a grant
file into SCDL 2.1.1, written with pandas the way a data team would (read the whole file as
text columns, one vectorised or `Series.map` step per field, masks for the rejections).

Same rules as essor (crates/essor-grants/src/value.rs and import.rs): columns by folded name
(SCDL names and the Poitiers 2017 layout), delimiter and encoding sniffed, SIRET with INSEE's
check (floats' `.0` removed, La Poste's rule), amounts parsed digit for digit (`137 825,00` →
`137825.00`), dates and periods to ISO, closed vocabularies folded, shares to decimals,
`--default` for what the file lacks, `one-of-required`. Writes the CSV and a JSON report with
the same counts; the report's `line` is the record's number + 1 (pandas does not keep the
physical line of records that span lines), so lines are not compared.

Usage: grants_pandas.py --input F --output O --report R [--default FIELD=VALUE]...
"""

import argparse
import datetime
import json
import re
import unicodedata

import pandas as pd

FIELDS = [
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire",
    "idBeneficiaire", "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement",
    "datesPeriodeVersement", "idRAE", "notificationUE", "pourcentageSubvention", "dispositifAide",
]
OPTIONAL = {"referenceDecision", "idBeneficiaire", "rnaBeneficiaire", "idRAE", "dispositifAide"}
LEGACY = {
    "collnom": "nomAttribuant", "nomcollectivite": "nomAttribuant",
    "collsiret": "idAttribuant", "siretattribuant": "idAttribuant", "siretcollectivite": "idAttribuant",
    "actedate": "dateConvention", "datedeconvention": "dateConvention",
    "acteref": "referenceDecision", "referencedeladecision": "referenceDecision",
    "attribnom": "nomBeneficiaire", "beneficiairenom": "nomBeneficiaire", "nomdubeneficiaire": "nomBeneficiaire",
    "attribsiret": "idBeneficiaire", "siretbeneficiaire": "idBeneficiaire", "beneficiairesiret": "idBeneficiaire",
    "attribrna": "rnaBeneficiaire", "rnabenef": "rnaBeneficiaire", "beneficiairerna": "rnaBeneficiaire",
    "subobj": "objet", "objetsubvention": "objet", "objetdelasubvention": "objet",
    "submontant": "montant", "montantsubvention": "montant", "montantaccorde": "montant",
    "subnature": "nature", "naturesubvention": "nature",
    "conditionversement": "conditionsVersement", "subconditions": "conditionsVersement",
    "datesversement": "datesPeriodeVersement", "periodeversement": "datesPeriodeVersement", "dateversement": "datesPeriodeVersement",
    "notificationalacommissioneuropeenne": "notificationUE", "notificationcommissioneuropeenne": "notificationUE",
    "pourcentage": "pourcentageSubvention",
}
ACCENTS = str.maketrans("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc")


def fold(text):
    return "".join(c for c in text.lower().translate(ACCENTS) if c.isascii() and c.isalnum())


def parse_decimal(text):
    """essor_model::french::parse_decimal: canonical decimal text, or None."""
    t = text.strip()
    for unit in ("€", "EUR", "eur"):
        if t.endswith(unit):
            t = t[: -len(unit)].rstrip()
    neg = t[:1] in ("-", "\u2212")
    if neg:
        t = t[1:]
    elif t[:1] == "+":
        t = t[1:]
    exp = 0
    m = re.search(r"[eE]", t)
    if m:
        t, e = t[: m.start()], t[m.start() + 1 :]
        e = e[1:] if e.startswith("+") else e
        if not re.fullmatch(r"-?\d+", e):
            return None
        exp = int(e)
    lc, ld = t.rfind(","), t.rfind(".")
    if lc >= 0 and ld >= 0:
        at = max(lc, ld)
    elif lc >= 0 and t.count(",") == 1:
        at = lc
    elif ld >= 0 and t.count(".") == 1:
        at = ld
    else:
        at = -1
    int_part, frac = (t[:at], t[at + 1 :]) if at >= 0 else (t, "")
    if not all(c.isascii() and c.isdigit() for c in frac):
        return None
    groups = re.split(r"[ \u00a0\u202f\u2009,.]", int_part)
    grouped = len(groups) > 1
    for i, g in enumerate(groups):
        if not all(c.isascii() and c.isdigit() for c in g):
            return None
        if i == 0 and grouped and not 1 <= len(g) <= 3:
            return None
        if i > 0 and len(g) != 3:
            return None
    digits = "".join(groups)
    if not digits and not frac:
        return None
    if abs(exp) > 40:
        return None
    if exp > 0:
        moved = min(exp, len(frac))
        digits, frac = digits + frac[:moved] + "0" * (exp - moved), frac[moved:]
    elif exp < 0:
        moved = min(-exp, len(digits))
        tail = digits[len(digits) - moved :]
        digits = digits[: len(digits) - moved]
        frac = "0" * (-exp - moved) + tail + frac
    digits = digits.lstrip("0") or "0"
    return ("-" if neg else "") + digits + ("." + frac if frac else "")


def luhn(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        d = ord(c) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siret_ok(s):
    if s.startswith("356000000") and s != "35600000000048":
        return sum(ord(c) - 48 for c in s) % 5 == 0
    return luhn(s) and luhn(s[:9])


# Each reader: text (stripped, non-empty) -> (value, corrected?) or (None, reason)
def r_siret(text):
    compact = "".join(text.split())
    int_part, _, frac = compact.partition(".")
    if int_part.isascii() and int_part.isdigit() and all(c == "0" for c in frac):
        digits = int_part
    else:
        n = parse_decimal(compact)
        if n is None:
            return None, "SIRET illisible"
        i, _, f = n.partition(".")
        if f.strip("0"):
            return None, "SIRET illisible"
        digits = i
    if len(digits) == 13 and siret_ok("0" + digits):
        digits = "0" + digits
    if len(digits) != 14 or not digits.isdigit():
        return None, f"SIRET {digits} : 14 chiffres attendus"
    if not siret_ok(digits):
        return None, f"SIRET {digits} invalide"
    return digits, digits != text


def r_rna(text):
    up = text.upper()
    if re.fullmatch(r"W\d{9}", up):
        return up, up != text
    return None, "numéro RNA invalide"


def to_date(text):
    text = text.strip()
    m = re.fullmatch(r"([^T ]+)(?:[T ]([0-9:.Z+]*))?", text)
    if not m or (m.group(2) is not None and ":" not in m.group(2)):
        return None
    parts = re.split(r"[-/.]", m.group(1))
    if len(parts) != 3:
        return None
    a, b, c = parts
    if len(a) == 4 and 1 <= len(c) <= 2:
        y, mo, d = a, b, c
    elif 1 <= len(a) <= 2 and len(c) == 4:
        y, mo, d = c, b, a
    else:
        return None
    if not 1 <= len(mo) <= 2 or not all(p.isascii() and p.isdigit() for p in (y, mo, d)):
        return None
    try:
        return datetime.date(int(y), int(mo), int(d)).isoformat()
    except ValueError:
        return None


def r_date(text):
    iso = to_date(text)
    return (iso, iso != text) if iso else (None, "date illisible")


def r_period(text):
    iso = to_date(text)
    if iso:
        return iso, iso != text
    low = text.lower().strip()
    low = low[3:] if low.startswith("du ") else low
    low = low.replace(" au ", "_")
    for i, c in enumerate(low):
        if c in "_/- ":
            s, e = to_date(low[:i]), to_date(low[i + 1 :])
            if s and e:
                v = f"{s}/{e}"
                return v, v != text
    return None, "période illisible"


def r_amount(text):
    n = parse_decimal(text)
    return (n, n != text) if n is not None else (None, "montant illisible")


def r_nature(text):
    kinds = []
    for part in re.split(r"[;,/+]", text.lower()):
        for p in part.split(" et "):
            f = fold(p)
            if f in ("aideennumeraire", "numeraire"):
                k = "aide en numéraire"
            elif f in ("aideennature", "nature"):
                k = "aide en nature"
            elif f == "":
                continue
            else:
                return None, "nature inconnue"
            if k not in kinds:
                kinds.append(k)
    if not kinds:
        return None, "nature illisible"
    v = ";".join(kinds)
    return v, v != text


def bounded(text):
    if len(text) <= 256:
        return text, False
    return text[:255] + "…", True


def r_conditions(text):
    v = {"unique": "unique", "echelonne": "échelonné", "autre": "autre"}.get(fold(text))
    return (v, v != text) if v else bounded(text)


def r_notification(text):
    f = fold(text)
    if f in ("oui", "o", "yes", "y", "true", "vrai", "1"):
        v = "oui"
    elif f in ("non", "n", "no", "false", "faux", "0"):
        v = "non"
    else:
        return None, "ni oui ni non"
    return v, v != text


def r_percentage(text):
    t = text.strip()
    sign = t.endswith("%")
    number = t[:-1].strip() if sign else t
    n = parse_decimal(number)
    if n is None:
        return None, "pourcentage illisible"
    if sign or 1.0 < float(n) <= 100.0:
        n = parse_decimal(n + "e-2")
    if not 0.01 <= float(n) <= 1.0:
        return None, "pourcentage hors intervalle"
    return n, n != text


def r_rae(text):
    return (text, False) if len(text) <= 5 else (None, "identifiant RAE trop long")


READERS = {
    "idAttribuant": r_siret, "idBeneficiaire": r_siret, "rnaBeneficiaire": r_rna,
    "dateConvention": r_date, "datesPeriodeVersement": r_period, "montant": r_amount,
    "nature": r_nature, "conditionsVersement": r_conditions, "notificationUE": r_notification,
    "pourcentageSubvention": r_percentage, "idRAE": r_rae, "objet": bounded,
}


def sniff(path):
    with open(path, "rb") as f:
        head = f.read(65536)
    if head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as e:
            encoding = "utf-8" if e.reason == "unexpected end of data" and len(head) - e.start < 4 else "cp1252"
    first = head.split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in (";", ",", "\t")}
    best = max((";", ",", "\t"), key=lambda d: (counts[d], d == ","))
    return encoding, best if counts[best] else ","


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--default", action="append", default=[])
    args = ap.parse_args()
    defaults = {}
    for d in args.default:
        name, value = d.split("=", 1)
        field = next(f for f in FIELDS if f.lower() == name.lower())
        reader = READERS.get(field)
        v = reader(value.strip())[0] if reader else value.strip()
        defaults[field] = v

    encoding, sep = sniff(args.input)
    df = pd.read_csv(args.input, sep=sep, encoding=encoding, dtype=str, keep_default_na=False,
                     na_filter=False, quotechar='"', engine="c")
    columns = {}
    for col in df.columns:
        key = fold(col)
        field = next((f for f in FIELDS if fold(f) == key), None) or LEGACY.get(key)
        if field:
            columns[field] = col
    n = len(df)
    lines = pd.Series(range(2, n + 2), index=df.index)
    rejected = pd.Series(False, index=df.index)
    issues = []  # (index, field, value, reason, action)
    out = pd.DataFrame(index=df.index)
    unidentified = {}
    for field in FIELDS:
        raw = df[columns[field]] if field in columns else pd.Series("", index=df.index)
        text = raw.str.strip()
        empty = text == ""
        reader = READERS.get(field)
        if reader is None:
            value = text.where(~empty, "")
            bad = pd.Series(False, index=df.index)
            reason = pd.Series("", index=df.index)
        else:
            read = text[~empty].map(reader)
            value = pd.Series("", index=df.index)
            ok = read.map(lambda r: r[0] is not None)
            value[ok[ok].index] = read[ok].map(lambda r: r[0])
            corrected = read[ok].map(lambda r: r[1] is True)
            for i in corrected[corrected].index:
                issues.append((i, field, raw[i], "corrigé", "corrected"))
            bad = pd.Series(False, index=df.index)
            bad[ok[~ok].index] = True
            reason = pd.Series("", index=df.index)
            reason[ok[~ok].index] = read[~ok].map(lambda r: r[1])
        missing = empty | bad
        if field in defaults:
            value[missing] = defaults[field]
            for i in missing[missing].index:
                issues.append((i, field, raw[i], "valeur donnée par --default", "corrected"))
        elif field not in OPTIONAL:
            rejected |= missing
            for i in missing[missing].index:
                issues.append((i, field, raw[i], reason[i] or "champ obligatoire vide", "rejected"))
        elif field in ("idBeneficiaire", "rnaBeneficiaire"):
            unidentified[field] = bad
        else:
            for i in bad[bad].index:
                issues.append((i, field, raw[i], "valeur retirée", "corrected"))
        out[field] = value
    anon = (out["idBeneficiaire"] == "") & (out["rnaBeneficiaire"] == "")
    rejected |= anon
    for field, bad in unidentified.items():
        for i in bad.index[bad.values]:
            issues.append((i, field, "", "identifiant illisible", "rejected" if anon[i] else "corrected"))
    for i in anon.index[anon.values]:
        if not any(unidentified[f][i] for f in unidentified):
            issues.append((i, "idBeneficiaire", "", "sans SIRET ni RNA", "rejected"))
    written = out[~rejected]
    written.to_csv(args.output, index=False, lineterminator="\n", encoding="utf-8")
    kept = [
        {"line": int(lines[i]), "field": f, "value": v, "reason": r, "action": a}
        for (i, f, v, r, a) in issues
        if (a == "rejected") == bool(rejected[i])
    ]
    kept.sort(key=lambda x: x["line"])
    with open(args.report, "w", encoding="utf-8") as f:
        json.dump({"rows_read": n, "rows_written": int(len(written)), "rows_rejected": int(rejected.sum()),
                   "issues": kept}, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
