#!/usr/bin/env python3
"""Write Shipshape's offline snapshot of end-of-life dates from endoflife.date.

endoflife.date (https://endoflife.date, MIT licence) keeps one file per
product, products/<id>.md, whose YAML front matter lists the product's
release cycles. This script reads those files for the fixed table of
products below (PRODUCTS), maps each product to the Debian/Ubuntu binary
packages that mean it is installed, and writes the JSON snapshot that the
Rust side (crates/core) ships and parses.

Usage:
    tools/endoflife-snapshot.py ENDOFLIFE_DATE_CHECKOUT [OUT]
    tools/endoflife-snapshot.py --git-dir DIR [OUT]

    ENDOFLIFE_DATE_CHECKOUT  a plain directory holding the endoflife.date
                             repository (a git clone or an unpacked archive)
    --git-dir DIR            read the files from a (bare) git directory of
                             that repository instead, with `git show REV:...`
    --rev REV                the revision read with --git-dir (default HEAD)
    --date YYYY-MM-DD        the snapshot date; by default the date (UTC) of
                             the checkout's last commit when git can tell,
                             else today
    OUT                      default: crates/core/data/endoflife.json in the
                             repository this script belongs to

To refresh: clone https://github.com/endoflife-date/endoflife.date, run this
script on it, review the diff, and keep crates/core/data/endoflife-LICENSE
(their LICENSE file, unchanged) next to the snapshot.

Requires python3 and PyYAML only. The output depends on nothing but the
input files and the snapshot date, so running it twice gives the same bytes.

Output format (format 1):
    {"format": 1, "snapshot": "YYYY-MM-DD",
     "source": "endoflife.date (MIT licence)",
     "products": [{"id", "label", "link", "packages", "cycle_from",
                   "cycles": [{"cycle", "release"?, "eol", "latest"?}]}]}
  packages    dpkg or rpm binary package name patterns matched against the whole
              name; "*" matches one or more characters, at most one "*".
  cycle_from  how an installed package's cycle is found:
              "name"        the text the "*" matched in the package name
              "major"       first number of the version, epoch stripped
              "major.minor" first two numbers of the version, epoch stripped
  eol         "YYYY-MM-DD", true (ended, date unknown) or false (no end set)
  release, latest  strings, left out when endoflife.date has none.
Products keep the table's order, cycles keep endoflife.date's order
(newest first).
"""

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

FORMAT = 1
SOURCE = "endoflife.date (MIT licence)"
DEFAULT_OUT = os.path.join("crates", "core", "data", "endoflife.json")

