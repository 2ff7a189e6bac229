"""Load and faults on loopback: gunicorn (production settings) and a throwaway PostgreSQL cluster.

    .venv/bin/python bench/load.py                 # about 3 minutes: 50 focal points, 5 reviewers
    .venv/bin/python bench/load.py --quick         # 20 seconds
    .venv/bin/python bench/load.py --faults        # the same, killing a web worker mid-request and
                                                   # restarting PostgreSQL once during the run

What it does, all on 127.0.0.1 and torn down at the end (figures: docs/performance.md):

0. Take a snapshot of the last commit (`git archive HEAD`) to serve, so that files others are editing are
   not what is measured (`--worktree` serves the working tree instead).

1. `initdb` a new PostgreSQL cluster in a temporary directory (as the `postgres` system user when run as
   root) on a free port: the shared server on 5432 is never touched, so restarting this one is safe.
2. Migrate, `load_states`, `load_questionnaire`; create 50 States' focal points with their responses in
   progress, and 5 Secretariat reviewers with a confirmed TOTP authenticator, through the ORM.
3. `collectstatic` into a temporary STATIC_ROOT; start gunicorn (`portal.wsgi`, 3 sync workers as in the
   Dockerfile) with `portal.settings.production`: CONN_MAX_AGE 60 and connection health checks, whitenoise.
   The clients act as the TLS proxy production expects in front: they send `X-Forwarded-Proto: https`
   (no redirect to HTTPS, secure cookies are issued), `X-Forwarded-For` and an https `Origin` (CSRF).
4. Everyone signs in first, outside the measured window. Each focal point signs in (login page for the
   CSRF token, then the e-mail and password), loads the stylesheet and scripts once, opens the response page, then, section after section, opens a section
   page and autosaves its long-text answers through the page's JSON endpoint with the page's fields
   (`<code>-value`, `<code>-language`, `<code>-base_version`, `X-CSRFToken` from the cookie), keeping the
   base version from each reply. Like `static/js/autosave.js`, a save that got no acknowledgement (network
   error, 5xx, 502...) is sent again unchanged, with the same base version, after 2, 4, 8... s; a 409 is
   answered as "keep mine" (save again on the version the server reported). Reviewers sign in with the
   password and the current TOTP code (computed from their device's key), then browse the review queue,
   responses, their section pages and the analysis.
5. Print, per kind of request, the count, requests per second, median and 95th percentile latency and
   errors; with --faults (a worker killed with SIGKILL while it serves an automatic save, at 30 % of the
   run; `pg_ctl restart -m fast` at 60 %), the errors after each fault and how long recovery took.
6. Check that every acknowledged save is in the database: the latest acknowledged version of each answer
   is the stored version with the acknowledged value, every earlier acknowledged version is in the
   answer's history with its value. Exit 1 on any loss.
"""

import argparse
import http.client
import json
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CODE = ROOT  # the code served and seeded: a snapshot of the last commit unless --worktree
PYTHON = sys.executable
PASSWORD = "load-passphrase-2026"  # noqa: S105 - throwaway accounts in a throwaway cluster
LANGUAGE = "en"
QUESTIONNAIRE = "omnibus-2026"


# --- Helpers -------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_bindir() -> Path:
    """The PostgreSQL server programs (initdb, pg_ctl): from OMNIBUS_PG_BINDIR or Debian's layout."""
    if os.environ.get("OMNIBUS_PG_BINDIR"):
        return Path(os.environ["OMNIBUS_PG_BINDIR"])
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    sys.exit("initdb not found: install the PostgreSQL server (Debian: postgresql) or set OMNIBUS_PG_BINDIR")


