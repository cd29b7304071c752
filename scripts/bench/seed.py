#!/usr/bin/env python3
"""Seeds a Gamme stack for scripts/bench.sh, through its public API (nginx).

Signs in as the admin (first-run setup if needed), makes a reviewing editor and a technician,
creates N small procedures in parallel and publishes each (the admin writes, the editor
approves, as the four-eyes rule wants; `--procedures 0` when the library came from SQL), then
one published procedure of 30 steps. The technician starts `--runs` runs of it and records one
result at every step of every run, under a result id this script makes. Prints one JSON
object: the 30-step procedure's id, its steps, the runs with the results recorded, the
technician's fresh access token and the timings. Standard library only.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

# Procedure n is about NOUNS[n % 10]: a search for one of them matches a tenth of the library.
NOUNS = ["pompe", "vanne", "compresseur", "moteur", "convoyeur",
         "chaudière", "ventilateur", "transformateur", "échangeur", "réducteur"]
PASSWORD = "Bench-password-42"


class Api:
    """One keep-alive connection per thread to the stack's nginx."""

    def __init__(self, base):
        url = urllib.parse.urlsplit(base)
        self.host, self.port = url.hostname, url.port or 80
        self.local = threading.local()

    def call(self, method, path, body=None, token=None, expect=(200, 201)):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(60):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                conn.request(method, path, body=data, headers=headers)
                res = conn.getresponse()
                payload = res.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt >= 2:
                    raise
                continue
            if res.status == 429:  # nginx limits sign-ins: wait for the next slot
                time.sleep(2)
                continue
            value = json.loads(payload) if payload else None
            if res.status not in expect:
                raise RuntimeError(f"{method} {path} -> {res.status}: {payload[:500]!r}")
            return value
        raise RuntimeError(f"{method} {path}: still rate-limited")


def login(api, email, password):
    return api.call("POST", "/api/auth/login", {"email": email, "password": password})["access_token"]


def user(api, admin_token, role, tag):
    email = f"bench.{role}.{tag}@gamme.test"
    created = api.call("POST", "/api/auth/users",
                       {"email": email, "display_name": f"Bench {role}", "role": role}, admin_token)
    first = login(api, email, created["temporary_password"])
    api.call("POST", "/api/auth/me/password",
             {"current_password": created["temporary_password"], "new_password": PASSWORD}, first)
    return email


def small_content(noun, n):
    return {"sections": [{"title": None, "steps": [
        {"kind": "instruction", "title": f"Consigner le {noun} {n}", "body": "Verrouiller et étiqueter."},
        {"kind": "number", "title": "Pression de refoulement", "unit": "bar", "min": 2.0, "max": 3.0},
        {"kind": "pass_fail", "title": f"Vérifier l'étanchéité du {noun}"},
    ]}]}


def thirty_steps():
    kinds = ["instruction", "checkbox", "pass_fail", "number", "text", "choice"]
    sections = []
    for s in range(3):
        steps = []
        for i in range(10):
            kind = kinds[(s * 10 + i) % len(kinds)]
            step = {"kind": kind, "title": f"Step {s * 10 + i + 1}: {kind} check",
                    "body": "Check the **coupling** and the seals; write what you see. " * 3}
            if kind == "number":
                step.update(unit="bar", min=2.0, max=3.0)
            if kind == "choice":
                step["options"] = ["clear", "dark", "milky"]
            if i == 0:
                step.update(warning_level="caution", warning_text="Hot surfaces")
            steps.append(step)
        sections.append({"title": f"Section {s + 1}", "steps": steps})
    return {"sections": sections}


# What a technician enters at a step of each kind of thirty_steps(): all within limits.
VALUES = {"instruction": True, "checkbox": True, "pass_fail": "pass", "number": 2.5,
          "text": "Joint sec, accouplement serré.", "choice": "clear"}


def publish(api, author, reviewer, code, title, content, description=""):
    created = api.call("POST", "/api/procedures",
                       {"code": code, "title": title, "language": "fr", "description": description,
                        "tags": ["bench"], "content": content}, author)
    pid = created["id"]
    api.call("POST", f"/api/procedures/{pid}/revisions/1/submit", {}, author)
    api.call("POST", f"/api/procedures/{pid}/revisions/1/approve", {}, reviewer)
    return pid


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", required=True)
    p.add_argument("--admin-email", required=True)
    p.add_argument("--admin-password", required=True)
    p.add_argument("--procedures", type=int, default=10_000)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--runs", type=int, default=0, help="runs of the 30-step procedure to start")
    a = p.parse_args()

    api = Api(a.base)
    if api.call("GET", "/api/auth/setup")["needed"]:
        api.call("POST", "/api/auth/setup",
                 {"email": a.admin_email, "password": a.admin_password, "display_name": "Admin"})
    admin = login(api, a.admin_email, a.admin_password)
    tag = f"{int(time.time())}"
    reviewer_email = user(api, admin, "editor", tag)
    tech_email = user(api, admin, "technician", tag)
    reviewer = login(api, reviewer_email, PASSWORD)

    started = time.monotonic()
    done = 0
    lock = threading.Lock()

    def seed(n):
        nonlocal done
        noun = NOUNS[n % len(NOUNS)]
        publish(api, admin, reviewer, f"B{tag}-{n:05d}", f"Inspection {noun} {n}",
                small_content(noun, n), f"Inspection périodique du {noun} numéro {n}.")
        with lock:
            done += 1
            if done % 1000 == 0:
                print(f"  seeded {done}/{a.procedures} in {time.monotonic() - started:.0f} s", file=sys.stderr)

    # Tokens last 15 minutes: sign in again every 2,000 procedures.
    for batch in range(0, a.procedures, 2000):
        if batch:
            admin = login(api, a.admin_email, a.admin_password)
            reviewer = login(api, reviewer_email, PASSWORD)
        with ThreadPoolExecutor(a.workers) as pool:
            list(pool.map(seed, range(batch, min(batch + 2000, a.procedures))))
    seed_seconds = time.monotonic() - started

    big = publish(api, admin, reviewer, f"B{tag}-THIRTY", "Révision complète de la pompe", thirty_steps())
    tech = login(api, tech_email, PASSWORD)
    shown = api.call("GET", f"/api/procedures/{big}", token=tech)
    steps = [{"id": st["id"], "kind": st["kind"], "value": VALUES[st["kind"]]}
             for section in shown["revision"]["content"]["sections"] for st in section["steps"]]

    started = time.monotonic()

    def start_run(_):
        run = api.call("POST", "/api/runs", {"procedure_id": big}, tech)["id"]
        results = []
        for st in steps:
            result_id = str(uuid.uuid4())
            api.call("PUT", f"/api/runs/{run}/steps/{st['id']}",
                     {"result_id": result_id, "value": st["value"]}, tech)
            results.append(result_id)
        return {"id": run, "result_ids": results}

    with ThreadPoolExecutor(a.workers) as pool:
        runs = list(pool.map(start_run, range(a.runs)))
    runs_seconds = time.monotonic() - started
    print(json.dumps({"procedure_id": big, "steps": steps, "runs": runs, "token": tech,
                      "seeded": a.procedures, "seed_seconds": round(seed_seconds, 1),
                      "runs_seconds": round(runs_seconds, 1), "workers": a.workers}))


if __name__ == "__main__":
    main()
