"""Set up, serve and test the clinic addons on a real Odoo 18.0 and PostgreSQL.

``./clinic run``  installs what is missing, creates a demo clinic database and serves it.
``./clinic test`` does the same set-up, then runs every test on a fresh database.

Only the Python standard library is used until Odoo (and with it psycopg2) is installed.
"""

import argparse
import getpass
import importlib.metadata
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
PY = sys.executable
ADDONS = ["clinic_membership", "clinic_refund", "clinic_campaign"]
ODOO_SERIES = "18.0"
DEFAULT_ODOO_SOURCE = "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
EMBEDDED_PGDATA = CACHE / "pgdata"
DB_USER_FOR_ODOO = "odoo"  # Odoo refuses to connect as the 'postgres' superuser
DEMO_LOGINS = [
    ("admin", "admin", "Administrator / 管理员"),
    ("manager", "manager", "Clinic Manager / 门店经理"),
    ("frontdesk", "frontdesk", "Clinic User, front desk / 前台 (no health records)"),
    ("consultant", "consultant", "Consultant / 咨询师 (her members' health records)"),
    ("accountant", "accountant", "Clinic Accountant / 会计"),
    ("director", "director", "Clinic Director / 院长"),
    ("doctor", "doctor", "Practitioner / 医生 (gives treatments)"),
    ("member", "member", "Portal member / 会员 (portal)"),
]


class SetupError(Exception):
    """A set-up step that cannot go on; its message tells the user what to do."""


def say(msg):
    print(f"clinic: {msg}", flush=True)


def run_cmd(cmd, check=True, **kwargs):
    return subprocess.run(cmd, check=check, **kwargs)


# --------------------------------------------------------------------------- Odoo


def installed_odoo_series():
    probe = "import odoo.release as r; print('%s.%s' % r.version_info[:2])"
    res = run_cmd([PY, "-c", probe], check=False, capture_output=True, text=True)
    return res.stdout.strip() if res.returncode == 0 else None


def ensure_odoo():
    series = installed_odoo_series()
    if series == ODOO_SERIES:
        return
    if series:
        raise SetupError(
            f"{PY} imports Odoo {series}, but these addons need Odoo {ODOO_SERIES}. "
            "Point PYTHON at an interpreter with Odoo 18.0, or uninstall the other version."
        )
    say(f"{PY} cannot import Odoo {ODOO_SERIES}: installing it from its official source")
    install_odoo(os.environ.get("ODOO_SOURCE") or DEFAULT_ODOO_SOURCE)
    if installed_odoo_series() != ODOO_SERIES:
        raise SetupError(f"Odoo was installed but {PY} still cannot import odoo {ODOO_SERIES}.")


def install_odoo(source):
    src = obtain_odoo_source(source)
    pip(["install", "--upgrade", "setuptools", "wheel"], "the build tools (setuptools, wheel)")
    install_odoo_requirements(src / "requirements.txt")
    src = bundle_core_addons(src) or src
    say(f"installing Odoo from {src} (a few minutes)")
    pip(["install", "--no-deps", "--no-build-isolation", str(src)], "Odoo itself")


def bundle_core_addons(src):
    """A git checkout keeps the core addons beside the odoo package; the release archives, inside it.

    Installed as a package, Odoo only finds what is inside it: the addons go in first, as in the
    release archives (on a copy of a source directory the user gave, never in it).
    """
    beside, inside = src / "addons", src / "odoo" / "addons"
    if not (beside / "web" / "__manifest__.py").is_file() or (inside / "web" / "__manifest__.py").is_file():
        return
    if not str(src).startswith(str(CACHE)):
        copy = CACHE / "odoo-src" / src.name
        shutil.rmtree(copy, ignore_errors=True)
        say(f"copying {src} to {copy} to bundle its core addons")
        shutil.copytree(src, copy, ignore=shutil.ignore_patterns(".git"))
        src = copy
        beside, inside = src / "addons", src / "odoo" / "addons"
    for addon in beside.iterdir():
        if not (inside / addon.name).exists():
            shutil.move(str(addon), inside / addon.name)
    return src


def obtain_odoo_source(source):
    """A directory holding Odoo's setup.py: ``source`` itself, or its archive unpacked."""
    path = Path(source).expanduser()
    if path.is_dir():
        src = path
    else:
        archive = path if path.is_file() else download(source, CACHE / "odoo-src.tar.gz")
        src = CACHE / "odoo-src"
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        say(f"unpacking {archive}")
        with tarfile.open(archive) as tar:
            tar.extractall(src, filter="data")
    found = [
        p.parent for p in [src / "setup.py", *src.glob("*/setup.py")] if (p.parent / "odoo" / "release.py").is_file()
    ]
    if not found:
        raise SetupError(f"{source} holds no Odoo source tree (no setup.py beside odoo/release.py).")
    return found[0]