# --- The throwaway PostgreSQL cluster --------------------------------------------------------------------
class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a free loopback port."""

    def __init__(self, workdir: Path):
        self.bindir = pg_bindir()
        self.dir = workdir / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = None
        self.dir.mkdir()
        if os.geteuid() == 0:
            # initdb refuses to run as root: the cluster belongs to the postgres system user.
            self.user = pwd.getpwnam(os.environ.get("OMNIBUS_PG_OS_USER", "postgres"))
            os.chown(workdir, self.user.pw_uid, self.user.pw_gid)
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)

    def _run(self, *args, check=True):
        command = [str(self.bindir / args[0]), *map(str, args[1:])]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    @property
    def version(self) -> str:
        return self._run("postgres", "--version").stdout.strip()

    def start(self):
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        self._pg_ctl("start")
        self._run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "omnibus_load")

    def _pg_ctl(self, action, *extra):
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=50"
        return self._run(
            "pg_ctl",
            action,
            "-D",
            self.data,
            "-w",
            "-t",
            "60",
            "-l",
            self.dir / "server.log",
            "-o",
            options,
            *extra,
        )

    def restart(self):
        """A fast restart: open transactions are rolled back, every connection is cut."""
        self._pg_ctl("restart", "-m", "fast")

    def stop(self):
        self._run("pg_ctl", "stop", "-D", self.data, "-m", "immediate", "-w", check=False)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/omnibus_load"


def snapshot(workdir: Path) -> tuple[Path, str]:
    """The committed code (`git archive HEAD`), so that files being edited meanwhile are not what is
    measured; the front-end packages and compiled translations, which git does not hold, are borrowed."""
    target = workdir / "src"
    target.mkdir()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    for compiled in ROOT.glob("locale/*/LC_MESSAGES/*.mo"):
        shutil.copy2(compiled, target / compiled.relative_to(ROOT))
    return target, commit


# --- Environment, seed and check (Django in this process) ------------------------------------------------
def portal_environment(workdir: Path, cluster: Cluster) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": cluster.url,
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(CODE),
    }


def manage(env: dict, *args):
    subprocess.run(
        [PYTHON, str(CODE / "manage.py"), *args], check=True, env=env, cwd=CODE, stdout=subprocess.DEVNULL
    )


def seed(states: int, reviewers: int) -> dict:
    """Focal points with responses in progress and reviewers with a confirmed authenticator, through the ORM."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import Country, Role, User
    from surveys.models import Question, Questionnaire, Response

    questionnaire = Questionnaire.objects.get(code=QUESTIONNAIRE)
    # One password hash for everyone: hashing 55 times would take half a minute and measure nothing.
    password = make_password(PASSWORD)
    # States party to the Convention: its sections are in the scope of their responses.
    countries = list(
        Country.objects.filter(participations__treaty="UNTOC", participations__status="party")
        .order_by("iso2")
        .distinct()[:states]
    )
    plan = {"focal_points": [], "reviewers": [], "sections": {}}
    for country in countries:
        user = User(
            email=f"load-fp-{country.iso2.lower()}@example.org",
            password=password,
            full_name=f"Focal point {country.iso2}",
            role=Role.FOCAL_POINT,
            country=country,
        )
        user.save()
        response = Response.objects.create(
            questionnaire=questionnaire, country=country, status=Response.Status.IN_PROGRESS
        )
        plan["focal_points"].append({"email": user.email, "response": response.pk})
    for n in range(reviewers):
        user = User(email=f"load-reviewer-{n}@example.org", password=password, full_name=f"Reviewer {n}")
        user.role = Role.REVIEWER
        user.save()
        device = TOTPDevice.objects.create(user=user, name="load authenticator", confirmed=True)
        plan["reviewers"].append(
            {
                "email": user.email,
                "key": device.bin_key,
                "step": device.step,
                "t0": device.t0,
                "digits": device.digits,
            }
        )
    # The UNTOC sections with long-text questions (every State answers UNTOC); the clients still read
    # the questions and their versions from the section pages themselves.
    texts = Question.objects.filter(
        questionnaire=questionnaire, kind=Question.Kind.LONG_TEXT, section__instrument__code="UNTOC"
    ).values_list("section__code", flat=True)
    plan["sections"] = sorted(set(texts))
    connection.close()
    return plan


