"""Load of signed-in users on `essor serve` (suite `accounts` of bench/run.sh).

`load`: N users, each a thread with its own keep-alive connection to one of the servers
(round robin), sign in through the real form, read the account page for its anti-CSRF token,
then, until the time is up and without pause, do a mix of actions drawn with a fixed seed:
pages (account, organisation, scheme), a territory search (API), a referral created (API),
a referral received by the organisation moved on through the operator's page form (each
user moves only the referrals it created, along acceptee → en_cours → terminee). Every
answer is checked (status), every latency recorded. Writes a JSON summary: per action the
count, the failures and the latency percentiles, and the writes that succeeded, which the
suite then counts in the database (no write lost, none duplicated).

`report`: the section "Comptes et écritures concurrentes" of BENCHMARKS.md from the
summaries of the PostgreSQL run (two servers) and the SQLite run (one server).

    python3 accounts_load.py load --servers http://127.0.0.1:P1,http://127.0.0.1:P2 \
        --users 100 --duration 30 --org 1 --password '…' --out load.json
    python3 accounts_load.py report --dir OUT --report BENCHMARKS.md --command '…'

Standard library only.
"""

import argparse
import http.client
import json
import random
import re
import threading
import time
import urllib.parse
from pathlib import Path

# Action, weight.
MIX = [
    ("page_compte", 15),
    ("page_organisation", 10),
    ("page_dispositif", 15),
    ("recherche_territoire", 20),
    ("creation_mise_en_relation", 20),
    ("changement_statut", 20),
]
READS = {"page_compte", "page_organisation", "page_dispositif", "recherche_territoire"}
NEXT = {"proposee": "acceptee", "acceptee": "en_cours", "en_cours": "terminee"}
SEARCHES = ["rennes", "saint-denis", "marseille", "lille", "villeurbanne", "QN", "93066", "maurepas"]
REFERRAL = {
    "scheme": "cjs",
    "operator": "fabrique-cooperative",
    "person": "Collectif jeunesse {i}",
    "contact": "06 00 00 00 00",
    "consent": True,
    "referrer": "Banc d'essai essor",
    "profile": {"holder": "collective", "stage": "emergence", "public": ["jeunes_16_18"]},
}


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


class User(threading.Thread):
    def __init__(self, i, base, args, deadline, results, lock):
        super().__init__(daemon=True)
        self.i, self.args, self.deadline = i, args, deadline
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.results, self.lock = results, lock
        self.rng = random.Random(args.seed * 1000 + i)
        self.cookie = ""
        self.csrf = ""
        self.mine = {}  # referral id -> status
        self.created = 0
        self.moved = 0
        self.samples = []  # (action, ms, ok, status)
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                return r.status, r.getheaders(), data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn = None
                if attempt:
                    return 0, [], b""
        return 0, [], b""

    def timed(self, action, method, path, body=None, headers=None, ok=(200,)):
        t0 = time.perf_counter()
        status, head, data = self.request(method, path, body, headers)
        ms = (time.perf_counter() - t0) * 1000
        self.samples.append((action, ms, status in ok, status))
        return status, head, data

    def sign_in(self):
        body = urllib.parse.urlencode(
            {"email": self.args.email.format(i=self.i), "password": self.args.password}
        )
        status, head, _ = self.timed(
            "connexion",
            "POST",
            "/connexion",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
            ok=(303,),
        )
        cookie = next((v for k, v in head if k.lower() == "set-cookie"), "")
        self.cookie = cookie.split(";")[0]
        _, _, page = self.request("GET", "/compte")
        m = re.search(rb'name="csrf" value="([0-9a-f]{64})"', page)
        self.csrf = m.group(1).decode() if m else ""
        return status == 303 and bool(self.csrf)

    def run(self):
        try:
            self.work()
        except Exception as e:  # noqa: BLE001 - a user that fails is reported, not lost
            self.samples.append(("erreur_client", 0.0, False, repr(e)[:80]))
            with self.lock:
                self.results.append(self.summary(False))

    def work(self):
        if not self.sign_in():
            with self.lock:
                self.results.append(self.summary(False))
            return
        actions = [a for a, w in MIX for _ in range(w)]
        org = self.args.org
        while time.monotonic() < self.deadline:
            action = self.rng.choice(actions)
            if action == "changement_statut" and not any(s in NEXT for s in self.mine.values()):
                action = "creation_mise_en_relation"
            if action == "page_compte":
                self.timed(action, "GET", "/compte")
            elif action == "page_organisation":
                self.timed(action, "GET", f"/organisations/{org}")
            elif action == "page_dispositif":
                self.timed(action, "GET", "/dispositifs/cjs")
            elif action == "recherche_territoire":
                q = urllib.parse.quote(self.rng.choice(SEARCHES))
                self.timed(action, "GET", f"/api/v1/territories/search?q={q}")
            elif action == "creation_mise_en_relation":
                payload = dict(REFERRAL, person=REFERRAL["person"].format(i=self.i))
                status, _, data = self.timed(
                    action,
                    "POST",
                    "/api/v1/referrals",
                    json.dumps(payload),
                    {"Content-Type": "application/json"},
                    ok=(201,),
                )
                if status == 201:
                    self.mine[json.loads(data)["referral"]["id"]] = "proposee"
                    self.created += 1
            else:
                rid = self.rng.choice([r for r, s in self.mine.items() if s in NEXT])
                to = NEXT[self.mine[rid]]
                status, _, _ = self.timed(
                    action,
                    "POST",
                    f"/organisations/{org}/mises-en-relation/{rid}",
                    urllib.parse.urlencode({"status": to, "csrf": self.csrf}),
                    {"Content-Type": "application/x-www-form-urlencoded"},
                    ok=(303,),
                )
                if status == 303:
                    self.mine[rid] = to
                    self.moved += 1
        with self.lock:
            self.results.append(self.summary(True))

    def summary(self, signed_in):
        return {
            "user": self.i,
            "signed_in": signed_in,
            "created": self.created,
            "moved": self.moved,
            "samples": self.samples,
        }