def download(url, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    say(f"downloading {url}")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(target, "wb") as out:  # noqa: S310
            shutil.copyfileobj(resp, out)
    except OSError as err:
        raise SetupError(
            f"Odoo {ODOO_SERIES} is not installed for {PY} and its source could not be "
            f"downloaded from {url} ({err}).\n"
            "  Provide it in one of these ways, then run this command again:\n"
            f"  - install Odoo {ODOO_SERIES} into {PY} (see https://www.odoo.com/documentation/18.0/"
            "administration/on_premise/source.html), or\n"
            "  - set ODOO_SOURCE to a local Odoo 18.0 source directory or .tar.gz, or\n"
            "  - set PYTHON to an interpreter that already imports Odoo 18.0."
        ) from err
    return target


def install_odoo_requirements(req_file):
    """Odoo pins exact versions; where a pin no longer builds here, take a newer patch release."""
    lines = req_file.read_text().splitlines()
    try:
        pip(["install", "-r", str(req_file)], "Odoo's requirements")
        return
    except SetupError:
        say("some of Odoo's pinned requirements do not build here; retrying with newer patch releases")
    relaxed = []
    for line in lines:
        if line.strip().lower().startswith("python-ldap"):
            continue  # only auth_ldap needs it, and it needs LDAP headers to build
        relaxed.append(re.sub(r"==\s*(\d+\.\d+)(\.[\w.]+)?", lambda m: f"~={m.group(1)}{m.group(2) or '.0'}", line))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write("\n".join(relaxed) + "\n")
    pip(["install", "-r", tmp.name], "Odoo's requirements (newer patch releases)")


def pip(args, what):
    res = run_cmd([PY, "-m", "pip", *args, "--disable-pip-version-check", "-q"], check=False)
    if res.returncode:
        raise SetupError(f"pip could not install {what} into {PY}.")


def odoo_core_addons_paths():
    """Where the installed Odoo keeps its core addons: inside the package (release archives, pip),
    beside it (a source checkout), or where ``ODOO_ADDONS_PATH`` says. Stops, before anything is
    created, when ``web`` is nowhere."""
    res = run_cmd([PY, "-c", "import odoo, os; print(os.path.dirname(odoo.__file__))"], capture_output=True, text=True)
    package = Path(res.stdout.strip())
    given = [Path(path).expanduser() for path in os.environ.get("ODOO_ADDONS_PATH", "").split(",") if path.strip()]
    candidates = [*given, package / "addons", package.parent / "addons"]
    found = [path for path in candidates if (path / "web" / "__manifest__.py").is_file()]
    if not found:
        raise SetupError(
            f"Odoo's core addons (web, base...) are not found for the Odoo in {package}: neither inside the "
            "package nor beside it.\n  Point at them with ODOO_ADDONS_PATH=/path/to/odoo/addons (the folder "
            "that holds web/), then run this command again."
        )
    extra = [path for path in found if path != package / "addons"]  # inside the package, Odoo finds them itself
    return [str(path) for path in dict.fromkeys(extra)]


# --------------------------------------------------------------------------- requirements


def requirement_names(req_file):
    names = []
    for raw in req_file.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r"):
            names += requirement_names(req_file.parent / line[2:].strip())
            continue
        names.append(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0])
    return names


def ensure_requirements(req_file):
    missing = []
    for name in requirement_names(req_file):
        try:
            importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    if missing:
        say(f"installing missing Python packages: {', '.join(missing)}")
        pip(["install", "-r", str(req_file)], f"the packages of {req_file.name}")


# --------------------------------------------------------------------------- PostgreSQL


def try_connect(params):
    import psycopg2

    kwargs = {k: v for k, v in params.items() if v}
    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=3, **kwargs)
    except psycopg2.Error:
        return None
    conn.autocommit = True
    return conn


