"""tools/required-programs.tsv is the one declared list of the programs the tests, the lab and the VM
scenario run on this machine. These tests keep it complete and keep its two users honest:

- the scan: every program that a Python or shell file under tests/, tools/, molecule/, benchmarks/
  or engine/ runs (shutil.which("X"), subprocess calls of ["X", ...], absolute /usr/bin, /usr/sbin,
  /bin, /sbin paths, and in shell every command word) must be declared, unless Debian guarantees it
  (an Essential package, asked of dpkg), .venv provides it, or it runs inside a container or the VM;
- tools/check-programs.sh reports a missing program with the exact message;
- tools/install-system-deps.sh installs exactly the list's packages.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LIST = REPO / "tools" / "required-programs.tsv"
CHECK = REPO / "tools" / "check-programs.sh"
INSTALL = REPO / "tools" / "install-system-deps.sh"
SCANNED_DIRS = ("tests", "tools", "molecule", "benchmarks", "engine")
# Files that run inside a container or the VM, never on this machine (their programs come from
# tools/images/bookworm.packages and tools/vm/packages.txt).
GUEST_FILES = (
    "tools/vm/guest/",  # copied into the VM image
    "tests/integration/rancher_stub/system-agent-install.sh",  # served to and run in a container
)
# Absolute paths that name a program inside the containers or the VM.
GUEST_PATHS = {
    "/sbin/init": "PID 1 of the podman containers (systemd from the image)",
}
ABSOLUTE_PROGRAM = re.compile(r"/(?:usr/)?s?bin/[A-Za-z0-9_.+-]+")
COMMAND_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.+-]*")
# Calls whose first argument, a list, is a command line: subprocess.run/Popen/check_output/call,
# os.exec*, and the tests' own wrappers (_run).
RUNS = re.compile(r"run|popen|call|check_output|^exec", re.I)


@dataclass(frozen=True)
class Entry:
    program: str
    package: str
    used_by: str
    note: str


def read_list(path: Path = LIST) -> list[Entry]:
    entries = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) in (3, 4) and all(f.strip() for f in fields), f"{path.name}:{number}: {line!r}"
        if fields[0] == "program":  # the header
            continue
        entries.append(Entry(*fields, *([""] * (4 - len(fields)))))
    return entries


def declared() -> set[str]:
    return {e.program for e in read_list()}


@dataclass(frozen=True)
class Use:
    program: str  # a name, or an absolute path
    where: str  # file:line


# --- Python ------------------------------------------------------------------------------------


def _string(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def python_uses(text: str, where: str) -> list[Use]:
    """Programs a Python file runs: shutil.which(X), a call of *run*/*popen*/*call*/*check_output*/
    exec* whose first argument is a list starting with a literal, and absolute program paths."""
    tree = ast.parse(text)
    constants = {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    uses = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            program = None
            if name == "which":
                program = _string(first, constants)
            elif RUNS.search(name) and isinstance(first, ast.List | ast.Tuple) and first.elts:
                program = _string(first.elts[0], constants)
            if program and "/" not in program and COMMAND_NAME.fullmatch(program):
                uses.append(Use(program, f"{where}:{node.lineno}"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and ABSOLUTE_PROGRAM.fullmatch(node.value)
        ):
            uses.append(Use(node.value, f"{where}:{node.lineno}"))
    return uses


# --- Shell -------------------------------------------------------------------------------------

SHELL_KEYWORDS_BEFORE_A_COMMAND = {"if", "then", "else", "elif", "while", "until", "do", "!", "{", "time"}
SHELL_NOT_A_COMMAND = {"fi", "done", "esac", "}", "for", "select", "function", "case", "in", "[[", "]]"}
_BUILTINS = (
    ". : [ alias bg bind break builtin caller cd command compgen complete continue declare dirs disown "
    "echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout "
    "mapfile popd printf pushd pwd read readarray readonly return set shift shopt source suspend test "
    "times trap true type typeset ulimit umask unalias unset wait"
)
SHELL_BUILTINS = set(_BUILTINS.split())
# Words that start a command and run the next word as the program.
SHELL_PREFIXES = {
    "exec",
    "command",
    "builtin",
    "env",
    "nohup",
    "nice",
    "sudo",
    "$SUDO",
    "${SUDO}",
    "xargs",
    "timeout",
}
SHELL_PREFIX_OPTIONS_WITH_VALUE = {
    "xargs": {"-I", "-n", "-P", "-d", "-L", "-s", "-a", "-E"},
    "timeout": {"-s", "-k"},
}
ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")


class ShellScanner:
    """Finds the command words of a bash script: the first word of each simple command, also inside
    $(...), `...`, <(...), subshells, unquoted here-documents, pipelines and lists; skipping comments,
    quoted here-documents, case patterns, [[ ]] and (( )) expressions, array literals and assignments.
    A heuristic for this repository's scripts, not a full parser."""

    def __init__(self, text: str):
        self.s = text
        self.i = 0
        self.uses: list[tuple[str, int]] = []  # (word, line)
        self.pending_heredocs: list[tuple[str, bool, bool]] = []  # (delimiter, quoted, strip tabs)

    def line(self, index: int | None = None) -> int:
        return self.s.count("\n", 0, self.i if index is None else index) + 1

    def peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.s[j] if j < len(self.s) else ""

    def after_quote(self) -> None:
        """At a quote character: move past its closing one (or to the end of an unclosed one)."""
        end = self.s.find(self.s[self.i], self.i + 1)
        self.i = len(self.s) if end < 0 else end + 1

    # Words ----------------------------------------------------------------------------------

    def skip_balanced(self, open_: str, close: str) -> None:
        """From just after an opening `open_`, skip to after its matching `close` (quotes respected),
        scanning the command substitutions on the way (`$((0x$(stat -c %t f)))`)."""
        depth = 1
        while self.i < len(self.s) and depth:
            c = self.s[self.i]
            if c == "\\":
                self.i += 2
                continue
            if c == "'":
                self.after_quote()
                continue
            if c == "$" and self.peek(1) == "(" and self.peek(2) != "(":
                self.i += 2
                self.commands(until=")")
                continue
            if c == open_:
                depth += 1
            elif c == close:
                depth -= 1
            self.i += 1

    def dollar(self) -> None:
        """At `$`: skip a parameter expansion or arithmetic, or scan a command substitution."""
        nxt = self.peek(1)
        if nxt == "(" and self.peek(2) == "(":
            self.i += 3
            self.skip_balanced("(", ")")
            if self.peek() == ")":
                self.i += 1
        elif nxt == "(":
            self.i += 2
            self.commands(until=")")
        elif nxt == "{":
            self.i += 2
            self.skip_balanced("{", "}")
        else:
            self.i += 1

    def double_quoted(self) -> None:
        """From just after an opening double quote, to after the closing one."""
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == '"':
                self.i += 1
                return
            if c == "\\":
                self.i += 2
            elif c == "$":
                self.dollar()
            elif c == "`":
                self.i += 1
                self.commands(until="`")
            else:
                self.i += 1

    def word(self, in_test: bool) -> tuple[str, bool]:
        """Read one word; returns (its text, whether it is a plain literal)."""
        start, literal = self.i, True
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t\n;" or (c in "|&()" and not in_test):
                if c == "&" and (self.peek(1) == ">" or self.s[self.i - 1 : self.i] in (">", "<")):
                    self.i += 1  # >&2, &>file
                    continue
                if c == "(" and self.i > start and self.s[start : self.i].endswith("=") and not in_test:
                    self.i += 1  # an array literal: its words are not commands
                    self.words_until_paren()
                    literal = False
                    continue
                break
            if c in "<>" and self.peek(1) == "(" and not in_test:
                self.i += 2  # process substitution
                self.commands(until=")")
                literal = False
            elif c == "\\":
                self.i += 2
                literal = literal and self.s[self.i - 1 : self.i] != "\n"
            elif c == "'":
                self.after_quote()
                literal = False
            elif c == '"':
                self.i += 1
                self.double_quoted()
                literal = False
            elif c == "$":
                self.dollar()
                literal = False
            elif c == "`":
                self.i += 1
                self.commands(until="`")
                literal = False
            else:
                self.i += 1
        text = self.s[start : self.i]
        if text.startswith("<<") and not text.startswith("<<<"):
            self.here_document(text[2:])
        return text, literal

    def words_until_paren(self) -> None:
        while self.i < len(self.s):
            self.blank(newlines=True)
            if self.peek() == ")":
                self.i += 1
                return
            if self.peek() == "#":
                self.comment()
                continue
            self.word(in_test=False)
            if self.peek() in ("|", "&", ";", "("):
                self.i += 1

    def here_document(self, rest: str) -> None:
        strip = rest.startswith("-")
        delimiter = rest[1:] if strip else rest
        if not delimiter:  # `<< WORD`
            self.blank()
            start = self.i
            self.word(in_test=False)
            delimiter = self.s[start : self.i]
        quoted = any(q in delimiter for q in "'\"\\")
        self.pending_heredocs.append((re.sub(r"['\"\\]", "", delimiter), quoted, strip))

    def read_here_documents(self) -> None:
        """At the start of the line after a here-document's operator: its body."""
        pending, self.pending_heredocs = self.pending_heredocs, []
        for delimiter, quoted, strip in pending:
            while self.i < len(self.s):
                end = self.s.find("\n", self.i)
                end = len(self.s) if end < 0 else end
                body_line = self.s[self.i : end]
                if (body_line.lstrip("\t") if strip else body_line) == delimiter:
                    self.i = end + 1
                    break
                if not quoted:  # expansions in the body run: scan them, as in double quotes
                    inner = ShellScanner(body_line.replace('"', " "))
                    inner.double_quoted()
                    self.uses += [(w, self.line() + n - 1) for w, n in inner.uses]
                self.i = end + 1

    # Commands -------------------------------------------------------------------------------

    def blank(self, newlines: bool = False) -> None:
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in " \t" or (newlines and c == "\n"):
                self.i += 1
            elif c == "\\" and self.peek(1) == "\n":
                self.i += 2
            else:
                return

    def comment(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = len(self.s) if end < 0 else end

    def record(self, words: list[tuple[str, bool, int]]) -> None:
        """The command word of one simple command."""
        k = 0
        while k < len(words):
            text, literal, line = words[k]
            if literal and ASSIGNMENT.match(text):
                k += 1
                continue
            if literal and text in SHELL_KEYWORDS_BEFORE_A_COMMAND:
                k += 1
                continue
            if text in SHELL_PREFIXES:
                k += 1
                options = SHELL_PREFIX_OPTIONS_WITH_VALUE.get(text, set())
                while k < len(words) and (words[k][0].startswith("-") or ASSIGNMENT.match(words[k][0])):
                    k += 2 if words[k][0] in options else 1
                if text == "timeout" and k < len(words):
                    k += 1  # the duration
                continue
            if literal and (COMMAND_NAME.fullmatch(text) or ABSOLUTE_PROGRAM.fullmatch(text)):
                self.uses.append((text, line))
            return

    def commands(self, until: str | None = None) -> None:
        """Scan commands up to `until` (`)` or a backquote) or the end of the text."""
        words: list[tuple[str, bool, int]] = []
        case_patterns: list[bool] = []  # one per open `case`: True while reading patterns
        while self.i < len(self.s):
            self.blank()
            c = self.peek()
            if not c:
                break
            in_test = bool(words) and words[0][0] == "[[" and (len(words) == 1 or words[-1][0] != "]]")
            if c == "#" and not in_test:
                self.comment()
                continue
            if until and c == until and not in_test:
                self.i += 1
                break
            if c == "\n":
                self.record(words)
                words = []
                self.i += 1
                if self.pending_heredocs:
                    self.read_here_documents()
                continue
            if c in ";|&" and not in_test:
                self.record(words)
                words = []
                if c == ";" and self.peek(1) == ";" and case_patterns:
                    case_patterns[-1] = True
                    self.i += 2
                    if self.peek() == "&":
                        self.i += 1
                    continue
                self.i += 1
                continue
            if c == "(" and not in_test:
                self.record(words)
                words = []
                self.i += 1
                if self.peek() == "(":  # (( arithmetic ))
                    self.i += 1
                    self.skip_balanced("(", ")")
                    if self.peek() == ")":
                        self.i += 1
                else:
                    self.commands(until=")")
                continue
            if c == ")" and not in_test:
                self.i += 1  # a stray one (a case pattern is read below)
                continue
            if case_patterns and case_patterns[-1] and not words:
                start = self.i
                text, _ = self.word(in_test=False)
                if text == "esac":
                    case_patterns.pop()
                    continue
                # A pattern list up to its `)`: pattern words, `|`, quotes.
                self.i = start
                while self.i < len(self.s) and self.peek() != ")":
                    if self.peek() in "'\"":
                        self.after_quote()
                    else:
                        self.i += 1
                self.i += 1
                case_patterns[-1] = False
                continue
            line = self.line()
            text, literal = self.word(in_test)
            if not text:
                self.i += 1
                continue
            words.append((text, literal, line))
            if in_test and text == "]]":
                continue
            if [w[0] for w in words] == ["esac"] and case_patterns:
                case_patterns.pop()
                words = []
            elif words[0][0] == "case" and len(words) == 3 and text == "in":
                case_patterns.append(True)
                words = []
        self.record(words)


def shell_function_names(text: str) -> set[str]:
    return set(re.findall(r"^\s*(?:function\s+)?([A-Za-z_][\w:.-]*)\s*\(\)", text, re.M))


# `source "$DIR/PATH"` or `. "$DIR/PATH"`, DIR a variable holding the script's own directory
# (tools/images/lib.sh, sourced by tools/images/build-base-image.sh and tools/ansible-versions/run.sh).
SOURCED_LIBRARY = re.compile(r'^[ \t]*(?:source|\.)[ \t]+"\$\{?[A-Za-z_]\w*\}?/([^"\s;]+)"[ \t]*$', re.M)


def sourced_function_names(text: str, script: Path) -> set[str]:
    """The functions of the files the script sources as "$DIR/PATH", PATH relative to its directory.
    A library found elsewhere adds nothing: the calls of its functions then fail the scan."""
    names: set[str] = set()
    for relative in SOURCED_LIBRARY.findall(text):
        library = script.parent / relative
        if library.is_file():
            names |= shell_function_names(library.read_text())
    return names


def shell_uses(
    text: str, where: str, library_functions: set[str] | frozenset[str] = frozenset()
) -> list[Use]:
    """The programs a shell script runs; `library_functions` are defined by the files it sources."""
    scanner = ShellScanner(text)
    scanner.commands()
    functions = shell_function_names(text) | library_functions
    uses = [
        Use(word, f"{where}:{line}")
        for word, line in scanner.uses
        if word not in functions and word not in SHELL_BUILTINS and word not in SHELL_NOT_A_COMMAND
    ]
    # Absolute program paths anywhere outside comments (`"$ROOT/usr/sbin/x"` is the image's).
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        for match in re.finditer(r"(?<![\w}/.$-])" + ABSOLUTE_PROGRAM.pattern + r"(?![\w/.-])", line):
            uses.append(Use(match.group(0), f"{where}:{number}"))
    return uses


# --- The tree ----------------------------------------------------------------------------------


def is_shell(path: Path) -> bool:
    if path.suffix == ".sh":
        return True
    if path.suffix:
        return False
    try:
        first = path.open("rb").readline()
    except OSError:
        return False
    return first.startswith(b"#!") and re.search(rb"\b(ba)?sh\b", first) is not None


def scanned_files() -> list[Path]:
    files = []
    for top in SCANNED_DIRS:
        for path in sorted((REPO / top).rglob("*")):
            rel = path.relative_to(REPO).as_posix()
            parts = path.relative_to(REPO).parts
            if not path.is_file() or any(
                p.startswith(".") or p in ("__pycache__", "node_modules") for p in parts
            ):
                continue
            if rel.startswith(GUEST_FILES):
                continue
            if path.suffix == ".py" or is_shell(path):
                files.append(path)
    return files


def uses_in(path: Path) -> list[Use]:
    rel = path.relative_to(REPO).as_posix()
    text = path.read_text()
    if path.suffix == ".py":
        return python_uses(text, rel)
    return shell_uses(text, rel, sourced_function_names(text, path))


@functools.cache
def venv_programs() -> frozenset[str]:
    dirs = {Path(sys.executable).parent, REPO / ".venv" / "bin"}
    return frozenset(p.name for d in dirs if d.is_dir() for p in d.iterdir())


def _usrmerge_variants(path: str) -> set[str]:
    """dpkg records bookworm's /bin and /sbin files under those names, PATH finds them in /usr."""
    variants = {path, os.path.realpath(path)}
    for p in list(variants):
        if p.startswith("/usr/"):
            variants.add(p[4:])
        else:
            variants.add("/usr" + p)
    return variants


def essential_programs(names: set[str]) -> set[str]:
    """Those of `names` that this machine has from a Debian package marked Essential."""
    if not names or shutil.which("dpkg-query") is None:
        return set()
    paths = {name: shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin") for name in names}
    owners: dict[str, set[str]] = {}
    queried = sorted({v for p in paths.values() if p for v in _usrmerge_variants(p)})
    if queried:
        out = subprocess.run(
            ["dpkg-query", "-S", *queried], capture_output=True, text=True, check=False
        ).stdout
        for line in out.splitlines():
            packages, _, file = line.partition(": ")
            owners.setdefault(file, set()).update(p.strip().split(":")[0] for p in packages.split(","))
    packages = sorted({pkg for files in owners.values() for pkg in files})
    essential: set[str] = set()
    if packages:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package} ${Essential}\n", *packages],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        essential = {line.split()[0] for line in out.splitlines() if line.endswith(" yes")}
    return {
        name
        for name, path in paths.items()
        if path and any(owners.get(v, set()) & essential for v in _usrmerge_variants(path))
    }


def undeclared(uses: list[Use], programs: set[str]) -> list[Use]:
    """The uses of programs that are neither declared nor exempt."""

    def covered(program: str) -> bool:
        if program in programs:
            return True
        if program.startswith("/"):
            return program in GUEST_PATHS or Path(program).name in programs
        return program in venv_programs()

    open_uses = [u for u in uses if not covered(u.program)]
    essential = essential_programs({Path(u.program).name for u in open_uses})
    return [u for u in open_uses if Path(u.program).name not in essential]


def _report(uses: list[Use]) -> str:
    return "\n".join(f"  {u.where}: {u.program}" for u in uses)


# --- The tests ---------------------------------------------------------------------------------


def test_the_list_is_well_formed():
    entries = read_list()
    names = [e.program for e in entries]
    assert len(names) == len(set(names)), "a program is declared twice"
    for e in entries:
        assert COMMAND_NAME.fullmatch(e.program) or e.program.startswith("/"), e
        assert e.package == "-" or re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", e.package), e
        if e.package == "-":
            assert e.note, (
                f"{e.program}: a program with no Debian package needs a note saying where it comes from"
            )
    # The one that apt cannot install.
    (terraform,) = [e for e in entries if e.program == "terraform"]
    assert (
        terraform.package == "-" and "machine image" in terraform.note and "/opt/tf-plugins" in terraform.note
    )
    # The program whose absence started this list (a Recommends of prometheus, issue 12).
    assert ("prometheus-node-exporter", "prometheus-node-exporter") in {
        (e.program, e.package) for e in entries
    }


@pytest.mark.skipif(
    shutil.which("dpkg-query") is None, reason="needs dpkg (Debian) to tell Essential programs"
)
def test_every_program_the_tree_runs_is_declared():
    files = scanned_files()
    names = {f.relative_to(REPO).as_posix() for f in files}
    # The scan reaches the files that run programs (a glob that finds nothing would pass trivially).
    assert {
        "tools/lab.sh",
        "tools/vm/build-image.sh",
        "tools/vm/vm.py",
        "tests/integration/containers.py",
    } <= names
    uses = [u for f in files for u in uses_in(f)]
    found = {u.program for u in uses}
    assert {
        "podman",
        "debootstrap",
        "qemu-img",
        "qemu-system-x86_64",
        "/usr/bin/prometheus-node-exporter",
    } <= found
    missing = undeclared(uses, declared())
    assert not missing, (
        f"programs run by the tree but not declared in {LIST.relative_to(REPO)} (add program, Debian package,"
        f" used_by):\n{_report(missing)}"
    )


# Declared, though no scanned file runs them by name.
NOT_RUN_BY_NAME = {
    "runc": "podman's runtime (molecule/containers.conf)",
    "terraform": "the machine image's, for terraform/ (tools/tf.sh)",
}


def test_the_list_declares_nothing_the_tree_does_not_use():
    found = {Path(u.program).name for f in scanned_files() for u in uses_in(f)}
    unused = declared() - found - set(NOT_RUN_BY_NAME)
    assert not unused, f"declared but used by nothing scanned: {sorted(unused)}"


@pytest.mark.skipif(
    shutil.which("dpkg-query") is None, reason="needs dpkg (Debian) to tell Essential programs"
)
@pytest.mark.parametrize(
    ("source", "suffix"),
    [
        ('import shutil\n\nHAVE = shutil.which("sockperf")\n', ".py"),
        ('import subprocess\n\nsubprocess.run(["sockperf", "ping-pong"], check=True)\n', ".py"),
        ('import subprocess\n\nsubprocess.run(["/usr/bin/sockperf", "-h"], check=True)\n', ".py"),
        ("#!/usr/bin/env bash\nsockperf server -i 127.0.0.1\n", ".sh"),
        ("#!/usr/bin/env bash\nout=$(timeout 5 sockperf ping-pong | tail -n 1)\n", ".sh"),
        ("#!/usr/bin/env bash\nif [[ -n $x ]]; then sudo -E sockperf sr; fi\n", ".sh"),
        ("#!/usr/bin/env bash\ncat <<EOF\n$(sockperf --version)\nEOF\n", ".sh"),
    ],
)
def test_the_scan_fails_on_an_undeclared_program(source: str, suffix: str):
    """sockperf runs only inside the containers (tools/images/bookworm.packages): this machine does not
    have it, so a test that ran it here would have to declare it."""
    uses = python_uses(source, "t.py") if suffix == ".py" else shell_uses(source, "t.sh")
    assert [Path(u.program).name for u in undeclared(uses, declared())] == ["sockperf"]


@pytest.mark.parametrize(
    "source",
    [
        "# sockperf in a comment\necho sockperf\n",
        "podman exec c sockperf sr\n",  # in the container
        "cat <<'EOF'\nsockperf sr\nEOF\n",  # a quoted here-document is text
        'case "$1" in\n  sockperf) echo x ;;\n  *) exit 2 ;;\nesac\n',  # a case pattern
        "x=(sockperf a b)\n",  # an array literal
        "[[ $x =~ ^(sockperf|y)$ ]] && echo y\n",
        "f() { echo; }\nf sockperf\n",
    ],
)
def test_the_shell_scan_ignores_words_that_are_not_commands(source: str):
    assert "sockperf" not in {u.program for u in shell_uses(source, "t.sh")}


def test_the_functions_of_a_sourced_library_are_not_programs(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "lib.sh").write_text("probe() {\n  sockperf --version\n}\n")
    script = tmp_path / "bin" / "run.sh"
    script.parent.mkdir()
    text = '#!/usr/bin/env bash\nhere=$(dirname "$0")\nsource "$here/../lib/lib.sh"\nprobe\nsockpong\n'
    assert sourced_function_names(text, script) == {"probe"}
    assert [u.program for u in shell_uses(text, "bin/run.sh", sourced_function_names(text, script))] == [
        "dirname",
        "sockpong",
    ]
    # A library that is not where the script says: its functions are programs like any other word.
    assert "probe" in {
        u.program for u in shell_uses(text, "t.sh", sourced_function_names(text, tmp_path / "t.sh"))
    }
    # The library's own programs are found where it is scanned itself.
    library_text = (tmp_path / "lib" / "lib.sh").read_text()
    assert [u.program for u in shell_uses(library_text, "lib/lib.sh")] == ["sockperf"]


def test_the_shell_scan_finds_commands_in_every_position():
    source = """\
set -euo pipefail
a=$(one | two)
b="x $(three) y"
if ! four; then five; fi
for ((i = 0; i < 3; i++)); do six "$i"; done
DEBIAN_FRONTEND=noninteractive $SUDO seven install
find . -print0 | xargs -0 -n1 eight
while read -r l; do nine; done < <(ten)
mapfile -t x < <(eleven -e 's/#.*//' file)
cat >out <<EOF
v: $(twelve "$x" | cut -d' ' -f1)
EOF
command -v thirteen >/dev/null || exit 1
( fourteen; fifteen ) 2>&1 | tee log
{ sixteen; } >/dev/null
case $x in
  a | "b") seventeen ;;
esac
[[ $(eighteen) == y ]]
n=$((0x$(nineteen -c %t f) + 1))
"""
    found = {u.program for u in shell_uses(source, "t.sh")}
    expected = {
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
    }
    expected |= {
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "find",
        "cat",
        "tee",
        "cut",
    }
    assert found == expected


def _list_with(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "programs.tsv"
    path.write_text(
        "# a test list\nprogram\tdebian_package\tused_by\tnote\n" + "".join(f"{r}\n" for r in rows)
    )
    return path


def _check(list_file: Path, path: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path, "LOWLAT_REQUIRED_PROGRAMS": str(list_file)}
    return subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(CHECK)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_programs_reports_each_missing_program_and_fails(tmp_path: Path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    present = bin_dir / "lowlat-present"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    list_file = _list_with(
        tmp_path,
        "lowlat-present\tpresent-pkg\ta test",
        "prometheus-node-exporter-lowlat-absent\tprometheus-node-exporter\ttests/integration",
        f"{bin_dir}/lowlat-absolute-absent\tsome-pkg\ta test",
        "terraform-lowlat-absent\t-\ttools/tf.sh\tmachine image: /usr/local/bin/terraform",
    )
    proc = _check(list_file, f"{bin_dir}:/usr/bin:/bin")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "missing prometheus-node-exporter-lowlat-absent: install prometheus-node-exporter (tools/install-system-deps.sh)",
        f"missing {bin_dir}/lowlat-absolute-absent: install some-pkg (tools/install-system-deps.sh)",
        "missing terraform-lowlat-absent: not a Debian package, apt cannot install it; it comes with the"
        " machine image: /usr/local/bin/terraform",
    ]
    assert proc.stdout == ""


def test_check_programs_passes_when_everything_is_there(tmp_path: Path):
    list_file = _list_with(tmp_path, "sh\tdash\ta test", "/bin/sh\tdash\ta test")
    proc = _check(list_file, "/usr/bin:/bin")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "all 2 required programs present" in proc.stdout


def test_check_programs_says_where_terraform_comes_from(tmp_path: Path):
    """With a PATH that lacks it, the real list's terraform line names the machine image."""
    proc = _check(LIST, str(tmp_path))
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert (
        "missing terraform: not a Debian package, apt cannot install it; it comes with the machine image:"
        " /usr/local/bin/terraform, with the AWS provider in the filesystem mirror /opt/tf-plugins"
    ) in lines
    assert (
        "missing prometheus-node-exporter: install prometheus-node-exporter (tools/install-system-deps.sh)"
        in lines
    )
    assert len(lines) == len(read_list())


def test_install_system_deps_installs_exactly_the_lists_packages():
    proc = subprocess.run([str(INSTALL), "--list"], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines() == sorted({e.package for e in read_list() if e.package != "-"})


def test_run_tests_and_lab_check_the_programs_before_anything_else():
    run_tests = (REPO / "tools" / "run-tests.sh").read_text().splitlines()
    check = next(i for i, line in enumerate(run_tests) if line.startswith("tools/check-programs.sh"))
    first_stage = next(i for i, line in enumerate(run_tests) if re.match(r"\s*(stage|molecule_all)\b", line))
    assert check < first_stage
    lab = (REPO / "tools" / "lab.sh").read_text()
    # up converges what hosts prepares; hosts checks the programs before building anything.
    up = lab[lab.index("\nup() {") :]
    assert up.index("  hosts\n") < up.index("ansible-playbook")
    hosts = lab[lab.index("\nhosts() {") :]
    assert hosts.index("tools/check-programs.sh") < hosts.index("tools/images/build-base-image.sh")