def load(a):
    servers = a.servers.split(",")
    results, lock = [], threading.Lock()
    t0 = time.monotonic()
    deadline = t0 + a.duration
    users = [User(i, servers[i % len(servers)], a, deadline, results, lock) for i in range(a.users)]
    for u in users:
        u.start()
    for u in users:
        u.join(a.duration + 120)
    elapsed = time.monotonic() - t0
    by_action = {}
    for r in results:
        for action, ms, ok, status in r["samples"]:
            e = by_action.setdefault(action, {"ms": [], "failed": 0, "statuses": {}})
            e["ms"].append(ms)
            if not ok:
                e["failed"] += 1
                e["statuses"][str(status)] = e["statuses"].get(str(status), 0) + 1
    actions = {}
    for action, e in by_action.items():
        actions[action] = {
            "count": len(e["ms"]),
            "failed": e["failed"],
            "statuses": e["statuses"],
            "p50_ms": percentile(e["ms"], 50),
            "p99_ms": percentile(e["ms"], 99),
            "max_ms": max(e["ms"]),
        }
    total = sum(a_["count"] for a_ in actions.values())
    out = {
        "servers": len(servers),
        "users": a.users,
        "signed_in": sum(1 for r in results if r["signed_in"]),
        "duration_s": elapsed,
        "requests": total,
        "requests_per_s": total / elapsed if elapsed else 0,
        "created": sum(r["created"] for r in results),
        "moved": sum(r["moved"] for r in results),
        "actions": actions,
    }
    Path(a.out).write_text(json.dumps(out, indent=1))
    print(
        f"{out['signed_in']}/{a.users} users, {total} requests in {elapsed:.1f} s "
        f"({out['requests_per_s']:.0f}/s), {out['created']} created, {out['moved']} moved, "
        f"{sum(x['failed'] for x in actions.values())} failed"
    )
    failed = sum(x["failed"] for x in actions.values())
    return 0 if failed == 0 and out["signed_in"] == a.users else 1


LABELS = {
    "connexion": "connexion (formulaire, Argon2id)",
    "page_compte": "page « Mon compte »",
    "page_organisation": "page de l'organisation",
    "page_dispositif": "page d'un dispositif",
    "recherche_territoire": "recherche de territoire (API)",
    "creation_mise_en_relation": "création d'une mise en relation (API, écriture)",
    "changement_statut": "changement de statut par l'opérateur (formulaire, écriture)",
}