def server_candidates():
    env = os.environ
    user = env.get("PGUSER")
    users = [user] if user else [getpass.getuser(), DB_USER_FOR_ODOO, "postgres"]
    if any(env.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD")):
        hosts = [(env.get("PGHOST"), env.get("PGPORT"))]
    else:
        hosts = [(None, None), ("127.0.0.1", "5432")]
    for host, port in hosts:
        for candidate_user in users:
            yield {"host": host, "port": port, "user": candidate_user, "password": env.get("PGPASSWORD")}


def ensure_postgres():
    """Connection parameters of a PostgreSQL server that answers, starting one if none does."""
    if os.environ.get("CLINIC_PG") != "embedded":
        for params in server_candidates():
            conn = try_connect(params)
            if conn:
                return usable_role(conn, params)
        say("no PostgreSQL server answers (PG* variables, local socket, 127.0.0.1:5432)")
    return start_embedded_postgres()


def usable_role(conn, params):
    """Odoo will not run as 'postgres': use (and create if needed) a dedicated role."""
    if params["user"] != "postgres":
        conn.close()
        return params
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [DB_USER_FOR_ODOO])
        if not cur.fetchone():
            cur.execute(f'CREATE ROLE "{DB_USER_FOR_ODOO}" LOGIN SUPERUSER')
    conn.close()
    return dict(params, user=DB_USER_FOR_ODOO)


def start_embedded_postgres():
    say(f"starting a project-local PostgreSQL server (data in {EMBEDDED_PGDATA})")
    ensure_requirements(ROOT / "tools" / "requirements-embedded-pg.txt")
    EMBEDDED_PGDATA.mkdir(parents=True, exist_ok=True)
    code = textwrap.dedent(f"""
        import json, pgserver
        server = pgserver.get_server({str(EMBEDDED_PGDATA)!r}, cleanup_mode=None)
        info = server.get_postmaster_info()
        print(json.dumps({{"socket": str(info.socket_dir), "port": str(info.port)}}))
    """)
    res = run_cmd([PY, "-c", code], capture_output=True, text=True, check=False)
    if res.returncode:
        raise SetupError(f"the project-local PostgreSQL server did not start:\n{res.stderr[-2000:]}")
    info = json.loads(res.stdout.strip().splitlines()[-1])
    conn = try_connect({"host": info["socket"], "port": info["port"], "user": "postgres"})
    if not conn:
        raise SetupError(f"the project-local PostgreSQL server at {info['socket']} does not answer.")
    return usable_role(conn, {"host": info["socket"], "port": info["port"], "user": "postgres", "password": None})


def database_exists(pg, dbname):
    conn = try_connect(pg)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname])
        found = bool(cur.fetchone())
    conn.close()
    return found


def drop_database(pg, dbname):
    conn = try_connect(pg)
    with conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [dbname])
        cur.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
    conn.close()
    shutil.rmtree(CACHE / "data" / "filestore" / dbname, ignore_errors=True)


# --------------------------------------------------------------------------- Odoo config and calls


def write_config(pg, name, http_port, production=None):
    """The Odoo configuration of a command; ``production`` (workers, interface) for a clinic's LAN."""
    CACHE.mkdir(parents=True, exist_ok=True)
    conf = CACHE / f"{name}.conf"
    addons_path = ",".join([str(ROOT), *odoo_core_addons_paths()])
    text = textwrap.dedent(f"""\
        [options]
        addons_path = {addons_path}
        data_dir = {CACHE / "data"}
        db_host = {pg.get("host") or "False"}
        db_port = {pg.get("port") or "False"}
        db_user = {pg.get("user") or "False"}
        db_password = {pg.get("password") or "False"}
        http_port = {http_port}
        http_interface = {production["interface"] if production else "127.0.0.1"}
        list_db = False
        max_cron_threads = 1
        """)
    if production:
        text += production_options(production["workers"], http_port)
    conf.write_text(text)
    return conf


def production_options(workers, http_port):
    """A multi-process server behind a reverse proxy (see README, "Running for a clinic")."""
    return textwrap.dedent(f"""\
        workers = {workers}
        gevent_port = {http_port + 3}
        proxy_mode = True
        limit_time_cpu = 600
        limit_time_real = 1200
        limit_time_real_cron = 1800
        limit_memory_soft = 2147483648
        limit_memory_hard = 2684354560
        db_maxconn = {max(16, workers * 4)}
        """)


def odoo_launcher():
    """Odoo's own launcher script when installed: its multi-process server re-runs its argv[0]."""
    script = Path(PY).with_name("odoo")
    return [PY, str(script)] if script.is_file() else [PY, "-m", "odoo"]


def odoo_cmd(conf, *args):
    return [*odoo_launcher(), "-c", str(conf), *args]