def check(acks: list, attempts_after_ack: set) -> list[str]:
    """Every acknowledged save against the database; returns the losses (empty when none)."""
    from surveys.models import Answer, AnswerRevision

    by_answer = defaultdict(dict)
    losses = []
    for ack in acks:
        key = (ack.response, ack.code)
        seen = by_answer[key].get(ack.version)
        if seen is not None and seen != ack.value:
            losses.append(f"{key} v{ack.version} acknowledged with two different values")
        by_answer[key][ack.version] = ack.value
    responses = {key[0] for key in by_answer}
    stored = {
        (a.response_id, a.question.code): a
        for a in Answer.objects.filter(response_id__in=responses).select_related("question")
    }
    history = defaultdict(dict)
    for answer_id, version, value in AnswerRevision.objects.filter(
        answer__response_id__in=responses
    ).values_list("answer_id", "version", "value"):
        history[answer_id][version] = value
    for key, versions in by_answer.items():
        answer = stored.get(key)
        if answer is None:
            losses.append(f"{key}: acknowledged versions {sorted(versions)} but no answer stored")
            continue
        latest = max(versions)
        if answer.version < latest:
            losses.append(f"{key}: acknowledged v{latest}, stored v{answer.version}")
        elif answer.version == latest and answer.value != versions[latest]:
            losses.append(f"{key}: v{latest} stored with another value than acknowledged")
        elif answer.version > latest and key not in attempts_after_ack:
            losses.append(f"{key}: stored v{answer.version} is newer than any save sent after v{latest}")
        for version, value in versions.items():
            if history[answer.pk].get(version, object()) != value:
                losses.append(
                    f"{key}: acknowledged v{version} missing from the history or with another value"
                )
    return losses


# --- gunicorn ----------------------------------------------------------------------------------------------
class Server:
    def __init__(self, env: dict, workdir: Path, workers: int, threads: int):
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--no-control-socket",  # its default path is shared by every gunicorn of the user
            "--error-logfile",
            str(self.log),
        ]
        if threads > 1:
            command += ["--threads", str(threads)]
        # Django logs errors to the console: gunicorn's and Django's messages end up in one file.
        self.output = self.log.open("ab")
        self.process = subprocess.Popen(
            command, env=env, cwd=CODE, stdout=self.output, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        sys.exit(f"gunicorn did not answer; see {self.log}")

    def workers(self) -> list[int]:
        children = []
        for stat in glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.split("/")[2]))
        return sorted(children)

    @staticmethod
    def cpu_ticks(pid: int) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return -1
        return int(fields[11]) + int(fields[12])

    def busy_worker(self) -> int:
        """A worker using the CPU right now, i.e. in the middle of a request (sync workers serve one at a time)."""
        for _ in range(50):
            before = {pid: self.cpu_ticks(pid) for pid in self.workers()}
            time.sleep(0.05)
            busy = [pid for pid, ticks in before.items() if self.cpu_ticks(pid) > ticks >= 0]
            if busy:
                return random.choice(busy)
        return random.choice(self.workers())

    def serving(self, in_flight: dict) -> dict[int, str]:
        """Worker pid -> kind of the request it is serving, from the connections it holds open: the
        client end of each is a port a client registered in `in_flight`."""
        inodes = {}
        for pid in self.workers():
            for fd in glob(f"/proc/{pid}/fd/*"):
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes[target[8:-1]] = pid
        serving = {}
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            local_port, remote_port, inode = (
                int(parts[1].split(":")[1], 16),
                int(parts[2].split(":")[1], 16),
                parts[9],
            )
            if local_port == self.port and inode in inodes and remote_port in in_flight:
                serving[inodes[inode]] = in_flight[remote_port]
        return serving

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- HTTP clients --------------------------------------------------------------------------------------------
@dataclass
class Sample:
    kind: str
    start: float
    ms: float
    status: int  # 0 when no reply came (connection refused, reset, timeout)
    error: bool
    detail: str = ""

    @property
    def end(self) -> float:
        """When the reply (or its absence) was seen: errors are put down to the fault before this."""
        return self.start + self.ms / 1000


@dataclass
class Ack:
    response: int
    code: str
    value: str
    version: int


