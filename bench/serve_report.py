"""Writes the section "Serveur web sous charge (essor serve)" of BENCHMARKS.md from one run of
`bench/run.sh serve`: machine, command, date, versions, then per size the store (actors, file
size), the ingest (time, peak memory), the server (start-up, peak memory) and one table row
per scenario (requests/s, p50, p90, p99, errors, aim p99 < 50 ms), and the cost of each search
word. Reads bench/out/serve/N/results.json (serve_parse.py). Standard library only.

    serve_report.py --out bench/out --report BENCHMARKS.md --command "bench/run.sh serve" \
                    --seed 2015 --sizes 35000000 --duration 30 --warmup 3 --connections 100 --threads 2

The section lies between two marker comments and is replaced whole on each run; the rest of
the file is left as it is (the file is created if missing). French: the page is for users.
"""

import argparse
import datetime
import json
from pathlib import Path

from common import fr_int, fr_num, machine, write_section

BEGIN = "<!-- bench:serve:begin (écrit par bench/run.sh serve, ne pas modifier à la main) -->"
END = "<!-- bench:serve:end -->"
P99_AIM_MS = 50.0
MEMORY_AIM = 2 * 1000**3  # 2 Go (décimal, comme l'objectif de l'issue)


def mio(kib):
    return f"{fr_int(kib / 1024)} Mio" if kib is not None else "?"


def size_bytes(b):
    if b >= 1024**3:
        return f"{fr_num(b / 1024**3, 2)} Gio"
    return f"{fr_num(b / 1024**2, 1)} Mio"


def ms(x):
    if x >= 100:
        return fr_int(x)
    if x >= 10:
        return fr_num(x, 1)
    return fr_num(x, 2)


def atteint(ok):
    return "atteint" if ok else "**non atteint**"