def create_database(conf, dbname, lang, *, languages=()):
    """Odoo's own database creation: base with demo data, the company in China, in CNY; ``languages``
    are installed before any addon, so that each addon loads its terms as it is installed."""
    say(f"creating database {dbname}")
    code = textwrap.dedent(f"""
        import odoo
        odoo.tools.config.parse_config(['-c', {str(conf)!r}])
        from odoo.service import db
        db._create_empty_database({dbname!r})
        db._initialize_db(None, {dbname!r}, True, {lang!r}, 'admin', 'admin', 'CN')
    """)
    run_cmd([PY, "-c", code])
    # Accounting first, on its own: it installs the Chinese chart of accounts (the company is in
    # China), so that the clinic addons' demo data finds journals and accounts to invoice with.
    say("installing accounting and the Chinese chart of accounts")
    load = ["--load-language", ",".join(languages)] if languages else []
    run_cmd(odoo_cmd(conf, "-d", dbname, "-i", "account", *load, "--stop-after-init", "--log-level", "warn"))


def install_addons(conf, dbname, *extra):
    say(f"installing {', '.join(ADDONS)} into {dbname}")
    return run_cmd(odoo_cmd(conf, "-d", dbname, "-i", ",".join(ADDONS), "--stop-after-init", *extra), check=False)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(requirements):
    ensure_odoo()
    ensure_requirements(requirements)
    ensure_gevent_runs()
    return ensure_postgres()


def ensure_gevent_runs():
    """Odoo's live updates run in a gevent process; Odoo 18's gevent pin for Python 3.11 (22.10)
    imports pkg_resources, which setuptools 81 no longer ships."""
    res = run_cmd([PY, "-c", "import gevent.events"], check=False, capture_output=True, text=True)
    if res.returncode and "pkg_resources" in res.stderr:
        say("gevent needs pkg_resources, gone from setuptools 81: installing setuptools<81")
        pip(["install", "setuptools>=64,<81"], "setuptools<81 (pkg_resources, which gevent imports)")


# --------------------------------------------------------------------------- commands


def cmd_run(args):
    production = {"workers": args.workers, "interface": args.interface} if args.workers else None
    if production and args.reset:
        raise SetupError(
            "--reset drops the database: it is refused with --workers (a clinic's database is never dropped)."
        )
    pg = prepare(ROOT / "requirements.txt")
    conf = write_config(pg, "run", args.port, production)
    ensure_pdf_engine()
    if production:
        say(f"production configuration written to {conf}:\n{conf.read_text()}")
    if args.write_config:
        return
    if args.reset:
        drop_database(pg, args.db)
    update = []
    if not database_exists(pg, args.db):
        started = time.time()
        create_database(conf, args.db, "zh_CN")
        if install_addons(conf, args.db, "--load-language", "zh_CN").returncode:
            raise SetupError(f"installing the addons into {args.db} failed (see the log above).")
        set_users_language(conf, args.db, "zh_CN")
        say(f"first start: the demo clinic database was created in {time.time() - started:.0f} s")
    elif not addons_installed(conf, args.db):
        # an existing database is never dropped without --reset: the addons are added to it
        if install_addons(conf, args.db).returncode:
            raise SetupError(f"installing the addons into {args.db} failed (see the log above).")
    elif not args.no_update:
        update = ["-u", ",".join(ADDONS)]  # bring the database up to the code being served
    print_welcome(args)
    sys.stdout.flush()
    os.execv(PY, odoo_cmd(conf, "-d", args.db, "--db-filter", f"^{re.escape(args.db)}$", *update))


# poppler-utils: pdftotext and pdftoppm, with which the tests read the PDFs printed
PDF_PACKAGES = ("wkhtmltopdf", "fonts-noto-cjk", "poppler-utils")


def pdf_engine_missing():
    """What printing Chinese PDFs (member cards, contracts, e-signature, receipts) lacks here."""
    missing = []
    if not shutil.which("wkhtmltopdf"):
        missing.append("wkhtmltopdf")
    fonts = (
        run_cmd(["fc-list", ":lang=zh", "family"], check=False, capture_output=True, text=True)
        if shutil.which("fc-list")
        else None
    )
    if not fonts or not fonts.stdout.strip():
        missing.append("fonts-noto-cjk")
    if not shutil.which("pdftotext"):
        missing.append("poppler-utils")
    return missing