@dataclass
class Run:
    """Shared by the clients. Everyone signs in first; the measured window starts once all have."""

    port: int
    start_at: float = float("inf")
    stop_at: float = float("inf")
    go: threading.Event = field(default_factory=threading.Event)
    signed_in: int = 0
    in_flight: dict = field(default_factory=dict)  # client port -> kind of a request still without reply
    samples: list = field(default_factory=list)
    acks: list = field(default_factory=list)
    attempts_after_ack: set = field(default_factory=set)
    conflicts: int = 0
    retries: int = 0
    unacknowledged_at_end: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sample: Sample):
        with self.lock:
            self.samples.append(sample)

    def ready(self):
        """Called by a client once signed in; returns when the measured window starts."""
        with self.lock:
            self.signed_in += 1
        self.go.wait()


class Browser:
    """One person's cookies, over a fresh loopback connection per request (gunicorn's sync workers do not
    keep connections alive). Cookies marked Secure are sent: the clients play the HTTPS proxy."""

    def __init__(self, run: Run, address: str):
        self.run = run
        self.address = address
        self.cookies = {}

    def request(self, kind, method, path, data=None, headers=None, ok=(200,)):
        body = urlencode(data, doseq=True).encode() if data is not None else None
        sent = {
            "Host": f"127.0.0.1:{self.run.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://127.0.0.1:{self.run.port}"
            sent["Referer"] = f"https://127.0.0.1:{self.run.port}{path}"
        start = time.monotonic()
        status, text, location, detail, client_port = 0, "", "", "", None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.run.port, timeout=90)
            try:
                connection.connect()
                client_port = connection.sock.getsockname()[1]
                self.run.in_flight[client_port] = kind
                connection.request(method, path, body=body, headers=sent)
                reply = connection.getresponse()
                # The server has answered: from now on, killing its worker no longer cuts this request.
                self.run.in_flight.pop(client_port, None)
                payload = reply.read()
                status = reply.status
                location = reply.getheader("Location", "")
                for cookie in reply.headers.get_all("Set-Cookie") or []:
                    name, _, rest = cookie.partition("=")
                    value = rest.split(";", 1)[0]
                    if "max-age=0" in cookie.lower() or not value or value == '""':
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
                if reply.getheader("Content-Encoding") is None:
                    text = payload.decode("utf-8", "replace")
            finally:
                self.run.in_flight.pop(client_port, None)
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            detail = type(error).__name__
        ms = (time.monotonic() - start) * 1000
        error = status not in ok
        if error and not detail:
            detail = f"HTTP {status}"
        self.run.record(Sample(kind, start, ms, status, error, detail))
        return status, text, location

    def csrf_from(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else self.cookies.get("csrftoken", "")

    def sign_in(self, email: str, totp=None) -> bool:
        login = f"/{LANGUAGE}/accounts/login/"
        status, html, _ = self.request("sign-in page", "GET", login)
        if status != 200:
            return False
        status, _, location = self.request(
            "sign-in POST",
            "POST",
            login,
            {"csrfmiddlewaretoken": self.csrf_from(html), "username": email, "password": PASSWORD},
            ok=(302,),
        )
        if status != 302:
            return False
        if totp is not None:
            path = urlsplit(location).path + (
                "?" + urlsplit(location).query if urlsplit(location).query else ""
            )
            status, html, _ = self.request("one-time code page", "GET", path)
            if status != 200:
                return False
            status, _, location = self.request(
                "one-time code POST",
                "POST",
                path,
                {"csrfmiddlewaretoken": self.csrf_from(html), "code": totp()},
                ok=(302,),
            )
            if status != 302:
                return False
        return True

    def load_assets(self, html: str):
        """The stylesheets and scripts a browser would fetch once (whitenoise serves them)."""
        for asset in sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)))[:6]:
            self.request("static file", "GET", asset, headers={"Accept-Encoding": "br, gzip"})


def sleep_until(run: Run, seconds: float) -> bool:
    """Think time; False once the run is over."""
    end = min(time.monotonic() + seconds, run.stop_at)
    while time.monotonic() < end:
        time.sleep(min(0.2, end - time.monotonic()))
    return time.monotonic() < run.stop_at


