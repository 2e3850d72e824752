"""Settings, read once (defaults < CHANCERY_* environment < command-line flags), then frozen.

One table drives the CLI help, the environment names and docs/operator.md."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_ADDRESS = "http://127.0.0.1:8000"  # what `serve` listens on by default


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, and what it does."""

    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets it."""
        return "CHANCERY_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "./chancery-data", "Data folder: the SQLite catalogue and the blob store."),
    Setting("blobs_dir", "",
            "Folder of the blob store (every imported file, by hash); empty: blobs/ in the data "
            "folder. Web nodes and workers on several machines name one shared folder (NFS)."),
    Setting("derived_dir", "",
            "Folder of the files made from the blobs and the catalogue (page images, IIIF "
            "images, burned scans, kept citations, downloads); empty: derived/ in the data "
            "folder. Several machines name one shared folder, so a redaction or a purge on one "
            "removes what every one made."),
    Setting("database_url", "", "SQLAlchemy URL of the catalogue; empty means SQLite in the "
            "data folder. PostgreSQL: postgresql+psycopg://user@host/dbname"),
    Setting("database_replica_urls", "",
            "SQLAlchemy URLs (comma-separated) of PostgreSQL streaming replicas of the catalogue: "
            "read-only requests read from them, everything else from database_url."),
    Setting("database_replica_max_lag", "5",
            "Seconds a replica may be behind the primary and still be read from; beyond it, "
            "reads go to another replica or the primary."),
    Setting("max_file_size", str(256 * 1024 * 1024),
            "Largest file an import will read, in bytes; larger files are refused."),
    Setting("max_scan_pages", "1000",
            "Most pages one scan file (PDF or TIFF) may have; longer files are refused at import "
            "(at 5-10 s a page, 1,000 pages is hours of OCR on one core)."),
    Setting("archive_name", "Chancery Digital Archive",
            "The archive's own name, used in citations and page titles."),
    Setting("public_url", "",
            "The address readers reach the archive at (https://archive.example.org): every "
            "permanent link, citation, API url, feed, sitemap and the OAI-PMH baseURL use it. "
            "Empty: the address `serve` listens on (http://127.0.0.1:8000 by default)."),
    Setting("admin_email", "archivist@example.org",
            "The archive's contact address (OAI-PMH Identify)."),
    Setting("oai_namespace", "",
            "OAI-PMH identifiers are oai:NAMESPACE:ID; empty: the host of public_url when it is "
            "a domain name, else chancery.archive."),
    Setting("trusted_proxies", "",
            "Addresses of reverse proxies (comma-separated) whose X-Forwarded-For names the "
            "client; rate limits then count per reader, not per proxy."),
    Setting("api_rate_limit", "600",
            "Requests a minute one client may make to /api/v1, and scan images it may have made "
            "through IIIF (0: no limit)."),
    Setting("search_rate_limit", "120",
            "Search pages and search feeds a minute one client may ask for (0: no limit)."),
    Setting("oai_rate_limit", "120",
            "OAI-PMH requests a minute one harvester may make (0: no limit); beyond it, 503 "
            "with Retry-After as the protocol has it."),
    Setting("export_rate_limit", "30",
            "Dataset downloads and citation exports a minute one client may ask for "
            "(0: no limit)."),
    Setting("workers", "1",
            "Processes `serve` answers requests with; 0: one per core. Rate limits are shared "
            "by all of them."),
    Setting("job_workers", "0",
            "Processes that run jobs (OCR, suggestions, citations) beside `serve`, or in "
            "`import` and `worker` without a broker; 0: one per core."),
    Setting("broker_url", "",
            "Redis URL of a Celery broker (redis://host:6379/0): jobs then go to `chancery "
            "worker` processes on any machine; empty: the archive's own processes run them."),
    Setting("job_timeout", "3600",
            "Seconds a Celery worker may hold a job before the broker hands it to another "
            "(longer than the slowest job); a killed worker's jobs wait this long."),
    Setting("allow_self_approval", "false",
            "Whether the person who submitted a document for review may also publish it "
            "(true/false); false keeps four eyes on every publication."),
    Setting("internal_addresses", "127.0.0.1,::1",
            "Addresses and networks (comma-separated, CIDR allowed) that may read /metrics and "
            "the details of /readyz; the client is read as the rate limits read it."),
    Setting("metrics_token", "",
            "A secret that opens /metrics and the details of /readyz to any address "
            "(Authorization: Bearer TOKEN); empty: internal addresses only."),
    Setting("ready_index_lag", "50000",
            "Catalogue changes the search index may be behind and /readyz still say ready "
            "(0: any lag)."),
    Setting("ready_free_disk", str(1024 * 1024 * 1024),
            "Bytes that must be free on the data folder's disk for /readyz to say ready."),
    Setting("cache_max_age", "60",
            "Seconds a shared cache (nginx, a CDN) may answer an anonymous page or API read "
            "without asking again (s-maxage; browsers always ask again, with the ETag); "
            "0: no shared caching. docs/deployment.md, \"Caching anonymous pages\"."),
    Setting("cache_purge_urls", "",
            "Addresses of shared caches (comma-separated, http://127.0.0.1:8080) told to drop "
            "a document's pages when it is withdrawn, embargoed, redacted or purged: PURGE "
            "ADDRESS/PATH for each page, in the background."),
    Setting("log_format", "text",
            "text: uvicorn's logs as before; json: one JSON line per request and per message, "
            "each with its request id."),
)


@dataclass(frozen=True)
class Settings:
    """The settings in force for one process."""

    data: Path
    database_url: str
    max_file_size: int
    archive_name: str
    max_scan_pages: int = 1000
    public_url: str = ""  # empty: the address serve listens on
    api_rate_limit: int = 600
    search_rate_limit: int = 120
    oai_rate_limit: int = 120
    export_rate_limit: int = 30
    workers: int = 1
    admin_email: str = "archivist@example.org"
    oai_namespace: str = ""
    trusted_proxies: frozenset[str] = frozenset()
    allow_self_approval: bool = False
    job_workers: int = 0  # 0: one per core
    broker_url: str = ""  # empty: jobs run in the archive's own processes
    job_timeout: int = 3600
    internal_addresses: frozenset[str] = frozenset({"127.0.0.1", "::1"})
    metrics_token: str = ""  # empty: no token opens /metrics
    ready_index_lag: int = 50_000
    ready_free_disk: int = 1024 * 1024 * 1024
    log_format: str = "text"
    database_replica_urls: str = ""  # comma-separated; empty: no replicas
    database_replica_max_lag: float = 5.0
    cache_max_age: int = 60  # 0: pages stay no-cache, as for a server without a cache
    cache_purge_urls: str = ""  # comma-separated; empty: no cache is told anything
    blobs_dir: str = ""  # empty: blobs/ in the data folder
    derived_dir: str = ""  # empty: derived/ in the data folder

    @property
    def base_url(self) -> str:
        """The one public address of the archive, without a trailing slash."""
        return (self.public_url or DEFAULT_ADDRESS).rstrip("/")

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a server listening on host:port: without a public address of
        its own, the archive is where it listens (a wildcard address reads as localhost)."""
        if self.public_url:
            return self
        shown = "localhost" if host in ("0.0.0.0", "::", "") else host
        shown = f"[{shown}]" if ":" in shown else shown
        return replace(self, public_url=f"http://{shown}:{port}")

    @property
    def catalogue_url(self) -> str:
        """The database URL, defaulting to SQLite inside the data folder."""
        return self.database_url or f"sqlite:///{self.data / 'catalogue.sqlite3'}"

    @property
    def replica_urls(self) -> tuple[str, ...]:
        """The read replicas' URLs, in the order given."""
        return tuple(u.strip() for u in self.database_replica_urls.split(",") if u.strip())

    @property
    def purge_urls(self) -> tuple[str, ...]:
        """The shared caches' addresses, without a trailing slash."""
        return tuple(u.strip().rstrip("/") for u in self.cache_purge_urls.split(",") if u.strip())

    @property
    def index_dir(self) -> Path:
        """Where the search index lives (derived from the catalogue; `reindex` rebuilds it)."""
        return self.data / "index"

    @property
    def blob_dir(self) -> Path:
        """Where file content is stored, by hash (a folder every node shares, or the data
        folder's own)."""
        return Path(self.blobs_dir) if self.blobs_dir else self.data / "blobs"

    @property
    def derived_path(self) -> Path:
        """Where the files made from the blobs and the catalogue live (a folder every node
        shares, so a redaction or a purge on one removes what all of them made; or the data
        folder's own): emptied by a restore, refilled as pages are read."""
        return Path(self.derived_dir) if self.derived_dir else self.data / "derived"

    @property
    def metrics_dir(self) -> Path:
        """Where this machine's processes keep their Prometheus counts (emptied by `serve`)."""
        return self.data / "metrics"