# The products written, in this order.
#
#   id          endoflife.date's product id (products/<id>.md)
#   label       the name shown to people
#   packages    dpkg and rpm package name patterns (see the module
#               docstring); rpm names only where no Debian or Ubuntu package
#               has the same name (Debian's "php-common" is a package of
#               its own whose version would read as a wrong cycle). A
#               pattern holding "{cycle}" is expanded to one literal name per
#               cycle in the data (python{cycle} -> python3.13, python3.12,
#               ...), for the cycles whose shape cycle_from can give ("15"
#               for major, "3.13" for major.minor; postgresql-9.6 is left
#               out as it would read as "9"): used where a "*" would also
#               catch sibling packages (python3.11-minimal, postgresql-15-cron,
#               php-doctrine-common) whose text or version gives a wrong cycle.
#   cycle_from  "name", "major" or "major.minor": chosen to match how
#               endoflife.date names the product's cycles.
#
# All patterns of one product share its cycle_from.
PRODUCTS = [
    # Languages and runtimes
    {"id": "python", "label": "Python",
     "packages": ["python{cycle}"], "cycle_from": "major.minor"},
    {"id": "nodejs", "label": "Node.js",
     "packages": ["nodejs"], "cycle_from": "major"},
    # php8.2-common comes with every PHP 8.2 SAPI (cli, fpm, cgi, Apache
    # module); the php8.2 metapackage is often absent (e.g. fpm only).
    {"id": "php", "label": "PHP",
     "packages": ["php{cycle}-common"], "cycle_from": "major.minor"},
    {"id": "ruby", "label": "Ruby",
     "packages": ["ruby{cycle}"], "cycle_from": "major.minor"},
    {"id": "go", "label": "Go",
     "packages": ["golang-*-go"], "cycle_from": "name"},
    {"id": "perl", "label": "Perl",
     "packages": ["perl"], "cycle_from": "major.minor"},
    # Debian/Ubuntu build OpenJDK themselves; Eclipse Temurin's schedule is
    # the community OpenJDK one and lists every feature release.
    {"id": "eclipse-temurin", "label": "Java (OpenJDK)",
     "packages": ["openjdk-*-jre-headless", "openjdk-*-jdk-headless",
                  "java-*-openjdk-headless"],
     "cycle_from": "name"},
    # Ubuntu's and Microsoft's packages; every dotnet-runtime-* package
    # (runtime, runtime-deps) carries the runtime's version.
    {"id": "dotnet", "label": ".NET",
     "packages": ["dotnet-runtime-*"], "cycle_from": "major"},
    # Databases
    {"id": "postgresql", "label": "PostgreSQL",
     "packages": ["postgresql-{cycle}", "postgresql-server"],
     "cycle_from": "major"},
    {"id": "mariadb", "label": "MariaDB",
     "packages": ["mariadb-server"], "cycle_from": "major.minor"},
    {"id": "mysql", "label": "MySQL",
     "packages": ["mysql-server"], "cycle_from": "major.minor"},
    {"id": "redis", "label": "Redis",
     "packages": ["redis-server"], "cycle_from": "major.minor"},
    {"id": "mongodb", "label": "MongoDB",
     "packages": ["mongodb-org-server"], "cycle_from": "major.minor"},
    # Web, proxy and application servers
    {"id": "nginx", "label": "nginx",
     "packages": ["nginx"], "cycle_from": "major.minor"},
    {"id": "apache-http-server", "label": "Apache HTTP Server",
     "packages": ["apache2", "httpd"], "cycle_from": "major.minor"},
    {"id": "tomcat", "label": "Apache Tomcat",
     "packages": ["tomcat8", "tomcat9", "tomcat10", "tomcat11"],
     "cycle_from": "major.minor"},
    {"id": "squid", "label": "Squid",
     "packages": ["squid"], "cycle_from": "major"},
    # Libraries, desktop software
    {"id": "openssl", "label": "OpenSSL",
     "packages": ["openssl"], "cycle_from": "major.minor"},
    # Cycles are major versions; ESR ones (115, 128, 140) run longer.
    # Not "firefox": on Ubuntu it is a transitional package for the snap,
    # version 1:1snap1-..., which would read as Firefox 1.
    {"id": "firefox", "label": "Firefox",
     "packages": ["firefox-esr"], "cycle_from": "major"},
    # Debian's chromium follows Chrome's stable major versions.
    {"id": "chrome", "label": "Google Chrome / Chromium",
     "packages": ["google-chrome-stable", "chromium"], "cycle_from": "major"},
    {"id": "libreoffice", "label": "LibreOffice",
     "packages": ["libreoffice-core"], "cycle_from": "major.minor"},
    # Containers. Docker Engine's cycles are major.minor up to 26.1
    # (20.10, 25.0, 26.1) and major from 27 on: major.minor fits Debian's
    # docker.io (20.10, 26.1); docker-ce 27.x and later reads as "27.5",
    # which the data names "27".
    {"id": "docker-engine", "label": "Docker Engine",
     "packages": ["docker-ce", "docker.io"], "cycle_from": "major.minor"},
    {"id": "containerd", "label": "containerd",
     "packages": ["containerd", "containerd.io"], "cycle_from": "major.minor"},
    {"id": "podman", "label": "Podman",
     "packages": ["podman"], "cycle_from": "major.minor"},
    # Mail, VPN, antivirus, monitoring
    {"id": "postfix", "label": "Postfix",
     "packages": ["postfix"], "cycle_from": "major.minor"},
    {"id": "dovecot", "label": "Dovecot",
     "packages": ["dovecot-core", "dovecot"], "cycle_from": "major.minor"},
    {"id": "openvpn", "label": "OpenVPN",
     "packages": ["openvpn"], "cycle_from": "major.minor"},
    {"id": "clamav", "label": "ClamAV",
     "packages": ["clamav"], "cycle_from": "major.minor"},
    {"id": "zabbix", "label": "Zabbix",
     "packages": ["zabbix-server-*", "zabbix-proxy-*", "zabbix-agent",
                  "zabbix-agent2"],
     "cycle_from": "major.minor"},
    # Operating systems that distro-info-data does not cover: no package
    # names them; the system's os-release ID and major VERSION_ID pick the
    # cycle, whose eol is the end of its security updates (for the RHEL
    # family the end of maintenance support, after full support).
    {"id": "fedora", "label": "Fedora Linux",
     "packages": [], "cycle_from": "major"},
    {"id": "rhel", "label": "Red Hat Enterprise Linux",
     "packages": [], "cycle_from": "major"},
    {"id": "almalinux", "label": "AlmaLinux",
     "packages": [], "cycle_from": "major"},
    {"id": "rocky-linux", "label": "Rocky Linux",
     "packages": [], "cycle_from": "major"},
]

CYCLE_FROM = ("name", "major", "major.minor")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


class Fail(Exception):
    pass