def size_block(res, duration):
    n = int(res["size"])
    lines = [f"### {fr_int(n)} établissements", ""]
    ing = res.get("ingest")
    data = res["status"].get("data") or {}
    lines.append(
        f"- Magasin : {fr_int(res['actors'])} acteurs de l'ESS diffusibles, `essor.sqlite` de "
        f"{size_bytes(res['store_bytes'])} (acteurs, mots de la recherche et leurs listes d'acteurs, indicateurs de chaque territoire)."
    )
    if ing:
        extra = ""
        if "active" in ing:
            extra = (f" ; {fr_int(ing['active'])} établissements actifs lus, {fr_int(ing['territories'])} "
                     f"territoires avec leurs indicateurs")
        inputs = f" de {size_bytes(ing['input_bytes'])} de CSV" if "input_bytes" in ing else ""
        lines.append(
            f"- Ingestion (`essor ingest --synthetic`, stocks{inputs}) : {fr_num(ing['seconds'], 0)} s au mur, "
            f"mémoire max {mio(ing['peak_kib'])}, CPU {fr_int(100 * ing['cpu_seconds'] / max(ing['seconds'], 1e-9))} %"
            f"{extra}."
        )
    st = res["startup"]
    lines.append(
        f"- Démarrage du serveur : {fr_num(st['seconds'], 1)} s jusqu'à la première réponse de `/api/v1/status` "
        f"(ouverture de l'instantané, chargement en mémoire de l'index des acteurs et des listes de la recherche), mémoire résidente alors "
        f"{mio(st['rss_kib'])} dont {mio(st.get('anon_kib'))} de tas."
    )
    peak, pss, anon = res["server_peak_kib"], res.get("server_pss_max_kib"), res.get("server_anon_max_kib")
    ok_hwm = peak is not None and peak * 1024 < MEMORY_AIM
    ok_pss = pss is not None and pss * 1024 < MEMORY_AIM
    lines.append(
        f"- Mémoire du serveur sur toute la charge : pic de mémoire résidente {mio(peak)} (VmHWM), dont au plus "
        f"{mio(anon)} de tas (RssAnon) et {mio(res.get('server_file_max_kib'))} de pages de fichiers projetés "
        f"(RssFile : le binaire ; `essor.sqlite` est lu par le cache de pages du noyau, sans projection) ; "
        f"chaque page comptée une fois (Pss) : au plus {mio(pss)}. Objectif < 2 Go : "
        f"{atteint(ok_hwm)} selon VmHWM, {atteint(ok_pss)} selon Pss."
    )
    ok_mem = ok_pss
    lines += [
        "",
        "| scénario | URL différentes | requêtes/s | p50 (ms) | p90 (ms) | p99 (ms) | erreurs | p99 < 50 ms | mémoire max (RSS / Pss) |",
        "|---|--:|--:|--:|--:|--:|--:|---|--:|",
    ]
    missed = []
    for s in res["scenarios"]:
        if s.get("failed"):
            lines.append(f"| {s['description']} | {fr_int(s['distinct'])} | échec | | | | | | |")
            missed.append(s["name"])
            continue
        lat = s["latency_ms"]
        errors = s["non2xx"] + s["socket_errors"]
        err = "0" if errors == 0 else f"{fr_int(errors)} ({fr_int(s['non2xx'])} non 2xx, {fr_int(s['errors']['timeout'])} délais)"
        ok = lat["p99"] < P99_AIM_MS and errors == 0
        if not ok:
            missed.append(s["name"])
        lines.append(
            f"| {s['description']} (`{s['name']}`) | {fr_int(s['distinct'])} | {fr_int(s['rps'])} | {ms(lat['p50'])} | "
            f"{ms(lat['p90'])} | {ms(lat['p99'])} | {err} | {atteint(ok)} | {mio(s.get('rss_max_kib'))} / {mio(s.get('pss_max_kib'))} |"
        )
    lines.append("")
    total = len(res["scenarios"])
    lines.append(
        f"Objectif p99 < 50 ms à {{connections}} connexions : {atteint(not missed)} "
        f"({total - len(missed)} scénarios sur {total}"
        + (f" ; non atteint : {', '.join(f'`{m}`' for m in missed)}" if missed else "")
        + f") ; mémoire < 2 Go (Pss) : {atteint(ok_mem)}."
    )
    if res.get("words"):
        lines += ["", "Coût d'une recherche seule (une requête `/api/v1/actors?q=…&per_page=20`, serveur au repos) "
                  "selon le nombre d'acteurs trouvés :", ""]
        words = sorted(res["words"], key=lambda w: -w["total"])
        lines.append(" ; ".join(f"« {w['q']} » {fr_int(w['total'])} ({ms(w['ms'])} ms)" for w in words) + ".")
    lines.append("")
    lines.append(f"Charge de la machine au départ (loadavg 1, 5, 15 min) : {res.get('loadavg', '?')}.")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--command", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--sizes", nargs="+", required=True)
    ap.add_argument("--duration", type=int, required=True)
    ap.add_argument("--warmup", type=int, required=True)
    ap.add_argument("--connections", type=int, required=True)
    ap.add_argument("--threads", type=int, required=True)
    a = ap.parse_args()
    out = Path(a.out)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = []
    ev = out / "essor.version"
    if ev.exists():
        versions.append(f"essor : {ev.read_text().strip()}")
    wv = out / "wrk.version"
    if wv.exists():
        versions.append(f"{wv.read_text().strip()} (paquet Debian)")
    lines = [
        BEGIN,
        "## Serveur web sous charge (essor serve)",
        "",
        "Le serveur `essor serve --store` sur un magasin national généré (`essor synth`, puis `essor ingest "
        "--synthetic`), chargé par `wrk` sur la boucle locale (127.0.0.1). Chaque scénario parcourt une liste "
        "de nombreuses URL différentes tirées d'avance (graine fixe, `bench/serve_urls.py`), pour ne pas mesurer "
        "une seule réponse en cache : tuiles de la couche des acteurs (regroupés sur le serveur, jamais mises en "
        "cache) au zoom de la France, d'un département et d'une ville, sans et avec filtre ; tuiles du fond de "
        "carte (QPV, communes : mises en cache par le serveur après la première demande) ; recherche dans "
        "l'annuaire (API et page HTML) ; pages et JSON des territoires ; localisation d'un point ; pages "
        "d'acteurs. Détails : `bench/README.md`.",
        "",
        f"- Machine : {machine()}",
        f"- Commande : `{a.command}` (graine {a.seed})",
        f"- Date : {now}",
        "- Versions :",
        *[f"  - {v}" for v in versions],
        f"- Mesure : `wrk -t{a.threads} -c{a.connections} -d{a.duration}s --latency`, {a.duration} s par scénario "
        f"après {a.warmup} s de chauffe non mesurées ; le client et le serveur se partagent les cœurs de la "
        "machine. Latence de l'envoi de la requête à la fin de la réponse, en boucle fermée (chaque connexion "
        "attend sa réponse avant d'envoyer la suivante : à {c} connexions, la file d'attente du serveur fait "
        "partie de la latence). Réponses non compressées (wrk ne demande pas gzip). Mémoire du serveur : pic "
        "de mémoire résidente (VmHWM de `/proc/PID/status`), relevés toutes les 0,2 s de VmRSS, RssAnon, RssFile "
        "et, chaque seconde, de Pss (`/proc/PID/smaps_rollup`, chaque page comptée une fois) ; colonne « mémoire "
        "max » : les plus hauts relevés pendant le scénario.".replace("{c}", str(a.connections)),
        "- Objectifs (issue 4, point 6) : p99 < 50 ms à 100 connexions pour chaque point d'accès, mémoire du "
        "serveur < 2 Go. Une erreur (réponse non 2xx, délai dépassé) compte comme objectif non atteint.",
        "",
    ]
    for n in a.sizes:
        rf = out / "serve" / n / "results.json"
        if not rf.exists():
            lines += [f"### {n}", "", "Pas de résultat (voir les journaux dans `bench/out/serve/`).", ""]
            continue
        res = json.loads(rf.read_text())
        lf = out / "serve" / n / "loadavg"
        res["loadavg"] = lf.read_text().strip() if lf.exists() else "?"
        block = size_block(res, a.duration)
        lines += [line.replace("{connections}", str(a.connections)) for line in block]
        lines.append("")
    lines.append(END)
    write_section(a.report, BEGIN, END, "\n".join(lines))


if __name__ == "__main__":
    main()