def load_settings(**overrides: str | None) -> Settings:
    """Settings from defaults, the environment, then explicit overrides (CLI flags)."""
    values = {s.name: os.environ.get(s.env, s.default) for s in SETTINGS}
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(data=Path(values["data"]), database_url=values["database_url"],
                        max_file_size=int(values["max_file_size"]),
                        max_scan_pages=int(values["max_scan_pages"]),
                        archive_name=values["archive_name"], public_url=values["public_url"],
                        api_rate_limit=int(values["api_rate_limit"]),
                        search_rate_limit=int(values["search_rate_limit"]),
                        oai_rate_limit=int(values["oai_rate_limit"]),
                        export_rate_limit=int(values["export_rate_limit"]),
                        workers=int(values["workers"]),
                        admin_email=values["admin_email"], oai_namespace=values["oai_namespace"],
                        trusted_proxies=frozenset(a.strip() for a
                                                  in values["trusted_proxies"].split(",")
                                                  if a.strip()),
                        allow_self_approval=_flag("allow_self_approval",
                                                  values["allow_self_approval"]),
                        job_workers=int(values["job_workers"]), broker_url=values["broker_url"],
                        job_timeout=int(values["job_timeout"]),
                        internal_addresses=_networks(values["internal_addresses"]),
                        metrics_token=values["metrics_token"],
                        ready_index_lag=int(values["ready_index_lag"]),
                        ready_free_disk=int(values["ready_free_disk"]),
                        log_format=_choice("log_format", values["log_format"], ("text", "json")),
                        database_replica_urls=values["database_replica_urls"],
                        database_replica_max_lag=float(values["database_replica_max_lag"]),
                        cache_max_age=int(values["cache_max_age"]),
                        cache_purge_urls=values["cache_purge_urls"],
                        blobs_dir=values["blobs_dir"], derived_dir=values["derived_dir"])
    _check_derived(settings)
    return settings