class FocalPoint(threading.Thread):
    def __init__(self, run: Run, n: int, person: dict, sections: list, think: tuple, rng: random.Random):
        super().__init__(daemon=True, name=f"focal-point-{n}")
        self.load = run
        self.n = n
        self.person = person
        self.sections = sections
        self.think = think
        self.rng = rng
        self.browser = Browser(run, f"10.1.{n // 250}.{n % 250 + 1}")
        self.seq = 0
        self.versions = {}  # code -> base version the page holds

    def run(self):  # noqa: D102 - threading.Thread API
        time.sleep(self.rng.uniform(0, 5))  # people do not all arrive in the same second
        while not self.browser.sign_in(self.person["email"]):
            time.sleep(2)
        self.load.ready()
        response = self.person["response"]
        status, html, _ = self.browser.request("response page", "GET", f"/{LANGUAGE}/responses/{response}/")
        self.browser.load_assets(html)
        while time.monotonic() < self.load.stop_at:
            section = self.rng.choice(self.sections)
            status, html, _ = self.browser.request(
                "section page", "GET", f"/{LANGUAGE}/responses/{response}/sections/{section}/"
            )
            if status != 200:
                sleep_until(self.load, 2)
                continue
            codes = re.findall(r'data-question="([^"]+)" data-kind="long_text"', html)
            for code in codes:
                match = re.search(rf'name="{re.escape(code)}-base_version" value="(\d*)"', html)
                self.versions[code] = int(match.group(1) or 0) if match else 0
            for code in self.rng.sample(codes, min(len(codes), self.rng.randint(2, 5))):
                if not sleep_until(self.load, self.rng.uniform(*self.think)):
                    return
                self.save(code)

    def save(self, code: str):
        """One autosave, sent again like the page's script until the server acknowledges it."""
        response = self.person["response"]
        self.seq += 1
        value = f"Load {self.n}.{self.seq}: measures applied in {self.rng.randint(1, 999)} cases; courts issued guidance."
        path = f"/{LANGUAGE}/responses/{response}/answers/{code}/save/"
        attempts = 0
        while True:
            data = {
                f"{code}-value": value,
                f"{code}-language": LANGUAGE,
                f"{code}-base_version": self.versions.get(code, 0),
            }
            headers = {
                "X-CSRFToken": self.browser.cookies.get("csrftoken", ""),
                "X-Requested-With": "fetch",
                "Accept": "application/json",
            }
            status, text, _ = self.browser.request(
                "autosave POST", "POST", path, data, headers, ok=(200, 409)
            )
            if status == 200:
                version = json.loads(text)["version"]
                self.versions[code] = version
                with self.load.lock:
                    self.load.acks.append(Ack(response, code, value, version))
                    self.load.attempts_after_ack.discard((response, code))
                return
            if status == 409:
                # The page shows both answers; this person keeps theirs, based on the version shown.
                with self.load.lock:
                    self.load.conflicts += 1
                self.versions[code] = json.loads(text)["version"]
                continue
            # No acknowledgement: the save may or may not have been written.
            attempts += 1
            with self.load.lock:
                self.load.retries += 1
                self.load.attempts_after_ack.add((response, code))
            if status in (302, 401) or (status == 403 and '"forbidden"' not in text):
                # Session gone: sign in again (in the page: in another tab), then the same save is sent again.
                self.browser.sign_in(self.person["email"])
            elif status == 403:
                return  # the response can no longer be changed (not expected here)
            # Offline, 5xx: again after 2, 4, 8... seconds (at most 60), as the page's script does; past
            # the end of the run, a save still waiting keeps being retried for up to a minute.
            if time.monotonic() > self.load.stop_at + 60:
                with self.load.lock:
                    self.load.unacknowledged_at_end.append((response, code, value))
                return
            time.sleep(min(2 * 2 ** (attempts - 1), 60))


