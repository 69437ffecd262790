"""The providers registry (catalog/providers.py) and `internscope crawl --providers/--only`.

Validation is table-driven: each case is a registry whose offending line carries a `# <-`
marker, so the expected line number is read from the case itself. The CLI tests stand in a
fake crawler for catalog.crawl (what it was asked to crawl is all they check); the real
crawls of a registry are in tests/test_crawl_progress.py.
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from catalog.cli import EXIT_BAD_REGISTRY, main
from catalog.providers import PROVIDERS_ENV, Provider, Registry, RegistryError, load_registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "providers"

GOOD = """\
[[provider]]
name = "Good One"
start_urls = ["https://good.test/"]
"""
# A valid second entry; the cases add one bad key to it.
P = '[[provider]]\nname = "P"\nstart_urls = ["https://p.test/"]\n'


def _registry(tmp_path: Path, text: str, name: str = "providers.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _marked_line(text: str) -> int:
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if "# <-" in line]
    assert len(lines) == 1, "a case marks exactly one line"
    return lines[0]


# --- valid registries ---------------------------------------------------------------------------------


def test_valid_fixture_loads_with_defaults_and_normal_forms() -> None:
    registry = load_registry(FIXTURES / "valid.toml")
    assert registry.errors == []
    full, minimal, paused = registry.providers
    assert full.name == "Example Electives"
    assert full.start_urls == ["https://www.example-electives.test/programs/",
                               "https://www.example-electives.test/electives/"]
    assert full.allowed_hosts == ["www.example-electives.test", "example-electives.test"]
    assert full.program_url_patterns == ["/programs/[^/]+/?$", "/electives/"]
    assert (full.max_pages, full.depth, full.currency, full.crawl_delay, full.enabled) == (120, 3, "GBP", 2.0, True)
    # Defaults: the start URL's host, no limits of its own, enabled.
    assert minimal.start_urls == ["https://minimal.test/"]
    assert minimal.allowed_hosts == ["minimal.test"]
    assert (minimal.program_url_patterns, minimal.max_pages, minimal.depth, minimal.currency,
            minimal.crawl_delay, minimal.enabled) == (None, None, None, None, None, True)
    assert paused.allowed_hosts == ["paused.test:8080"]
    assert not paused.enabled
    assert registry.enabled == [full, minimal]


def test_find_ignores_case_and_spacing() -> None:
    registry = load_registry(FIXTURES / "valid.toml")
    assert registry.find("  example   ELECTIVES ") is registry.providers[0]
    assert registry.find("nobody") is None


def test_spider_config_carries_every_setting() -> None:
    provider = load_registry(FIXTURES / "valid.toml").providers[0]
    assert provider.spider_config() == {
        "provider": "Example Electives",
        "allowed_hosts": ["www.example-electives.test", "example-electives.test"],
        "program_url_patterns": ["/programs/[^/]+/?$", "/electives/"],
        "max_pages": 120,
        "depth": 3,
        "currency": "GBP",
        "crawl_delay": 2.0,
    }


def test_the_shipped_registry_is_valid() -> None:
    registry = load_registry(REPO / "providers.toml")
    assert registry.errors == []
    assert len(registry.providers) >= 5
    for provider in registry.providers:
        assert all(url.startswith("https://") for url in provider.start_urls), provider.name
        # Polite by default: every real provider is crawled slowly and within a budget.
        assert provider.crawl_delay is not None and provider.crawl_delay >= 1, provider.name
        assert provider.max_pages is not None and provider.max_pages <= 500, provider.name
        assert provider.currency is not None, provider.name


def test_registry_interface_for_other_commands(tmp_path: Path) -> None:
    """What `internscope schedule --providers` relies on: the names and types of the result."""
    registry = load_registry(_registry(tmp_path, GOOD + '\n[[provider]]\nname = "x"\n'))
    assert isinstance(registry, Registry)
    assert [type(p) for p in registry.providers] == [Provider]
    (error,) = registry.errors
    assert isinstance(error, RegistryError)
    assert (error.file, error.line, error.key) == (str(tmp_path / "providers.toml"), 5, "start_urls")
    assert error.reason == "required key is missing"
    assert str(error) == f"{tmp_path / 'providers.toml'}:5: [[provider]] 'x': start_urls: required key is missing"


# --- bad entries ----------------------------------------------------------------------------------------

# (id, the bad entry appended after GOOD, key, a fragment of the reason). The line marked `# <-`
# is the one the error must name.
BAD_ENTRIES: list[tuple[str, str, str, str]] = [
    ("missing-start-urls", '[[provider]] # <-\nname = "P"\n', "start_urls", "required key is missing"),
    ("start-urls-not-a-list", '[[provider]]\nname = "P"\nstart_urls = "https://p.test/" # <-\n',
     "start_urls", "valid list"),
    ("start-urls-empty", '[[provider]]\nname = "P"\nstart_urls = [] # <-\n', "start_urls", "at least 1 item"),
    ("ftp-url", '[[provider]]\nname = "P"\nstart_urls = ["ftp://p.test/"] # <-\n',
     "start_urls[0]", "only http and https URLs can be crawled"),
    # A value over several lines: the line of its key.
    ("url-without-scheme",
     '[[provider]]\nname = "P"\nstart_urls = [ # <-\n  "https://p.test/",\n  "p.test/programs",\n]\n',
     "start_urls[1]", "missing scheme"),
    ("url-with-space", '[[provider]]\nname = "P"\nstart_urls = ["https://p .test/"] # <-\n',
     "start_urls[0]", "whitespace"),
    ("unknown-key", P + 'start_url = "x" # <-\n',
     "start_url", "unknown key (did you mean 'start_urls'?)"),
    ("max-pages-zero", P + 'max_pages = 0 # <-\n',
     "max_pages", "greater than or equal to 1"),
    ("max-pages-string", P + 'max_pages = "100" # <-\n',
     "max_pages", "valid integer (got '100')"),
    ("depth-negative", P + 'depth = -1 # <-\n',
     "depth", "greater than or equal to 0"),
    ("depth-float", P + 'depth = 2.5 # <-\n',
     "depth", "valid integer"),
    ("currency-word", P + 'currency = "pounds" # <-\n',
     "currency", "not an ISO 4217 code"),
    ("currency-unknown", P + 'currency = "XQZ" # <-\n',
     "currency", "exchange rates for"),
    ("crawl-delay-negative", P + 'crawl_delay = -1 # <-\n',
     "crawl_delay", "greater than or equal to 0"),
    ("crawl-delay-huge", P + 'crawl_delay = 5000 # <-\n',
     "crawl_delay", "less than or equal to 300"),
    ("crawl-delay-text", P + 'crawl_delay = "2s" # <-\n',
     "crawl_delay", "valid number"),
    ("enabled-text", P + 'enabled = "yes" # <-\n',
     "enabled", "valid boolean (got 'yes')"),
    ("bad-regex", P + 'program_url_patterns = ["/ok/", "(x"] # <-\n',
     "program_url_patterns[1]", "not a valid regular expression"),
    ("no-patterns", P + 'program_url_patterns = [] # <-\n',
     "program_url_patterns", "empty list"),
    ("host-is-url", P + 'allowed_hosts = ["https://p.test/"] # <-\n',
     "allowed_hosts[0]", "is a URL; give the host name only"),
    ("host-misses-start", P + 'allowed_hosts = ["q.test"] # <-\n',
     "allowed_hosts", "does not include the host of start URL https://p.test/"),
    ("missing-name", '[[provider]] # <-\nstart_urls = ["https://p.test/"]\n', "name", "required key is missing"),
    ("empty-name", '[[provider]]\nname = "  " # <-\nstart_urls = ["https://p.test/"]\n', "name", "empty name"),
    ("duplicate-name", '[[provider]]\nname = "GOOD one" # <-\nstart_urls = ["https://p.test/"]\n',
     "name", "duplicate provider name (first at line 1)"),
    ("duplicate-start-url", '[[provider]]\nname = "P"\nstart_urls = ["https://GOOD.test"] # <-\n',
     "start_urls", "https://good.test/ is already a start URL of provider 'Good One'"),
    ("entry-not-a-table", "provider = 3 # <-\n", "provider", "must be an array of tables"),
]


@pytest.mark.parametrize(("case", "entry", "key", "reason"), BAD_ENTRIES, ids=[c[0] for c in BAD_ENTRIES])
def test_bad_entry_is_reported_with_line_key_and_reason(
    tmp_path: Path, case: str, entry: str, key: str, reason: str
) -> None:
    # "entry-not-a-table" cannot follow [[provider]] tables (it would redefine the array): alone.
    text = entry if case == "entry-not-a-table" else GOOD + "\n" + entry
    path = _registry(tmp_path, text)
    registry = load_registry(path)
    line = _marked_line(text)
    assert len(registry.errors) == 1, [str(e) for e in registry.errors]
    (error,) = registry.errors
    assert (error.line, error.key) == (line, key), str(error)
    assert reason in error.reason
    message = str(error)
    assert message.startswith(f"{path}:{line}: ")
    assert f": {key}: " in message and "\n" not in message
    if case != "entry-not-a-table":
        # The other provider is still there to crawl; the entry is named by name or position.
        assert [p.name for p in registry.providers] == ["Good One"]
        assert "[[provider]] 'P'" in message or "[[provider]] #2" in message or "'GOOD one'" in message


@pytest.mark.parametrize(
    ("case", "text", "reason"),
    [
        ("toml-syntax", GOOD + '\n[[provider]]\nname = "P" "Q" # <-\nstart_urls = ["https://p.test/"]\n',
         "TOML syntax error"),
        ("toml-unclosed", GOOD + '\n[[provider]]\nname = "P"\nstart_urls = ["https://p.test/", # <-',
         "at the end of the file"),
        ("toml-duplicate-key", GOOD + '\n[[provider]]\nname = "P"\nname = "Q" # <-\n', "TOML syntax error"),
        ("unknown-top-level", "[defaults] # <-\ncrawl_delay = 1\n\n" + GOOD, "unknown top-level key"),
        ("single-table", '[provider] # <-\nname = "P"\nstart_urls = ["https://p.test/"]\n',
         "must be an array of tables"),
    ],
)
def test_file_level_errors(tmp_path: Path, case: str, text: str, reason: str) -> None:
    path = _registry(tmp_path, text)
    registry = load_registry(path)
    assert [e.line for e in registry.errors] == [_marked_line(text)], [str(e) for e in registry.errors]
    assert reason in registry.errors[0].reason
    assert str(registry.errors[0]).startswith(f"{path}:{_marked_line(text)}: ")
    if case == "unknown-top-level":
        assert [p.name for p in registry.providers] == ["Good One"]  # the entries are still read


@pytest.mark.parametrize(
    ("case", "reason"),
    [("missing", "no such file"), ("empty", "no [[provider]] entries"), ("not-utf8", "not UTF-8"),
     ("directory", "is a directory")],
)
def test_unusable_files_are_one_error(tmp_path: Path, case: str, reason: str) -> None:
    path = tmp_path / "providers.toml"
    if case == "empty":
        path.write_text("# nothing yet\n", encoding="utf-8")
    elif case == "not-utf8":
        path.write_bytes(GOOD.encode() + b'\n# caf\xe9\n')
    elif case == "directory":
        path.mkdir()
    (error,) = load_registry(path).errors
    assert reason in error.reason
    assert str(error).startswith(str(path))


def test_several_errors_of_one_entry_are_all_reported_in_line_order(tmp_path: Path) -> None:
    text = GOOD + '\n[[provider]]\nname = "P"\nstart_urls = ["ftp://p.test/"]\nmax_pages = -3\nenabled = 1\n'
    errors = load_registry(_registry(tmp_path, text)).errors
    assert [(e.line, e.key) for e in errors] == [(7, "start_urls[0]"), (8, "max_pages"), (9, "enabled")]


def test_errors_of_several_entries_and_the_rest_still_load(tmp_path: Path) -> None:
    text = (
        '[[provider]]\nname = "A"\nstart_urls = ["https://a.test/"]\ncrawl_delay = "slow"\n\n'
        + GOOD
        + '\n[[provider]]\nname = "B"\nstart_urls = ["mailto:b@b.test"]\n\n'
        '[[provider]]\nname = "C"\nstart_urls = ["https://c.test/"]\nenabled = false\n'
    )
    registry = load_registry(_registry(tmp_path, text))
    assert [(e.provider, e.line, e.key) for e in registry.errors] == [
        ("A", 4, "crawl_delay"),
        ("B", 12, "start_urls[0]"),
    ]
    assert [p.name for p in registry.providers] == ["Good One", "C"]
    assert [p.name for p in registry.enabled] == ["Good One"]


# --- the crawl command with a registry ----------------------------------------------------------------


@dataclass
class FakeCrawler:
    calls: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int = 0
    reason: str = "finished"
    snapshots: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def fake_crawl(monkeypatch: pytest.MonkeyPatch) -> FakeCrawler:
    """catalog.crawl with run_crawl recording its arguments (and feeding `progress` snapshots)."""
    state = FakeCrawler()
    module = types.ModuleType("catalog.crawl")

    class CrawlError(Exception):
        pass

    @dataclass
    class CrawlResult:
        exit_code: int
        reason: str
        stats: dict[str, Any]

    def validate_start_url(url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise CrawlError(f"bad URL: {url!r}")
        return url

    def run_crawl(start_urls: list[str], db_path: str, **kwargs: Any) -> CrawlResult:
        state.calls.append({"start_urls": list(start_urls), "db_path": db_path, **kwargs})
        for snapshot in state.snapshots:
            kwargs["progress"](snapshot)
        stats = {"internscope/pages_stored": 4, "internscope/programs_new": 2}
        return CrawlResult(state.exit_code, state.reason, stats)

    module.CrawlError = CrawlError  # type: ignore[attr-defined]
    module.CrawlResult = CrawlResult  # type: ignore[attr-defined]
    module.validate_start_url = validate_start_url  # type: ignore[attr-defined]
    module.run_crawl = run_crawl  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "catalog.crawl", module)
    monkeypatch.delenv(PROVIDERS_ENV, raising=False)
    return state


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error: ")]


def test_crawl_providers_crawls_the_enabled_ones_with_their_settings(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    result = invoke("crawl", "--providers", str(FIXTURES / "valid.toml"), "--db", str(db))
    assert result.exit_code == 0, result.output
    (call,) = fake_crawl.calls
    assert call["start_urls"] == ["https://www.example-electives.test/programs/",
                                  "https://www.example-electives.test/electives/", "https://minimal.test/"]
    assert call["providers"]["https://minimal.test/"]["provider"] == "Minimal Provider"
    assert call["providers"]["https://www.example-electives.test/electives/"]["currency"] == "GBP"
    assert set(call["providers"]) == set(call["start_urls"])
    assert "of 2 providers" in result.stdout


def test_only_selects_providers_even_a_disabled_one(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    result = invoke("crawl", "--providers", str(FIXTURES / "valid.toml"), "--only", "paused provider",
                    "--only", "Minimal Provider", "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 0, result.output
    assert fake_crawl.calls[0]["start_urls"] == ["http://paused.test:8080/list", "https://minimal.test/"]


def test_only_an_unknown_provider_is_one_line_and_crawls_nothing(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    result = invoke("crawl", "--providers", str(FIXTURES / "valid.toml"), "--only", "Nobody",
                    "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: no provider named 'Nobody' in {FIXTURES / 'valid.toml'} "
        "(known: 'Example Electives', 'Minimal Provider', 'Paused Provider')"
    ]
    assert fake_crawl.calls == []


def test_bad_entries_are_listed_and_the_rest_crawled(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    text = GOOD + '\n[[provider]]\nname = "Bad"\nstart_urls = ["ftp://bad.test/"]\n\n[[provider]]\nname = "x"\n'
    path = _registry(tmp_path, text)
    log = tmp_path / "crawl.jsonl"
    result = invoke("crawl", "--providers", str(path), "--db", str(tmp_path / "c.db"), "--log-file", str(log))
    assert result.exit_code == EXIT_BAD_REGISTRY
    assert fake_crawl.calls[0]["start_urls"] == ["https://good.test/"]
    assert error_lines(result) == [
        f"Error: {path}:7: [[provider]] 'Bad': start_urls[0]: bad URL: 'ftp://bad.test/': "
        "only http and https URLs can be crawled",
        f"Error: {path}:9: [[provider]] 'x': start_urls: required key is missing",
        f"Error: {path} has 2 bad entries (listed above); the other providers were crawled",
    ]
    assert len(result.stdout.splitlines()) == 1  # the summary
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["level"], e.get("line")) for e in events] == [("ERROR", 7), ("ERROR", 9), ("INFO", None)]
    assert events[-1]["message"].startswith("Crawled 4 pages of 1 provider")


def test_only_naming_a_bad_entry_says_so(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    path = _registry(tmp_path, GOOD + '\n[[provider]]\nname = "Bad"\nstart_urls = ["ftp://bad.test/"]\n')
    result = invoke("crawl", "--providers", str(path), "--only", "bad", "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert error_lines(result)[-1] == f"Error: provider 'bad' has errors in {path} (listed above)"
    assert fake_crawl.calls == []


@pytest.mark.parametrize("text", ["", "[[provider]]\nname = 'x'\n", "not toml at all ="])
def test_nothing_valid_to_crawl(fake_crawl: FakeCrawler, tmp_path: Path, text: str) -> None:
    path = _registry(tmp_path, text)
    result = invoke("crawl", "--providers", str(path), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert error_lines(result)[-1] == f"Error: no valid provider to crawl in {path}"
    assert fake_crawl.calls == []


def test_only_disabled_providers(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    path = _registry(tmp_path, GOOD + "enabled = false\n")
    result = invoke("crawl", "--providers", str(path), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert error_lines(result) == [f"Error: no enabled provider to crawl in {path}"]


def test_missing_registry_file(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    result = invoke("crawl", "--providers", str(path), "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 1
    assert error_lines(result) == [f"Error: {path}: no such file", f"Error: no valid provider to crawl in {path}"]


def test_the_environment_variable_names_the_default_registry(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    env = {PROVIDERS_ENV: str(FIXTURES / "valid.toml")}
    result = invoke("crawl", "--db", str(tmp_path / "c.db"), env=env)
    assert result.exit_code == 0, result.output
    assert "https://minimal.test/" in fake_crawl.calls[0]["start_urls"]
    # URLs on the command line win over the variable.
    result = invoke("crawl", "https://other.test/", "--db", str(tmp_path / "c.db"), env=env)
    assert result.exit_code == 0, result.output
    assert fake_crawl.calls[1]["start_urls"] == ["https://other.test/"]
    assert "providers" not in fake_crawl.calls[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://a.test/", "--providers", "PATH"], "give start URLs or --providers FILE, not both"),
        (["--only", "x"], "--only needs --providers FILE"),
        ([], "give start URLs or --providers FILE"),
    ],
)
def test_usage_errors(fake_crawl: FakeCrawler, tmp_path: Path, args: list[str], message: str) -> None:
    args = [str(FIXTURES / "valid.toml") if a == "PATH" else a for a in args]
    result = invoke("crawl", *args, "--db", str(tmp_path / "c.db"))
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert message in line
    assert fake_crawl.calls == []


def test_unwritable_log_file_is_one_line(fake_crawl: FakeCrawler, tmp_path: Path) -> None:
    result = invoke("crawl", "https://a.test/", "--db", str(tmp_path / "c.db"),
                    "--log-file", str(tmp_path / "no-dir" / "log.jsonl"))
    assert result.exit_code == 1
    (line,) = error_lines(result)
    assert line.startswith(f"Error: cannot write log file {tmp_path / 'no-dir' / 'log.jsonl'}: ")
    assert fake_crawl.calls == []
