"""`scorecard report` as a timeline: when each step starts and ends, on which process, and the
CPU seconds that process has used by then (`benchmarks/report.py --timeline`).

On two cores the command's wall time is its critical path plus what competes for the cores: the
main process (imports, the stored read, the context, HTML, Word, Excel, the record), the charts'
process (`chart_style.Drawer`), the PDF's process (`commands.report._Printer`: the body) and its
child (the appendices, `pdf_parallel`). Each of the main process's lines also gives the CPU
seconds its descendants have used by then ("others"): what the other core has done meanwhile.
The steps are the product's own functions, wrapped as their modules are imported (so the
imports are timed as the command makes them); a step renamed since is said as not found, not
guessed.

    python benchmarks/report_timeline.py STORE OUT [--formats html,pdf,docx,xlsx]
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import importlib.util
import os
import sys
import time
from pathlib import Path

# (module, function or Class.method): the steps said on the timeline.
STEPS = [
    ("csc_scorecard.commands.report", "_Printer.start"),
    ("csc_scorecard.commands.report", "_write"),
    ("csc_scorecard.commands.report", "_render"),
    ("csc_scorecard.commands.report", "_record"),
    ("csc_scorecard.commands.report", "_said"),
    ("csc_scorecard.report.chart_style", "Drawer.__init__"),
    ("csc_scorecard.report.chart_style", "_serve"),
    ("csc_scorecard.report.context", "build_context"),
    ("csc_scorecard.report.context", "gather"),
    ("csc_scorecard.report.context", "all_figures"),
    ("csc_scorecard.report.context", "rate"),
    ("csc_scorecard.report.context", "build_sections"),
    ("csc_scorecard.report.context", "_context"),
    ("csc_scorecard.report.gather", "run_measures"),
    ("csc_scorecard.report.staffing", "build"),
    ("csc_scorecard.report.finance", "build"),
    ("csc_scorecard.report.context", "data_quality"),
    ("csc_scorecard.report.context", "coverage_starts"),
    ("csc_scorecard.report.sections_built", "revisions"),
    ("csc_scorecard.forked", "_child"),
    ("csc_scorecard.report.pdf", "pdf_html"),
    ("csc_scorecard.report.pdf_parallel", "_print"),
    ("csc_scorecard.report.pdf_parallel", "_child"),
    ("csc_scorecard.report.pdf_parallel", "join"),
    ("csc_scorecard.report.pdf_charts", "chart_pdfs"),
]


class _Events:
    """Lines `seconds pid cpu text`, appended to one file by every process."""

    def __init__(self, path: str, started: float) -> None:
        self.path, self.started, self.main = path, started, os.getpid()

    def say(self, text: str) -> None:
        others = _others_cpu() if os.getpid() == self.main else None
        line = f"{time.time() - self.started:.3f} {os.getpid()} {time.process_time():.3f} {text}"
        line += f" [others {others:.2f}]\n" if others is not None else "\n"
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(line)


def _others_cpu() -> float | None:
    """CPU seconds used so far by this process's descendants still running (the charts', the
    PDF's and its child): beside the main process's own, what shares the two cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [os.getpid()]
    try:
        while pending:
            pid = pending.pop()
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text().split()
                for child in children:
                    stat = Path(f"/proc/{child}/stat").read_text()
                    fields = stat[stat.rfind(")") + 2 :].split()
                    total += (int(fields[11]) + int(fields[12])) / tick
                    pending.append(int(child))
    except OSError:  # no /proc, or a process ended meanwhile
        return None
    return total


def _wrapped(events: _Events, module: object, name: str) -> None:
    owner, attr = module, name
    if "." in name:
        cls, attr = name.split(".")
        owner = getattr(module, cls)
    fn = getattr(owner, attr)
    label = f"{module.__name__.rsplit('.', 1)[-1]}.{name}"  # type: ignore[attr-defined]

    @functools.wraps(fn)
    def step(*args: object, **kwargs: object) -> object:
        events.say(f"> {label}")
        try:
            return fn(*args, **kwargs)
        finally:
            events.say(f"< {label}")

    setattr(owner, attr, step)


class _WrapOnImport(importlib.abc.MetaPathFinder):
    """Wraps a module's steps once the module has run, so that nothing is imported early."""

    def __init__(self, events: _Events) -> None:
        self.events = events
        self.steps: dict[str, list[str]] = {}
        for module, name in STEPS:
            self.steps.setdefault(module, []).append(name)

    def find_spec(self, name: str, path: object, target: object = None) -> object:
        if name not in self.steps:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module: object) -> None:
            run(module)
            for step in self.steps[name]:
                try:
                    _wrapped(self.events, module, step)
                except AttributeError:
                    self.events.say(f"! {name}.{step} not found")

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def child(log: str, started: float, args: list[str]) -> None:
    """In the command's process: wrap the steps, then run `scorecard ARGS`."""
    events = _Events(log, started)
    events.say("python started")
    sys.meta_path.insert(0, _WrapOnImport(events))
    os.register_at_fork(after_in_child=lambda: events.say("forked"))
    from csc_scorecard.cli import app

    try:
        app(args)
    except SystemExit as ended:
        events.say(f"exit {ended.code}")


def timeline(store: str, out: str, formats: str, root: Path) -> str:
    """Run the report command on ``store`` (written to: copy it first) into ``out``; the
    timeline as text, each process named by its first step."""
    import subprocess
    import tempfile

    example = root / "examples" / "doncaster-2022"
    args = ["report", "--period", "2022-Q1", "--store", store, "--out", out]
    args += ["--framework", str(example / "framework.yaml"), "--paper", str(example / "paper.yaml")]
    args += ["--narrative", str(example / "narrative.md"), "--formats", formats]
    with tempfile.TemporaryDirectory() as tmp:
        log = f"{tmp}/events"
        started = time.time()
        code = (
            f"import sys; sys.path.insert(0, {str(root / 'benchmarks')!r}); "
            f"import report_timeline; report_timeline.child({log!r}, {started!r}, {args!r})"
        )
        began = os.times()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=root, capture_output=True)
        ended = os.times()
        gone = time.time() - started  # the interpreter's teardown is after the last step
        lines = Path(log).read_text(encoding="utf-8").splitlines()
    parts = [x.split(" ", 3) for x in lines]  # in order of time, a process's own in its order
    order = sorted(range(len(parts)), key=lambda n: (float(parts[n][0]), n))
    events = [(float(s), int(p), float(c), t) for s, p, c, t in (parts[n] for n in order)]
    names: dict[int, str] = {}
    for _, pid, _, text in events:
        if pid not in names and text.startswith(">"):
            names[pid] = text[2:]
    main = events[0][1]
    names[main] = "main"
    cpu = (ended.children_user - began.children_user) + (
        ended.children_system - began.children_system
    )
    out_lines = [f"{'wall s':>7} {'process':<22} {'cpu s':>6}  step"]
    for seconds, pid, used, text in events:
        out_lines.append(f"{seconds:7.3f} {names.get(pid, str(pid)):<22} {used:6.2f}  {text}")
    out_lines.append(f"{gone:7.3f} {'main':<22} {'':>6}  the process ended")
    out_lines.append(f"the command: {gone:.2f} s wall, {cpu:.2f} s CPU in all processes")
    return "\n".join(out_lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("out")
    parser.add_argument("--formats", default="html,pdf,docx,xlsx")
    options = parser.parse_args()
    print(
        timeline(options.store, options.out, options.formats, Path(__file__).resolve().parents[1])
    )