class Reviewer(threading.Thread):
    def __init__(self, run: Run, n: int, person: dict, responses: list, sections: list, think, rng):
        super().__init__(daemon=True, name=f"reviewer-{n}")
        self.load = run
        self.person = person
        self.responses = responses
        self.sections = sections
        self.think = think
        self.rng = rng
        self.browser = Browser(run, f"10.2.0.{n + 1}")

    def code(self) -> str:
        from django_otp.oath import totp

        p = self.person
        return f"{totp(p['key'], p['step'], p['t0'], p['digits']):0{p['digits']}d}"

    def run(self):  # noqa: D102 - threading.Thread API
        time.sleep(self.rng.uniform(0, 5))
        while not self.browser.sign_in(self.person["email"], totp=self.code):
            # A code works once: a second try waits for the next one.
            time.sleep(30)
        self.load.ready()
        status, html, _ = self.browser.request(
            "review queue", "GET", f"/{LANGUAGE}/questionnaires/{QUESTIONNAIRE}/review/"
        )
        self.browser.load_assets(html)
        pages = [
            ("review queue", lambda: f"/{LANGUAGE}/questionnaires/{QUESTIONNAIRE}/review/"),
            ("response page (reviewer)", lambda: f"/{LANGUAGE}/responses/{self.rng.choice(self.responses)}/"),
            (
                "section page (reviewer)",
                lambda: (
                    f"/{LANGUAGE}/responses/{self.rng.choice(self.responses)}/sections/{self.rng.choice(self.sections)}/"
                ),
            ),
            (
                "analysis page",
                lambda: f"/{LANGUAGE}/questionnaires/{QUESTIONNAIRE}/analysis/?instrument=UNTOC",
            ),
        ]
        while sleep_until(self.load, self.rng.uniform(*self.think)):
            kind, path = self.rng.choice(pages)
            self.browser.request(kind, "GET", path())


class Prober(threading.Thread):
    """/healthz every 200 ms, as a container health check would."""

    def __init__(self, run: Run):
        super().__init__(daemon=True, name="prober")
        self.load = run
        self.browser = Browser(run, "10.3.0.1")

    def run(self):  # noqa: D102 - threading.Thread API
        self.load.go.wait()
        while sleep_until(self.load, 0.2):
            self.browser.request("health check", "GET", "/healthz")


# --- Faults ----------------------------------------------------------------------------------------------------
@dataclass
class Fault:
    name: str
    at: float
    done: float = 0.0
    note: str = ""


def inject_faults(run: Run, server: Server, cluster: Cluster, start: float, duration: float, faults: list):
    """Kill -9 a web worker at 30 % of the run, while it serves an automatic save if one is caught within
    ten seconds (2 s with --quick; otherwise one using the CPU); restart PostgreSQL (fast) at 60 %."""
    time.sleep(max(0, start + 0.3 * duration - time.monotonic()))
    before = server.workers()
    victim, serving = None, "?"
    deadline = time.monotonic() + min(10, 0.1 * duration)
    while victim is None and time.monotonic() < deadline:
        for pid, kind in server.serving(run.in_flight).items():
            if kind == "autosave POST":
                victim, serving = pid, kind
                break
        else:
            time.sleep(0.005)
    if victim is None:
        victim = server.busy_worker()
        serving = server.serving(run.in_flight).get(victim, "?")
    fault = Fault(f"web worker killed (SIGKILL) while serving: {serving}", time.monotonic())
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = server.workers()
        if victim not in now and len(now) >= len(before):
            break
        time.sleep(0.05)
    fault.done = time.monotonic()
    fault.note = f"worker {victim} killed, master started a new one"
    faults.append(fault)
    time.sleep(max(0, start + 0.6 * duration - time.monotonic()))
    fault = Fault("PostgreSQL restarted (pg_ctl restart -m fast)", time.monotonic())
    cluster.restart()
    fault.done = time.monotonic()
    fault.note = "server back up"
    faults.append(fault)