def report(a):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from common import fr_int, fr_num, machine, write_section

    d = Path(a.dir)
    runs = []
    for name, label in [("postgres", "PostgreSQL, deux serveurs"), ("sqlite", "SQLite, un serveur")]:
        f = d / name / "load.json"
        if f.exists():
            runs.append((name, label, json.loads(f.read_text()), json.loads((d / name / "check.json").read_text())))
    lines = [
        "<!-- bench:accounts:begin (écrit par bench/run.sh accounts, ne pas modifier à la main) -->",
        "## Comptes et écritures concurrentes (essor serve, registre partagé)",
        "",
        f"Commande : `{a.command}`. Machine : {machine()}. {a.version}",
        "",
        f"{a.users} utilisateurs connectés en même temps (comptes au rôle « opérateur » d'une "
        "organisation), chacun avec sa connexion HTTP, sans temps de réflexion, pendant "
        f"{a.duration} s : pages (« Mon compte », organisation, dispositif), recherches de "
        "territoire, créations de mises en relation (API) et changements de statut par le "
        "formulaire de l'opérateur (jeton anti-falsification). Charge produite par "
        "`bench/accounts_load.py` (Python, fils d'exécution) sur la même machine que les "
        "serveurs et la base : les latences comprennent la part du client. Après la charge, "
        "les lignes sont comptées dans la base : chaque écriture réussie doit y être une fois, "
        "avec sa ligne d'historique et sa ligne d'audit.",
        "",
        "| Registre | Requêtes/s | Écritures réussies | Lignes en base (mises en relation / historique / audit) | Perdues ou en double | Mémoire max. des serveurs | Mémoire de PostgreSQL |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for name, label, r, c in runs:
        lines.append(
            f"| {label} | {fr_int(r['requests_per_s'])} | {fr_int(r['created'] + r['moved'])} | "
            f"{fr_int(c['referrals'])} / {fr_int(c['events'])} / {fr_int(c['audit'])} | "
            f"{fr_int(c['lost_or_duplicated'])} | {fr_num(c['server_rss_mib'], 0)} Mio | "
            f"{fr_num(c['postgres_rss_mib'], 0) + ' Mio' if c.get('postgres_rss_mib') else '—'} |"
        )
    lines += [
        "",
        "Latences par action (millisecondes, p50 / p99), échecs :",
        "",
        "| Action | " + " | ".join(label for _, label, _, _ in runs) + " |",
        "|---|" + "---:|" * len(runs),
    ]
    for action in LABELS:
        cells = []
        for _, _, r, _ in runs:
            x = r["actions"].get(action)
            cells.append(
                "—" if not x else f"{fr_num(x['p50_ms'], 1)} / {fr_num(x['p99_ms'], 1)} ({fr_int(x['count'])} ; {fr_int(x['failed'])} échec(s))"
            )
        lines.append(f"| {LABELS[action]} | " + " | ".join(cells) + " |")
    aims = []
    for name, label, r, c in runs:
        w = [r["actions"][k]["p99_ms"] for k in ("creation_mise_en_relation", "changement_statut") if k in r["actions"]]
        rd = [r["actions"][k]["p99_ms"] for k in READS if k in r["actions"]]
        aims.append(
            f"{label} : p99 des écritures {fr_num(max(w), 1) if w else '—'} ms (objectif 100), "
            f"p99 des lectures {fr_num(max(rd), 1) if rd else '—'} ms (objectif 50), "
            f"{fr_int(c['lost_or_duplicated'])} écriture perdue ou en double (objectif 0)."
        )
    lines += ["", "Objectifs (issue 15) : " + " ".join(aims), "", "<!-- bench:accounts:end -->"]
    write_section(a.report, lines[0], lines[-1], "\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("load")
    l.add_argument("--servers", required=True)
    l.add_argument("--users", type=int, default=100)
    l.add_argument("--duration", type=float, default=30)
    l.add_argument("--org", type=int, default=1)
    l.add_argument("--email", default="banc{i}@essor.test")
    l.add_argument("--password", required=True)
    l.add_argument("--seed", type=int, default=2015)
    l.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--dir", required=True)
    r.add_argument("--report", required=True)
    r.add_argument("--command", required=True)
    r.add_argument("--users", type=int, required=True)
    r.add_argument("--duration", type=int, required=True)
    r.add_argument("--version", default="")
    a = ap.parse_args()
    raise SystemExit(load(a) if a.cmd == "load" else report(a) or 0)


if __name__ == "__main__":
    main()