def ensure_pdf_engine():
    """Install what PDFs need where this machine lets us (Debian's packages, as root), as .ci/run does
    for Chromium; otherwise say exactly what is missing. Pages never break without it: the member's
    card falls back to its HTML view and e-signature explains what to install."""
    missing = pdf_engine_missing()
    if missing and shutil.which("apt-get") and os.geteuid() == 0:
        say(f"installing what PDFs need: {' '.join(missing)} (Debian packages)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        res = run_cmd(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env, capture_output=True)
        if res.returncode:
            run_cmd(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
            run_cmd(["apt-get", "install", "-y", "-qq", *missing], check=False, env=env, capture_output=True)
        missing = pdf_engine_missing()
    if missing:
        say(
            f"warning: PDFs cannot be printed: {', '.join(missing)} missing. Member cards show as web pages, "
            "e-signature requests and printed contracts are refused with this message until an administrator "
            f"installs them (Debian/Ubuntu: apt-get install {' '.join(PDF_PACKAGES)})."
        )
    return missing


def addons_installed(conf, dbname):
    code = textwrap.dedent(f"""
        import odoo
        odoo.tools.config.parse_config(['-c', {str(conf)!r}])
        with odoo.sql_db.db_connect({dbname!r}).cursor() as cr:
            cr.execute("SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN %s",
                       [tuple({ADDONS!r})])
            print(cr.fetchone()[0])
    """)
    res = run_cmd([PY, "-c", code], capture_output=True, text=True, check=False)
    return res.returncode == 0 and res.stdout.strip() == str(len(ADDONS))


def set_users_language(conf, dbname, lang):
    code = textwrap.dedent(f"""
        import odoo
        odoo.tools.config.parse_config(['-c', {str(conf)!r}])
        registry = odoo.registry({dbname!r})
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {{}})
            env['res.users'].with_context(active_test=False).search([]).write({{'lang': {lang!r}}})
    """)
    run_cmd([PY, "-c", code])


def print_welcome(args):
    width = max(len(login) for login, _, _ in DEMO_LOGINS)
    logins = "\n".join(f"    {login:<{width}}  password {pw:<{width}}  {role}" for login, pw, role in DEMO_LOGINS)
    print(
        textwrap.dedent(f"""
        ============================================================
        Clinic demo database '{args.db}' is ready.
        Open http://127.0.0.1:{args.port}/web/login and sign in as:
        """)
        + logins
        + "\n"
        + "=" * 60
        + "\n(Ctrl-C stops the server.)\n",
        flush=True,
    )


SUMMARY_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
SKIP_RE = re.compile(r" INFO \S+ (odoo\.addons\.\S+): skipped (.*)")


def cmd_test(args):
    pg = prepare(ROOT / "requirements.txt")
    if not shutil.which("chromium") and not shutil.which("google-chrome") and not shutil.which("chromium-browser"):
        raise SetupError("the browser tours need Chromium: install it (Debian: apt-get install chromium).")
    ensure_pdf_engine()  # contracts, agreements and receipts are printed as a clinic prints them
    dbname = args.db
    conf = write_config(pg, dbname, free_port())
    reuse = args.update and database_exists(pg, dbname)
    if not reuse:
        drop_database(pg, dbname)
        # a Chinese clinic's database (the zh_CN tours read the screens as its staff do), with the
        # test users' language left in English
        started = time.time()
        create_database(conf, dbname, "en_US", languages=["zh_CN"])
        say(f"database created with accounting in {time.time() - started:.0f} s")
    log_file = CACHE / f"{dbname}-odoo.log"
    addons = args.addons.split(",") if args.addons else ADDONS
    tags = args.tags or ",".join(f"/{name}" for name in addons)
    odoo_rc, odoo_counts, skipped = run_odoo_tests(
        conf, dbname, addons, tags, log_file, install_flag="-u" if reuse else "-i"
    )
    pytest_rc, pytest_counts = run_pytest(conf, dbname) if not args.no_pytest else (0, {"passed": 0, "failed": 0})
    passed = odoo_counts["passed"] + pytest_counts["passed"]
    failed = odoo_counts["failed"] + pytest_counts["failed"]
    problems = []
    if odoo_rc or odoo_counts["total"] == 0:
        problems.append(f"Odoo's test run failed or ran no test (exit {odoo_rc}; log in {log_file})")
    if skipped:
        problems.append("skipped tests count as failures: " + "; ".join(skipped))
    if pytest_rc:
        problems.append(f"pytest failed (exit {pytest_rc})")
    if not args.keep_db and not args.update and not problems:
        drop_database(pg, dbname)
    print(f"summary: {passed} passed, {failed + len(skipped)} failed", flush=True)
    if problems:
        raise SetupError("\n  ".join(["tests did not pass:", *problems]))


def run_odoo_tests(conf, dbname, addons, tags, log_file, *, install_flag):
    """Odoo's test runner on ``dbname``: ``install_flag`` (-i, -u) installs or updates ``addons`` with
    tests enabled; None only loads the database, where Odoo runs the tagged tests of every installed
    module (the at_install ones as each module loads, then the post_install ones)."""
    if install_flag:
        say(f"installing the addons with tests enabled ({tags})")
    else:
        say(f"running the tests of the installed modules ({tags})")
    install = [install_flag, ",".join(addons)] if install_flag else []
    cmd = odoo_cmd(
        conf,
        "-d",
        dbname,
        *install,
        "--stop-after-init",
        "--test-enable",
        "--test-tags",
        tags,
        "--log-level",
        "test",
        "--workers",
        "0",
    )
    return stream_tests(cmd, log_file)


def stream_tests(cmd, log_file, mode="w"):
    """Run ``cmd`` (an Odoo test run), echo and log its output; its exit code, counts and skipped tests."""
    counts = {"passed": 0, "failed": 0, "total": 0}
    skipped = []
    with (
        open(log_file, mode) as log,
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1) as proc,
    ):
        for line in proc.stdout:
            sys.stdout.write(line)
            log.write(line)
            match = SUMMARY_RE.search(line)
            if match:
                failed, errors, total = map(int, match.groups())
                counts = {"passed": total - failed - errors, "failed": failed + errors, "total": total}
            skip = SKIP_RE.search(line)
            if skip:
                skipped.append(f"{skip.group(1)}: {skip.group(2)}")
    return proc.returncode, counts, skipped


def run_loaded_at_install_tests(conf, dbname, tags, log_file):
    """The at_install tests that ``tags`` select, run on the whole registry of ``dbname``.

    Odoo runs an at_install test while its module loads, before the modules that depend on it: on a
    database where the clinic addons are installed, the registry then lacks them (and the columns
    they and account add, which the test's records do not fill). Here the registry is loaded first.
    """
    say(f"running the at_install tests of the installed modules on their whole registry ({tags})")
    code = textwrap.dedent(f"""
        import sys, threading
        import odoo
        from odoo.tools import config
        config.parse_config(['-c', {str(conf)!r}, '--log-level', 'test'])
        threading.current_thread().dbname = {dbname!r}
        registry = odoo.modules.registry.Registry.new({dbname!r})
        config['test_enable'], config['test_tags'] = True, {tags!r}
        from odoo.tests import loader
        from odoo.tests.suite import OdooSuite
        from odoo.tests.tag_selector import TagsSelector
        selector, at_install = TagsSelector({tags!r}), TagsSelector('at_install')
        with registry.cursor() as cr:
            cr.execute("SELECT name FROM ir_module_module WHERE state = 'installed' ORDER BY name")
            modules = [name for name, in cr.fetchall()]
        tests = [
            test
            for module in modules
            for test_module in loader.get_test_modules(module)
            for test in loader.get_module_test_cases(test_module)
            if at_install.check(test) and selector.check(test)
        ]
        result = loader.run_suite(OdooSuite(sorted(tests, key=lambda test: test.test_sequence)))
        print(f"{{result}} when loading database {dbname!r}", flush=True)
        sys.exit(0 if result.wasSuccessful() else 1)
    """)
    return stream_tests([PY, "-c", code], log_file, mode="a")


# Odoo's and OCA's own tests of what the addons extend, run by ``./clinic peers`` with the addons
# installed: the whole suites of the OCA addons, and account's tests of invoices, credit notes, the
# payment register and reconciliation (the rest of account's suite is left out: CI has no time for it).
PEER_TAGS = (
    "/base_tier_validation",
    "/sign_oca",
    "/resource_booking",
    # fails on plain Odoo 18 too (./clinic peers --addons resource_booking): this Odoo's suggested
    # recipients carry no display_name, which resource_booking 18.0.1.0.14's test expects
    "-/resource_booking:BackendCaseMisc.test_suggested_and_subscribed_recipients",
    "/privacy_consent",
    "/auditlog",
    # expects Odoo's demo administrator to be named "Mitchell Admin"; clinic_membership's demo names
    # the administrator 系统管理员 for the Chinese screens (the session's display name is what it checks)
    "-/auditlog:TestAuditlogHttp.test_compute_display_name",
    "/account:TestAccountMoveOutInvoiceOnchanges",
    "/account:TestAccountMoveOutRefundOnchanges",
    "/account:TestAccountPaymentRegister",
    "/account:TestAccountMoveReconcile",
    # fails on plain Odoo 18 too (a database with account alone, ./clinic peers --addons account): the
    # company's bank journal has no inbound payment method line without an outstanding account
    "-/account:TestAccountMoveReconcile.test_partial_payments_auto_validation",
)


def cmd_peers(args):
    """Odoo's and OCA's own tests of the models the addons extend, on a fresh database where the
    addons are installed (as ``test`` creates it): the post_install tests by Odoo's runner, then the
    at_install ones on the whole registry (see run_loaded_at_install_tests)."""
    pg = prepare(ROOT / "requirements.txt")
    dbname = args.db
    conf = write_config(pg, dbname, free_port())
    addons = args.addons.split(",") if args.addons else ADDONS
    drop_database(pg, dbname)
    create_database(conf, dbname, "en_US", languages=["zh_CN"])
    say(f"installing {', '.join(addons)} into {dbname}")
    cmd = odoo_cmd(conf, "-d", dbname, "-i", ",".join(addons), "--stop-after-init", "--log-level", "warn")
    if run_cmd(cmd, check=False).returncode:
        raise SetupError(f"installing {', '.join(addons)} into {dbname} failed (see the log above).")
    log_file = CACHE / f"{dbname}-odoo.log"
    tags = args.tags or ",".join(PEER_TAGS)
    # Their browser tours can time out once on a loaded machine (resource_booking's portal tour did):
    # as on Odoo's runbot, a failed test of these suites is run a second time before it counts.
    os.environ.setdefault("ODOO_TEST_FAILURE_RETRIES", "1")
    say(f"a failed test of these suites is retried {os.environ['ODOO_TEST_FAILURE_RETRIES']} time(s), as on runbot")
    runs = [
        run_odoo_tests(conf, dbname, addons, f"{tags},-at_install", log_file, install_flag=None),
        run_loaded_at_install_tests(conf, dbname, tags, log_file),
    ]
    total = sum(counts["total"] for _rc, counts, _skipped in runs)
    failed = sum(counts["failed"] for _rc, counts, _skipped in runs)
    skipped = [test for _rc, _counts, run_skipped in runs for test in run_skipped]
    problems = [
        f"a test run failed (exit {rc}; log in {log_file})" for rc, counts, _skipped in runs if rc or counts["failed"]
    ]
    if total == 0:
        problems.append(f"no test ran (log in {log_file})")
    if skipped:
        # the suites' own conditions (a module or a tool missing here): reported, not counted as passed
        say(f"{len(skipped)} skipped by the suites themselves: " + "; ".join(skipped))
    if not args.keep_db and not problems:
        drop_database(pg, dbname)
    print(f"summary: {total - failed - len(skipped)} passed, {failed} failed", flush=True)
    if problems:
        raise SetupError("\n  ".join(["tests did not pass:", *problems]))


def run_pytest(conf, dbname):
    cmd = [
        PY,
        "-m",
        "pytest",
        str(ROOT / "tests"),
        f"--odoo-config={conf}",
        f"--odoo-database={dbname}",
        "--durations=12",  # where CI's minutes go
    ]
    say("running the cross-addon scenarios with pytest-odoo")
    tail = ""
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, cwd=ROOT
    ) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            if line.strip():
                tail = line
    counts = {key: int(num) for num, key in re.findall(r"(\d+) (passed|failed|errors?|skipped)", tail)}
    failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0) + counts.get("skipped", 0)
    rc = proc.returncode
    if not counts.get("passed") or failed:
        rc = rc or 1  # pytest's "no test collected" (5) and skipped tests are failures here
    return rc, {"passed": counts.get("passed", 0), "failed": failed}


