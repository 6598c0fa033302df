"""Locust scenario for bench/quiz_load.py: students sign in (spread out), start a quiz at the same moment, answer
with think time (30-90 s between answers) through the autosave API, and submit.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the machine's two cores
with the server, and requests costs several times more CPU per call."""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from locust import FastHttpUser, between, task

START_AT = float(os.environ["QUIZ_START_AT"])                 # epoch seconds: every student starts then
ASSIGNMENT = int(os.environ["QUIZ_ASSIGNMENT"])
ANSWERS = int(os.environ.get("QUIZ_ANSWERS", "3"))
THINK = (float(os.environ.get("QUIZ_THINK_MIN", "30")), float(os.environ.get("QUIZ_THINK_MAX", "90")))
PASSWORD = os.environ["QUIZ_PASSWORD"]
_numbers = itertools.count(1)
CSRF = re.compile(r'name="csrf[-_]token" (?:type="hidden" )?(?:content|value)="([^"]+)"')


class Student(FastHttpUser):
    wait_time = between(1, 2)
    network_timeout = connection_timeout = 60.0

    def on_start(self):
        self.username = f"student{next(_numbers)}"
        page = self.client.get("/login", name="login page").text
        self.client.post("/login", name="login", data={"username": self.username, "password": PASSWORD,
                                                       "csrf_token": CSRF.search(page)[1]})
        self.done = False

    @task
    def take_quiz(self):
        if self.done:
            time.sleep(5)
            return
        self.done = True                                     # one quiz per student, whatever happens below
        page = self.client.get(f"/learn/assignments/{ASSIGNMENT}", name="assignment page").text
        token = CSRF.search(page)[1]
        self.client.client.close()      # as a browser would, open a fresh connection after minutes of idling
        time.sleep(max(0.0, START_AT - time.time()))        # the teacher says "start now": everyone clicks at once
        started = self.client.post(f"/learn/assignments/{ASSIGNMENT}/start", name="start quiz",
                                   data={"csrf_token": token}).content
        # the student reads the first question before answering; the page is parsed then, not while the rest of
        # the class is still waiting for theirs (the load generator shares the server's two cores)
        time.sleep(random.uniform(*THINK))
        page = started.decode()
        state = json.loads(re.search(r'<script type="application/json" id="quiz-state">(.*?)</script>', page, re.S)[1])
        attempt = state["attempt"]
        items = re.findall(r'data-item="([^"]+)" data-type="([^"]+)"', page)
        headers = {"X-CSRFToken": CSRF.search(page)[1]}
        for seq, (item, kind) in enumerate(random.sample(items, min(ANSWERS, len(items))), start=1):
            if seq > 1:
                time.sleep(random.uniform(*THINK))
            value = {"single": "a", "truefalse": "true", "multiple": ["a"], "short": "Yezhov",
                     "essay": "An answer typed on a phone.", "cloze": ["843"], "matching": {}, "ordering": []}[kind]
            with self.client.put(f"/api/attempts/{attempt}/answers/{item}", name="autosave",
                                 json={"value": value, "seq": seq}, headers=headers, catch_response=True) as r:
                if r.status_code != 200 or not r.json().get("saved"):
                    r.failure(f"autosave {r.status_code}")
        with self.client.post(f"/api/attempts/{attempt}/submit", name="submit", headers=headers,
                              catch_response=True) as r:
            if r.status_code != 200 or not r.json().get("submitted"):
                r.failure(f"submit {r.status_code}")
