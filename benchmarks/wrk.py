"""wrk (Debian's package) driven from Python: C connections over a list of URLs, each asked in
turn from a random start, the figures read back as JSON; and the memory of a process tree.

wrk is a C load generator with one event loop per thread: at the request rates of this
machine it costs a few per cent of a core, where a Python crowd (benchmarks/load.py) takes
about as much CPU as the server it measures. Its latencies are those of the requests it made
(no correction for coordinated omission), as a crowd of readers who wait for each answer."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

WRK = shutil.which("wrk") or "/usr/bin/wrk"

# per thread: the URL list, walked from a random start; at the end a JSON line of figures
LUA = r"""
local urls, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do urls[#urls + 1] = line end
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1e6))
  i = math.random(#urls)
end
function request()
  i = i % #urls + 1
  return wrk.format("GET", urls[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRKJSON {"requests": %d, "seconds": %.3f, "p50": %.2f, "p90": %.2f, "p99": %.2f, ' ..
    '"max": %.2f, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.connect, e.read, e.write, e.status, e.timeout))
  io.stdout:flush()
end
"""


@dataclass
class Figures:
    """What one wrk run measured (milliseconds; errors: answers >= 400 and socket errors)."""

    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def has_wrk() -> bool:
    return Path(WRK).is_file()


def start(base: str, urls: list[str], folder: Path, name: str, connections: int,
          seconds: float, timeout: float = 30.0) -> subprocess.Popen[str]:
    """wrk running in the background (one thread) over ``urls``; :func:`finish` reads it."""
    folder.mkdir(parents=True, exist_ok=True)
    listing, script = folder / f"{name}.urls", folder / "walk.lua"
    listing.write_text("\n".join(urls) + "\n")
    script.write_text(LUA)
    return subprocess.Popen(
        [WRK, "-t1", "--latency", f"-c{connections}", f"-d{seconds:.0f}s", f"--timeout={timeout:.0f}s",
         "-s", str(script), base, "--", str(listing)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(run: subprocess.Popen[str]) -> Figures:
    out, _ = run.communicate()
    for line in out.splitlines():
        if line.startswith("WRKJSON "):
            raw = json.loads(line[len("WRKJSON "):])
            errors = sum(raw.pop(k) for k in ("connect", "read", "write", "status", "timeout"))
            return Figures(errors=errors, **raw)
    return from_text(out)  # the script's summary did not arrive: wrk's own report


def from_text(out: str) -> Figures:
    """The figures of wrk's printed report (with --latency)."""
    total = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if total is None:
        raise RuntimeError(f"wrk gave no figures:\n{out}")
    seconds = float(total[2]) * (60 if total[3] == "m" else 1)
    percent = {int(p): _ms(v) for p, v in re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)", out, re.M)}
    latency = re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+\w+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        out)
    status = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(map(int, sockets.groups())) if sockets else 0) + (int(status[1]) if status else 0)
    return Figures(int(total[1]), seconds, percent.get(50, 0.0), percent.get(90, 0.0),
                   percent.get(99, 0.0), _ms(latency[1]) if latency else 0.0, errors)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def measure(base: str, urls: list[str], folder: Path, name: str, connections: int,
            seconds: float) -> Figures:
    return finish(start(base, urls, folder, name, connections, seconds))


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(k) for k in kids)
    return out


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def pss(pid: int, mapped_under: Path) -> tuple[float, float]:
    """(PSS in MiB without the files under ``mapped_under``, PSS of those files' pages)."""
    own = mapped = 0
    in_index = False
    prefix = str(mapped_under.resolve())
    try:
        lines = Path(f"/proc/{pid}/smaps").read_text().splitlines()
    except OSError:
        return 0.0, 0.0
    for line in lines:
        head = line.split(None, 5)
        if head and "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
            in_index = len(head) == 6 and head[5].startswith(prefix)
        elif line.startswith("Pss:"):
            kib = int(line.split()[1])
            if in_index:
                mapped += kib
            else:
                own += kib
    return own / 1024, mapped / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def listeners(port: int, pids: list[int]) -> list[int]:
    """Those of ``pids`` that hold the socket listening on ``port`` (the web processes)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    out = []
    for pid in pids:
        try:
            links = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()}
        except OSError:
            continue
        if links & inodes:
            out.append(pid)
    return out