# --- Report ------------------------------------------------------------------------------------------------------
KIND_ORDER = [
    "sign-in page",
    "sign-in POST",
    "one-time code page",
    "one-time code POST",
    "static file",
    "response page",
    "section page",
    "autosave POST",
    "review queue",
    "response page (reviewer)",
    "section page (reviewer)",
    "analysis page",
    "health check",
]


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def table(samples: list, seconds: float) -> str:
    kinds = defaultdict(list)
    for s in samples:
        kinds[s.kind].append(s)
    lines = [
        f"| {'kind of request':<26} | {'count':>6} | {'req/s':>6} | {'median ms':>9} | {'p95 ms':>7} | {'errors':>6} |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    everything = []
    for kind in sorted(kinds, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else 99):
        rows = kinds[kind]
        if kind != "health check":
            everything += rows
        lines.append(_row(kind, rows, seconds))
    lines.append(_row("all but health checks", everything, seconds))
    return "\n".join(lines)


def _row(kind, rows, seconds):
    ms = [s.ms for s in rows] or [0.0]
    errors = sum(s.error for s in rows)
    return (
        f"| {kind:<26} | {len(rows):>6} | {len(rows) / seconds:>6.1f} | {statistics.median(ms):>9.0f} | "
        f"{p95(ms):>7.0f} | {errors:>6} |"
    )


def fault_report(run: Run, faults: list, start: float) -> list[str]:
    """Each error is put down to the last fault before it; recovery is when the last of those errors came
    back, and when a save (and a health check) first succeeded after it."""
    lines = []
    errors = [s for s in run.samples if s.error]
    before = [s for s in errors if s.end < faults[0].at] if faults else errors
    lines.append(f"- errors before the first fault: {len(before)}")
    for n, fault in enumerate(faults):
        until = faults[n + 1].at if n + 1 < len(faults) else float("inf")
        mine = [s for s in errors if fault.at <= s.end < until]
        last = max((s.end for s in mine), default=fault.at)
        causes = defaultdict(int)
        for s in mine:
            causes[f"{s.kind}: {s.detail}"] += 1
        firsts = {}
        for kind in ("autosave POST", "health check"):
            ok = [
                s.start + s.ms / 1000
                for s in run.samples
                if s.kind == kind and not s.error and s.start >= last
            ]
            firsts[kind] = f"{min(ok) - fault.at:.2f} s" if ok else "never"
        lines.append(
            f"- {fault.name} at {fault.at - start:.1f} s ({fault.note} after {fault.done - fault.at:.2f} s): "
            f"{len(mine)} errors ({', '.join(f'{k} ×{v}' for k, v in sorted(causes.items())) or 'none'}), "
            f"the last one answered {last - fault.at:.2f} s after the fault; first acknowledged save after it: "
            f"{firsts['autosave POST']}, first good health check: {firsts['health check']} after the fault"
        )
    return lines


def machine(cluster: Cluster) -> str:
    import platform

    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB RAM · "
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores (nproc) · {memory}Python {platform.python_version()} · {cluster.version}"


# --- Main ----------------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 s instead of 3 minutes")
    parser.add_argument("--duration", type=float, help="seconds of load (default 180, 20 with --quick)")
    parser.add_argument("--faults", action="store_true", help="kill a web worker and restart PostgreSQL once")
    parser.add_argument("--states", type=int, default=50, help="focal points, one per State")
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (the Dockerfile uses 3)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread if > 1)")
    parser.add_argument("--think", type=float, nargs=2, default=(1.5, 4.0), help="seconds between saves")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--worktree", action="store_true", help="serve the working tree as it is, not the last commit"
    )
    parser.add_argument("--keep", action="store_true", help="leave the temporary directory for inspection")
    parser.add_argument(
        "--samples", type=Path, help="write every request (CSV: kind, start s, ms, status, error)"
    )
    args = parser.parse_args(argv)
    duration = args.duration or (20 if args.quick else 180)

    global CODE
    workdir = Path(tempfile.mkdtemp(prefix="omnibus-load-"))
    if args.worktree:
        code = "working tree"
    else:
        CODE, commit = snapshot(workdir)
        code = f"commit {commit}"
    cluster = Cluster(workdir)
    server = None
    try:
        log(f"PostgreSQL cluster in {cluster.data} on 127.0.0.1:{cluster.port}")
        cluster.start()
        env = portal_environment(workdir, cluster)
        os.environ.update({k: v for k, v in env.items() if k not in ("PYTHONPATH",)})
        log("migrate, load_states, load_questionnaire, collectstatic")
        manage(env, "migrate", "--noinput")
        manage(env, "load_states")
        manage(env, "load_questionnaire")
        manage(env, "collectstatic", "--noinput")
        sys.path.insert(0, str(CODE))
        import django

        django.setup()
        plan = seed(args.states, args.reviewers)
        log(f"seeded {len(plan['focal_points'])} focal points, {len(plan['reviewers'])} reviewers")
        server = Server(env, workdir, args.workers, args.threads)
        log(
            f"gunicorn on 127.0.0.1:{server.port}, {args.workers} workers × {args.threads} threads: load for {duration:.0f} s"
        )

        rng = random.Random(args.seed)
        run = Run(port=server.port)
        responses = [p["response"] for p in plan["focal_points"]]
        clients = [
            FocalPoint(run, n, person, plan["sections"], tuple(args.think), random.Random(rng.random()))
            for n, person in enumerate(plan["focal_points"])
        ]
        clients += [
            Reviewer(run, n, person, responses, plan["sections"], (2.0, 6.0), random.Random(rng.random()))
            for n, person in enumerate(plan["reviewers"])
        ]
        threads = [Prober(run), *clients]
        signing_in = time.monotonic()
        for thread in threads:
            thread.start()
        while run.signed_in < len(clients) and time.monotonic() < signing_in + 600:
            time.sleep(0.2)
        start = time.monotonic()
        log(
            f"{run.signed_in} people signed in after {start - signing_in:.0f} s; measuring for {duration:.0f} s"
        )
        run.start_at, run.stop_at = start, start + duration
        run.go.set()
        faults = []
        if args.faults:
            injector = threading.Thread(
                target=inject_faults, args=(run, server, cluster, start, duration, faults), daemon=True
            )
            injector.start()
            threads.append(injector)
        for thread in threads:
            thread.join(timeout=max(1, run.stop_at + 150 - time.monotonic()))
        stuck = [t.name for t in threads if t.is_alive()]
        sign_in = [s for s in run.samples if s.start < start]
        measured = [s for s in run.samples if start <= s.start < run.stop_at]
        print()
        print(f"Machine: {machine(cluster)}; code: {code}")
        print(
            f"Load: {len(plan['focal_points'])} focal points, {len(plan['reviewers'])} reviewers, {duration:.0f} s, "
            f"gunicorn {args.workers} sync workers{f' × {args.threads} threads' if args.threads > 1 else ''}, "
            f"think time {args.think[0]}–{args.think[1]} s between saves{', with faults' if args.faults else ''}"
        )
        print()
        print(
            f"Signing in ({len(clients)} people at once, before the measured window, {start - signing_in:.0f} s):"
        )
        print(table(sign_in, start - signing_in))
        print()
        print(f"Measured window ({duration:.0f} s):")
        print(table(measured, duration))
        print()
        print(
            f"autosaves: {len(run.acks)} acknowledged, {run.retries} sent again after no acknowledgement, "
            f"{run.conflicts} conflicts (409) answered 'keep mine'"
        )
        if faults:
            print("Faults:")
            print("\n".join(fault_report(run, faults, start)))
        causes = defaultdict(int)
        for sample in run.samples:
            if sample.error:
                causes[f"{sample.kind}: {sample.detail}"] += 1
        print(f"errors: {sum(causes.values())}" + "".join(f"\n  {k} ×{v}" for k, v in sorted(causes.items())))
        if stuck:
            print(f"threads still running at the end: {', '.join(stuck)}")
        for response, code, _value in run.unacknowledged_at_end:
            print(f"never acknowledged (given up after the run): response {response} {code}")
        if args.samples:
            with args.samples.open("w") as out:
                out.write("kind,start_s,ms,status,error\n")
                for fault in faults:
                    out.write(
                        f"FAULT {fault.name},{fault.at - start:.3f},{(fault.done - fault.at) * 1000:.0f},,\n"
                    )
                for sample in sorted(run.samples, key=lambda s: s.start):
                    out.write(
                        f"{sample.kind},{sample.start - start:.3f},{sample.ms:.0f},{sample.status},{sample.detail}\n"
                    )
        from django.db import connection

        connection.close()  # a fresh connection: the restart cut the seed's one, if it was kept
        losses = check(run.acks, run.attempts_after_ack)
        print(f"acknowledged saves: {len(run.acks)}, lost: {len(losses)}")
        for loss in losses:
            print(f"  LOST {loss}")
        return 1 if losses or stuck else 0
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
