"""Rich progress bars for long commands: rate, ETA, and a running document count."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from chancery.domain.jobs import StageCounts


class ImportProgress:
    """A bar over the bytes of the sources, with documents per second beside it."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.enabled = enabled
        self.bar = Progress(TextColumn("[bold]Importing"), BarColumn(), DownloadColumn(),
                            TransferSpeedColumn(), TextColumn("{task.fields[docs]}"),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            console=console, disable=not enabled, transient=False)
        self.task: TaskID | None = None
        self.docs = 0
        self.started = time.perf_counter()

    def start(self, total_bytes: int) -> None:
        """Show the bar."""
        self.started = time.perf_counter()
        self.bar.start()
        self.task = self.bar.add_task("import", total=total_bytes, docs="0 docs")

    def advance(self, nbytes: int, documents: int) -> None:
        """A source file is done."""
        self.docs += documents
        rate = self.docs / max(time.perf_counter() - self.started, 1e-6)
        if self.task is not None:
            self.bar.update(self.task, advance=nbytes, docs=f"{self.docs:,} docs ({rate:,.0f}/s)")

    def stop(self) -> float:
        """Hide the bar; returns the seconds taken."""
        self.bar.stop()
        return time.perf_counter() - self.started


class _RateColumn(ProgressColumn):
    """Items per second, once there is a rate to show (a format string fails on None)."""

    def render(self, task: Task) -> Text:
        """The rate, or nothing yet."""
        return Text(f"{task.speed:,.0f}/s" if task.speed else "")


def count_bar(console: Console, label: str, total: int | None) -> Progress:
    """A plain counting bar with rate and ETA (exports, reindexing)."""
    return Progress(TextColumn(f"[bold]{label}"), BarColumn(), TextColumn("{task.completed:,}"),
                    _RateColumn() if total else TextColumn(""), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=console)


class Stopwatch:
    """The wall-clock time of a whole command, and of named steps within it."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.steps: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time what runs inside, added to the step's total."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started

    @property
    def total(self) -> float:
        """Seconds since the command started."""
        return time.perf_counter() - self.started


def duration(seconds: float) -> str:
    """Seconds as a person reads them: "20.1 s", "2 min 30 s", "1 h 5 min"."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    return f"{minutes // 60} h {minutes % 60} min"


class StageBars:
    """One bar per job stage while a command waits for them: this run's share (done and
    failed since the bar appeared, over that plus what remains), the recent rate and ETA."""

    def __init__(self, console: Console, start: list[StageCounts], enabled: bool = True) -> None:
        self.bar = Progress(TextColumn("[bold]{task.description:<8}"), BarColumn(),
                            TextColumn("{task.completed:,}/{task.total:,}"),
                            TextColumn("{task.fields[rate]}"), TextColumn("{task.fields[failed]}"),
                            TimeElapsedColumn(), TextColumn("ETA {task.fields[eta]}"),
                            console=console, disable=not enabled)
        self.base = {c.stage: c.done + c.failed for c in start}
        self.tasks = {c.stage: self.bar.add_task(c.stage.value, total=c.remaining, rate="",
                                                 failed="", eta="…") for c in start}

    def __enter__(self) -> StageBars:
        self.bar.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.bar.stop()

    def update(self, counts: list[StageCounts]) -> None:
        """Show the counts as they are now."""
        for c in counts:
            if c.stage not in self.tasks:
                self.base[c.stage] = c.done + c.failed
                self.tasks[c.stage] = self.bar.add_task(c.stage.value, total=0, rate="",
                                                        failed="", eta="…")
            finished = c.done + c.failed - self.base[c.stage]
            eta = c.eta_seconds
            self.bar.update(self.tasks[c.stage], completed=finished, total=finished + c.remaining,
                            rate=f"{c.per_second:,.1f}/s" if c.per_second else "",
                            failed=f"[red]{c.failed:,} failed[/]" if c.failed else "",
                            eta="…" if eta is None else time.strftime("%H:%M:%S", time.gmtime(eta)))


class StepBars:
    """One counting bar per step of a long command (backup, restore, check): each step's bar
    replaces the last one's, which stays on screen done."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.console, self.enabled = console, enabled
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        """A new step of ``total`` units."""
        self.stop()
        self.bar = count_bar(self.console, label, total)
        if self.enabled:
            self.bar.start()
        self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int = 1) -> None:
        """``n`` more units done."""
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, n)

    def stop(self) -> None:
        """Leave the current bar as it is."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