class _Loader(yaml.SafeLoader):
    """SafeLoader that leaves numbers as the text written.

    An unquoted releaseCycle such as 3.10 must stay "3.10", not become the
    float 3.1. Dates, booleans and null are still resolved.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class Source:
    """Reads files of the endoflife.date repository."""

    def __init__(self, checkout=None, git_dir=None, rev="HEAD"):
        self.checkout = checkout
        self.git_dir = git_dir
        self.rev = rev

    def describe(self):
        if self.git_dir:
            return "%s (%s)" % (self.git_dir, self.rev)
        return self.checkout

    def read(self, path):
        if self.git_dir:
            proc = subprocess.run(
                ["git", "--git-dir", self.git_dir, "show",
                 "%s:%s" % (self.rev, path)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            if proc.returncode != 0:
                raise Fail("cannot read %s from %s: %s" % (
                    path, self.describe(),
                    proc.stderr.decode("utf-8", "replace").strip()))
            return proc.stdout.decode("utf-8")
        full = os.path.join(self.checkout, *path.split("/"))
        try:
            with open(full, encoding="utf-8") as f:
                return f.read()
        except OSError as e:
            raise Fail("cannot read %s: %s" % (full, e))

    def commit_date(self):
        """The last commit's date (UTC) as YYYY-MM-DD, or None."""
        if self.git_dir:
            cmd = ["git", "--git-dir", self.git_dir, "log", "-1",
                   "--format=%ct", self.rev]
        elif os.path.exists(os.path.join(self.checkout, ".git")):
            # Only the checkout's own history: an unpacked archive inside
            # some other repository must not take that repository's date.
            cmd = ["git", "-C", self.checkout, "log", "-1", "--format=%ct"]
        else:
            return None
        try:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        except OSError:
            return None
        text = proc.stdout.decode("ascii", "replace").strip()
        if proc.returncode != 0 or not text.isdigit():
            return None
        when = datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc)
        return when.strftime("%Y-%m-%d")


def front_matter(text, path):
    m = FRONT_MATTER_RE.match(text)
    if not m:
        raise Fail("%s: no YAML front matter" % path)
    try:
        data = yaml.load(m.group(1), Loader=_Loader)
    except yaml.YAMLError as e:
        raise Fail("%s: bad YAML: %s" % (path, e))
    if not isinstance(data, dict):
        raise Fail("%s: front matter is not a mapping" % path)
    return data