def _check_derived(settings: Settings) -> None:
    """Refuse a derived folder that is or holds the data folder, or overlaps the blob
    store: a restore empties the derived folder, and must not take the catalogue or the
    stored files with it."""
    derived, data = settings.derived_path.resolve(), settings.data.resolve()
    blobs = settings.blob_dir.resolve()
    if derived == data or derived in data.parents:
        raise ValueError(f"derived_dir {settings.derived_dir!r} must not be or hold the "
                         "data folder")
    if derived == blobs or derived in blobs.parents or blobs in derived.parents:
        raise ValueError(f"derived_dir {settings.derived_dir!r} must be apart from the "
                         "blob folder")
    for made in (settings.index_dir.resolve(), (settings.data / "vectors").resolve()):
        if blobs == made or made in blobs.parents:  # a restore empties them
            raise ValueError(f"blobs_dir {settings.blobs_dir!r} must not be inside the "
                             f"index folder {made}")


def _flag(name: str, value: str) -> bool:
    """A true/false setting; anything else is refused, not read as false."""
    if value.strip().lower() in ("true", "1", "yes", "on"):
        return True
    if value.strip().lower() in ("false", "0", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _networks(value: str) -> frozenset[str]:
    """Addresses and CIDR networks, each checked now: a typo must not open /metrics."""
    found = frozenset(a.strip() for a in value.split(",") if a.strip())
    for entry in found:
        ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
    return found


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value.strip().lower() not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value.strip().lower()


def as_environment(settings: Settings) -> dict[str, str]:
    """The settings as CHANCERY_* variables: how processes started to serve get the same."""
    found = {}
    for s in SETTINGS:
        value = getattr(settings, s.name)
        if isinstance(value, bool):
            found[s.env] = "true" if value else "false"
        else:
            found[s.env] = ",".join(sorted(value)) if isinstance(value, frozenset) else str(value)
    return found
