"""Deterministic grant files in the messy layouts real publishers use, for `bench/run.sh grants`.

Two files of N/2 records each (standard library only):

- `scdl1_cp1252.csv`: SCDL 1.x column names (14 fields, no rnaBeneficiaire/dispositifAide, as
  Haute-Garonne 2017), `;`, **CP1252**, CRLF, amounts written the French way (`137 825,00`
  with a no-break space, or `2400.0`), SIRET sometimes written as floats, periods with `_`,
  dates sometimes `JJ/MM/AAAA`, `Aide en numéraire`, `Echelonné`, `NON`, shares `0,5` or
  `50 %`; about 6 % of records lack their payment period (rejected), about 1 % have a SIRET
  whose check digit is wrong (rejected), a few objects run over 256 characters (cut) or hold a
  line break (quoted).
- `legacy_utf8.csv`: the pre-SCDL layout of Poitiers 2017 (`ANNEE,COLL_NOM,COLL_SIRET,…,
  SUB_MONTANT,Notification à la commission Européenne`), `,`, UTF-8, every SIRET written as a
  float, 85 % of them with their NIC lost (`…00000.0`, rejected unless an RNA… which the
  layout has not). The fields it lacks come from `--default` (see `bench/grants.sh`).

The SIRET of beneficiaries are drawn from a pool of 200,000 valid ones; grantors from 500.
Usage: grants_gen.py --rows N --seed S --out DIR
"""

import argparse
import random
from pathlib import Path

WORDS = (
    "soutien fonctionnement projet quartier jeunesse insertion culture sport festival "
    "animation solidarité emploi formation médiation santé éducation numérique jardins "
    "partagés économie sociale coopérative tiers-lieu accompagnement création ateliers"
).split()
NAMES = (
    "Association Club Comité Amicale Union Collectif Régie Coopérative Compagnie Centre "
    "Maison Entente Foyer Réseau"
).split()
PLACES = "des Trois Cités|de Bel-Air|du Breuil|de la Gibauderie|des Couronneries|de Beaulieu|du Pont-Neuf|de Saint-Éloi".split("|")


def luhn_digit(digits):
    """The digit that makes `digits` + it pass the Luhn check."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def siret(rng):
    base = f"{rng.randrange(10**8):08d}"
    if base.startswith("356000000"[:8]):
        base = "1" + base[1:]
    siren = base + luhn_digit(base)
    nic4 = f"{rng.randrange(1, 100):04d}"
    return siren + nic4 + luhn_digit(siren + nic4)


def french_amount(cents):
    euros, c = divmod(cents, 100)
    text = f"{euros:,}".replace(",", "\u00a0")
    return f"{text},{c:02d}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2017)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    beneficiaries = [(siret(rng), f"{rng.choice(NAMES)} {rng.choice(WORDS)} {rng.choice(PLACES)} {i}") for i in range(200_000)]
    grantors = [(siret(rng), f"Commune {i:03d}") for i in range(500)]
    half = args.rows // 2

    with open(out / "scdl1_cp1252.csv", "w", encoding="cp1252", newline="") as f:
        f.write(
            "nomAttribuant;idAttribuant;dateConvention;referenceDecision;idBeneficiaire;nomBeneficiaire;"
            "objet;montant;nature;conditionsVersement;datesPeriodeVersement;idRAE;notificationUE;"
            "pourcentageSubvention\r\n"
        )
        for i in range(half):
            g_siret, g_name = rng.choice(grantors)
            b_siret, b_name = rng.choice(beneficiaries)
            year = rng.randrange(2015, 2025)
            month, day = rng.randrange(1, 13), rng.randrange(1, 29)
            date = f"{year}-{month:02d}-{day:02d}" if rng.random() < 0.7 else f"{day:02d}/{month:02d}/{year}"
            cents = rng.randrange(10_000, 50_000_000)
            amount = french_amount(cents) if rng.random() < 0.6 else f"{cents // 100}.{cents % 100 // 10}"
            if rng.random() < 0.01:
                b_siret = b_siret[:13] + str((int(b_siret[13]) + 1) % 10)
            if rng.random() < 0.3:
                b_siret = b_siret + ".0"
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 12)))
            objet = f"Subvention {year} : {words}"
            r = rng.random()
            if r < 0.002:
                objet = (objet + " ") * 30
            elif r < 0.02:
                objet = objet + "\nsuite de l'objet"
            objet = '"' + objet.replace('"', '""') + '"' if ("\n" in objet or ";" in objet) else objet
            period = "" if rng.random() < 0.06 else f"{year}-01-01_{year}-12-31"
            nature = rng.choice(["Aide en numéraire", "aide en numéraire", "Aide en nature", '"aide en numéraire;aide en nature"'])
            conditions = rng.choice(["Unique", "unique", "Echelonné", "échelonné"])
            notification = rng.choice(["non", "NON", "oui"])
            share = rng.choice(["1.0", "1", "0,5", "50 %", "0.25"])
            f.write(
                f"{g_name};{g_siret};{date};DELIB {i};{b_siret};{b_name};{objet};{amount};{nature};"
                f"{conditions};{period};;{notification};{share}\r\n"
            )

    with open(out / "legacy_utf8.csv", "w", encoding="utf-8", newline="") as f:
        f.write(
            "ANNEE,COLL_NOM,COLL_SIRET,COLL_TYPE,ACTE_DATE,ACTE_REF,ATTRIB_NOM,ATTRIB_SIRET,SUB_OBJ,"
            "SUB_MONTANT,Notification à la commission Européenne\n"
        )
        for i in range(args.rows - half):
            g_siret, g_name = rng.choice(grantors)
            b_siret, b_name = rng.choice(beneficiaries)
            if rng.random() < 0.85:
                b_siret = b_siret[:9] + "00000"
            year = rng.randrange(2015, 2025)
            date = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            cents = rng.randrange(10_000, 50_000_000)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 12)))
            objet = f"Soutien {year}, {words}"
            f.write(
                f'{year},{g_name},{g_siret}.0,COM,{date},{year}-{i:04d},"{b_name}",{b_siret}.0,"{objet}",'
                f"{cents // 100}.{cents % 100:02d},NON\n"
            )


if __name__ == "__main__":
    main()