def as_date(value, what):
    """A YAML date (object or text) as YYYY-MM-DD."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and DATE_RE.match(value.strip()):
        return value.strip()
    raise Fail("%s: not a date: %r" % (what, value))


def as_text(value, what):
    if isinstance(value, bool) or value is None:
        raise Fail("%s: not a string: %r" % (what, value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return as_date(value, what)
    text = str(value).strip()
    if not text:
        raise Fail("%s: empty" % what)
    return text


def read_cycles(data, path):
    releases = data.get("releases")
    if not isinstance(releases, list) or not releases:
        raise Fail("%s: no releases" % path)
    cycles = []
    seen = set()
    for i, rel in enumerate(releases):
        where = "%s: releases[%d]" % (path, i)
        if not isinstance(rel, dict):
            raise Fail("%s: not a mapping" % where)
        cycle = as_text(rel.get("releaseCycle"), where + ".releaseCycle")
        where = "%s: cycle %s" % (path, cycle)
        if cycle in seen:
            raise Fail("%s: appears twice" % where)
        seen.add(cycle)
        if "eol" not in rel:
            raise Fail("%s: no eol" % where)
        eol = rel["eol"]
        if not isinstance(eol, bool):
            eol = as_date(eol, where + ".eol")
        entry = {"cycle": cycle}
        if rel.get("releaseDate") is not None:
            entry["release"] = as_date(rel["releaseDate"], where + ".releaseDate")
        entry["eol"] = eol
        if rel.get("latest") is not None:
            entry["latest"] = as_text(rel["latest"], where + ".latest")
        cycles.append(entry)
    return cycles


CYCLE_SHAPE = {"major": re.compile(r"^\d+$"),
               "major.minor": re.compile(r"^\d+\.\d+$")}


def expand_packages(patterns, cycles, cycle_from, product_id):
    out = []
    for pattern in patterns:
        if "{cycle}" in pattern:
            shape = CYCLE_SHAPE[cycle_from]
            names = [pattern.replace("{cycle}", c["cycle"]) for c in cycles
                     if shape.match(c["cycle"])]
        else:
            names = [pattern]
        for name in names:
            if name.count("*") > 1 or "{" in name or "}" in name:
                raise Fail("%s: bad package pattern %r" % (product_id, name))
            if name not in out:
                out.append(name)
    return out


def check_table():
    ids = set()
    for p in PRODUCTS:
        if p["id"] in ids:
            raise Fail("product %s is in the table twice" % p["id"])
        ids.add(p["id"])
        if p["cycle_from"] not in CYCLE_FROM:
            raise Fail("%s: bad cycle_from %r" % (p["id"], p["cycle_from"]))
        for pattern in p["packages"]:
            if p["cycle_from"] == "name" and "*" not in pattern:
                raise Fail("%s: cycle_from name needs a '*' in %r"
                           % (p["id"], pattern))
            if "{cycle}" in pattern and ("*" in pattern
                                         or p["cycle_from"] == "name"):
                raise Fail("%s: {cycle} needs cycle_from major or "
                           "major.minor and no '*': %r" % (p["id"], pattern))


def build(source, snapshot):
    check_table()
    products = []
    for p in PRODUCTS:
        path = "products/%s.md" % p["id"]
        data = front_matter(source.read(path), path)
        cycles = read_cycles(data, path)
        permalink = data.get("permalink") or "/" + p["id"]
        products.append({
            "id": p["id"],
            "label": p["label"],
            "link": "https://endoflife.date" + str(permalink),
            "packages": expand_packages(p["packages"], cycles, p["cycle_from"],
                                        p["id"]),
            "cycle_from": p["cycle_from"],
            "cycles": cycles,
        })
    return {"format": FORMAT, "snapshot": snapshot, "source": SOURCE,
            "products": products}


def dump(doc):
    """JSON text: one block per product, one line per cycle."""
    def j(value):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = ["{"]
    lines.append('  "format": %s,' % j(doc["format"]))
    lines.append('  "snapshot": %s,' % j(doc["snapshot"]))
    lines.append('  "source": %s,' % j(doc["source"]))
    lines.append('  "products": [')
    for pi, p in enumerate(doc["products"]):
        lines.append("    {")
        for key in ("id", "label", "link", "packages", "cycle_from"):
            lines.append('      "%s": %s,' % (key, j(p[key])))
        lines.append('      "cycles": [')
        for ci, c in enumerate(p["cycles"]):
            fields = ", ".join("%s: %s" % (j(k), j(v)) for k, v in c.items())
            comma = "," if ci + 1 < len(p["cycles"]) else ""
            lines.append("        { %s }%s" % (fields, comma))
        lines.append("      ]")
        lines.append("    }" + ("," if pi + 1 < len(doc["products"]) else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_atomic(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".endoflife-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="Write Shipshape's end-of-life snapshot from an "
                    "endoflife.date checkout.",
        usage="%(prog)s [--date YYYY-MM-DD] ENDOFLIFE_DATE_CHECKOUT [OUT]\n"
              "       %(prog)s [--date YYYY-MM-DD] --git-dir DIR [--rev REV] [OUT]")
    ap.add_argument("paths", nargs="*", metavar="PATH",
                    help="the checkout (unless --git-dir), then OUT")
    ap.add_argument("--git-dir", metavar="DIR",
                    help="read from this (bare) git directory via git show")
    ap.add_argument("--rev", default="HEAD",
                    help="revision to read with --git-dir (default HEAD)")
    ap.add_argument("--date", metavar="YYYY-MM-DD",
                    help="snapshot date (default: last commit date, else today)")
    args = ap.parse_args(argv)
    paths = list(args.paths)
    if args.git_dir:
        if len(paths) > 1:
            ap.error("with --git-dir, give at most OUT")
        if not os.path.isdir(args.git_dir):
            ap.error("not a directory: %s" % args.git_dir)
        args.checkout = None
    else:
        if not 1 <= len(paths) <= 2:
            ap.error("give ENDOFLIFE_DATE_CHECKOUT and optionally OUT")
        args.checkout = paths.pop(0)
        if not os.path.isdir(args.checkout):
            ap.error("not a directory: %s" % args.checkout)
        if args.rev != "HEAD":
            ap.error("--rev needs --git-dir")
    if paths:
        args.out = paths[0]
    else:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        args.out = os.path.join(root, DEFAULT_OUT)
    if args.date is not None:
        try:
            datetime.date.fromisoformat(args.date)
        except ValueError:
            ap.error("--date wants YYYY-MM-DD")
        if not DATE_RE.match(args.date):
            ap.error("--date wants YYYY-MM-DD")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    source = Source(checkout=args.checkout, git_dir=args.git_dir, rev=args.rev)
    try:
        snapshot = args.date or source.commit_date()
        if snapshot is None:
            snapshot = datetime.date.today().isoformat()
            print("note: no git date for %s, using today (%s)"
                  % (source.describe(), snapshot), file=sys.stderr)
        text = dump(build(source, snapshot))
        write_atomic(args.out, text)
    except Fail as e:
        print("endoflife-snapshot: %s" % e, file=sys.stderr)
        return 1
    doc = json.loads(text)
    print("wrote %s: %d products, %d cycles, %d bytes, snapshot %s" % (
        args.out, len(doc["products"]),
        sum(len(p["cycles"]) for p in doc["products"]),
        len(text.encode("utf-8")), snapshot), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
