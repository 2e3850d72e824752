"""docs/deployment.md's configuration blocks parse: systemd units with systemd-analyze
verify, nginx with `nginx -t`, HAProxy with `haproxy -c`, the settings file against the
settings table. Skipped locally where a tool is missing; in CI every tool must be there."""

from __future__ import annotations

import re
import shutil
import subprocess
from configparser import ConfigParser
from pathlib import Path

import pytest

from chancery.config import SETTINGS
from tests.conftest import need
from tests.nginx import PURGE_MODULE, check, has_nginx, main_config

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
# what systemd-analyze says of a machine without Chancery installed: not the unit's fault
_ELSEWHERE = re.compile(r"is not executable: No such file|Failed to resolve (user|group)|"
                        r"Unit \S+ not found|RequiresMountsFor")


def blocks(kind: str) -> list[str]:
    """The guide's ```kind code blocks, in order."""
    return re.findall(rf"^```{kind}\n(.*?)^```$", GUIDE.read_text(), re.M | re.S)


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key, for the blocks that name the site's own."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=archive.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def test_the_guide_has_each_kind_of_block() -> None:
    """Two units, the nginx site, the HAProxy configuration, the settings files."""
    assert len(blocks("systemd")) == 2 and len(blocks("nginx")) == 1
    assert len(blocks("haproxy")) == 1 and len(blocks("ini")) >= 3


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    """Each unit passes systemd-analyze verify (a missing /opt/chancery is the machine's,
    not the unit's); an unknown key or section fails."""
    tool = shutil.which("systemd-analyze")
    need(tool is not None, "systemd-analyze not installed")
    assert tool is not None
    for text in blocks("systemd"):
        name = re.search(r"^# /etc/systemd/system/(\S+)$", text, re.M)
        assert name, text[:80]
        unit = tmp_path / name.group(1)
        unit.write_text(text)
        done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True,
                              timeout=60)
        said = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and not _ELSEWHERE.search(line)]
        assert not said, said


def test_the_systemd_units_have_only_known_sections_and_keys() -> None:
    """A strict read of the units as INI: the three sections, nothing else, and ExecStart
    runs a chancery command."""
    for text in blocks("systemd"):
        unit = ConfigParser(strict=True, interpolation=None)
        unit.optionxform = str  # type: ignore[assignment,method-assign]
        unit.read_string(text)
        assert unit.sections() == ["Unit", "Service", "Install"]
        assert re.fullmatch(r"/opt/chancery/\.venv/bin/chancery (serve|worker)\b.*",
                            unit["Service"]["ExecStart"])


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    """The site inside a minimal nginx.conf, its certificate and cache folder moved into the
    test's folder, the purge module loaded: nginx -t accepts it."""
    need(has_nginx() and PURGE_MODULE.is_file(),
         "nginx with libnginx-mod-http-cache-purge not installed")
    cert, key = certificate(tmp_path)
    (tmp_path / "cache").mkdir()  # /var/cache/nginx, which Debian's package makes
    site = blocks("nginx")[0].replace("/var/cache/nginx", str(tmp_path / "cache"))
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"listen 10\.0\.0\.11:", "listen 127.0.0.1:", site)  # an address we have
    done = check(main_config(tmp_path / "nginx", site, (PURGE_MODULE,)))
    assert done.returncode == 0, done.stderr


def test_the_haproxy_configuration_passes_haproxy_c(tmp_path: Path) -> None:
    """The HAProxy block, its certificate replaced by one made here: haproxy -c accepts it."""
    tool = shutil.which("haproxy")
    need(tool is not None, "haproxy not installed")
    assert tool is not None
    cert, key = certificate(tmp_path)
    pem = tmp_path / "site.pem"
    pem.write_text(cert.read_text() + key.read_text())
    config = tmp_path / "haproxy.cfg"
    config.write_text(re.sub(r"crt \S+", f"crt {pem}", blocks("haproxy")[0])
                      .replace("log /dev/log local0", "log stderr local0"))
    done = subprocess.run([tool, "-c", "-f", str(config)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_settings_file_names_only_real_settings() -> None:
    """Every CHANCERY_* line of the environment file is a setting of config.SETTINGS."""
    known = {s.env for s in SETTINGS}
    env = next(b for b in blocks("ini") if "CHANCERY_DATA=" in b)
    named = re.findall(r"^(CHANCERY_\w+)=", env, re.M)
    assert named and set(named) <= known, set(named) - known


def test_the_postgresql_and_redis_blocks_are_key_value_lines() -> None:
    """postgresql.conf and redis.conf lines read as `key = value` / `key value`, and carry the
    settings the guide explains."""
    pg = next(b for b in blocks("ini") if "shared_buffers" in b)
    redis = next(b for b in blocks("ini") if "appendonly" in b)
    for line in _lines(pg):
        assert re.fullmatch(r"[a-z_]+ = \S.*", line), line
    for line in _lines(redis):
        assert re.fullmatch(r"[a-z-]+ \S.*", line), line
    assert {"shared_buffers", "max_connections", "hot_standby_feedback"} <= {
        line.split(" = ")[0] for line in _lines(pg)}
    assert {"save", "appendonly"} <= {line.split()[0] for line in _lines(redis)}


def _lines(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_proxies_give_their_own_request_id() -> None:
    """The nodes trust a proxy's X-Request-ID (docs/operator.md): a proxy that passed on a
    client's own let the client write any id into the logs (found by a hostile test)."""
    assert re.search(r"proxy_set_header X-Request-ID \$request_id;", blocks("nginx")[0])
    assert re.search(r"http-request set-header X-Request-ID %\[uuid\]", blocks("haproxy")[0])


@pytest.mark.parametrize("kind", ["systemd", "nginx", "haproxy"])
def test_each_block_is_nonempty(kind: str) -> None:
    """No block left empty (an empty block parses, and checks nothing)."""
    assert all(b.strip() for b in blocks(kind))