def cmd_i18n(args):
    """Refresh each addon's .pot from a database and merge it into its zh_CN.po."""
    pg = prepare(ROOT / "requirements.txt")
    conf = write_config(pg, "i18n", free_port())
    if not database_exists(pg, args.db):
        create_database(conf, args.db, "en_US")
    if install_addons(conf, args.db, "-u", ",".join(ADDONS)).returncode:
        raise SetupError(f"updating the addons in {args.db} failed (see the log above).")
    for addon in ADDONS:
        i18n = ROOT / addon / "i18n"
        i18n.mkdir(exist_ok=True)
        pot, po = i18n / f"{addon}.pot", i18n / "zh_CN.po"
        run_cmd(
            odoo_cmd(
                conf,
                "-d",
                args.db,
                "--i18n-export",
                str(pot),
                "--modules",
                addon,
                "--stop-after-init",
                "--log-level",
                "warn",
            )
        )
        if po.exists():
            run_cmd(
                [
                    "msgmerge",
                    "--quiet",
                    "--no-fuzzy-matching",
                    "--no-wrap",
                    "-U",
                    "--backup=none",
                    str(po),
                    str(pot),
                ]
            )
        else:
            run_cmd(
                [
                    "msginit",
                    "--no-translator",
                    "--no-wrap",
                    "-l",
                    "zh_CN.UTF-8",
                    "-i",
                    str(pot),
                    "-o",
                    str(po),
                ]
            )
        stats = run_cmd(["msgfmt", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True)
        say(f"{po.relative_to(ROOT)}: {stats.stderr.strip()}")


README_SECTIONS = [("DESCRIPTION.md", None), ("CONFIGURE.md", "Configuration"), ("USAGE.md", "Usage")]


def addon_readme(addon):
    """An addon's README.rst, made from its readme/ fragments (the OCA layout)."""
    manifest = (ROOT / addon / "__manifest__.py").read_text()
    name = re.search(r'"name":\s*"([^"]+)"', manifest).group(1)
    author = re.search(r'"author":\s*"([^"]+)"', manifest).group(1)
    parts = ["=" * len(name), name, "=" * len(name), ""]
    for fragment, title in README_SECTIONS:
        path = ROOT / addon / "readme" / fragment
        if not path.is_file():
            continue
        if title:
            parts += [title, "=" * len(title), ""]
        # Markdown fragments are RST but for inline code: `x` becomes ``x``
        parts += [re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", path.read_text().strip()), ""]
        if not title:
            parts += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    parts += [
        "See the repository's README.md for installation and tests.",
        "",
        "Credits",
        "=======",
        "",
        "Authors",
        "-------",
        "",
        f"* {author}",
        "",
    ]
    return "\n".join(parts)


def cmd_readme(args):
    """Write each addon's README.rst from its readme/ fragments."""
    for addon in ADDONS:
        (ROOT / addon / "README.rst").write_text(addon_readme(addon))
        say(f"{addon}/README.rst written from {addon}/readme/")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="clinic", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="set up and serve a demo clinic database")
    run_p.add_argument("--db", default="clinic", help="database name (default: clinic)")
    run_p.add_argument("--port", type=int, default=8069, help="HTTP port (default: 8069)")
    run_p.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    run_p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="production: a multi-process server with N workers (about 2 per CPU core), proxy mode, a cron worker",
    )
    run_p.add_argument(
        "--interface", default="127.0.0.1", help="production: the address to serve on (0.0.0.0 for the clinic's LAN)"
    )
    run_p.add_argument("--write-config", action="store_true", help="write and print the configuration, then stop")
    run_p.add_argument(
        "--no-update", action="store_true", help="serve an existing database without updating the addons"
    )
    run_p.set_defaults(func=cmd_run)
    test_p = sub.add_parser("test", help="run every test on a fresh database")
    test_p.add_argument("--db", default="clinic_test", help="test database name (default: clinic_test)")
    test_p.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    test_p.add_argument(
        "--update",
        action="store_true",
        help="developers: reuse the test database if it exists (-u instead of a fresh install) and keep it",
    )
    test_p.add_argument("--addons", help="developers: install only these addons (comma-separated)")
    test_p.add_argument("--tags", help="developers: Odoo --test-tags instead of every clinic addon")
    test_p.add_argument("--no-pytest", action="store_true", help="developers: skip the top-level tests/")
    test_p.set_defaults(func=cmd_test)
    peers_p = sub.add_parser(
        "peers", help="Odoo's and OCA's own tests of what the addons extend, on a fresh database with the addons"
    )
    peers_p.add_argument("--db", default="clinic_peers", help="test database name (default: clinic_peers)")
    peers_p.add_argument("--keep-db", action="store_true", help="keep the test database afterwards")
    peers_p.add_argument(
        "--addons", help="developers: install only these addons (e.g. account: does a test fail on plain Odoo?)"
    )
    peers_p.add_argument("--tags", help="developers: Odoo --test-tags instead of the peer suites")
    peers_p.set_defaults(func=cmd_peers)
    i18n_p = sub.add_parser("i18n", help="refresh the addons' .pot files and merge them into zh_CN.po")
    i18n_p.add_argument("--db", default="clinic_i18n", help="database to export from (default: clinic_i18n)")
    i18n_p.set_defaults(func=cmd_i18n)
    readme_p = sub.add_parser("readme", help="write each addon's README.rst from its readme/ fragments")
    readme_p.set_defaults(func=cmd_readme)
    args = parser.parse_args(argv)
    start = time.time()
    try:
        args.func(args)
    except SetupError as err:
        print(f"clinic: error: {err}", file=sys.stderr, flush=True)
        return 2
    except subprocess.CalledProcessError as err:
        print(
            f"clinic: error: {' '.join(err.cmd[:3])}... failed with exit {err.returncode} (see above)",
            file=sys.stderr,
            flush=True,
        )
        return 2
    except KeyboardInterrupt:
        return 130
    say(f"done in {time.time() - start:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
