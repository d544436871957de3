"""Switch timelines and --trace: the same switch events, for every model, threads included."""

import subprocess
import sys

import matplotlib.image

from fiberlab.lab import timeline as lab_timeline
from fiberlab.pipeline import REPO_ROOT

GREENLET_PINGPONG = [["root", "main"], ["main", "root"], ["root", "ping-0"], ["ping-0", "pong-0"],
                     ["pong-0", "ping-0"], ["ping-0", "root"]]
ASYNCIO_PINGPONG = [["loop", "ping-0"], ["ping-0", "loop"], ["loop", "pong-0"], ["pong-0", "loop"]]


def test_scheduler_lanes_sit_below_the_tasks_in_order_of_appearance():
    assert lab_timeline.lanes(GREENLET_PINGPONG) == ["root", "main", "ping-0", "pong-0"]


def test_a_direct_switch_is_told_apart_from_a_trip_through_the_loop():
    assert lab_timeline.counts(GREENLET_PINGPONG) == (2, 4)
    assert lab_timeline.counts(ASYNCIO_PINGPONG) == (0, 4)


def lane_labels(tmp_path, monkeypatch, model, switches):
    """The lane labels of the timeline draw() makes, read from its figure as it is closed."""
    closed = []
    close = lab_timeline.plt.close
    monkeypatch.setattr(lab_timeline.plt, "close", lambda figure: closed.append(figure) or close(figure))
    lab_timeline.draw(tmp_path / "t.png", "pingpong", model, switches)
    [figure] = closed
    return [tick.get_text() for tick in figure.axes[0].get_yticklabels()]


def test_a_timeline_draws_a_lane_per_task_above_the_scheduler_lane(tmp_path, monkeypatch):
    assert lane_labels(tmp_path, monkeypatch, "greenlet", GREENLET_PINGPONG) == [
        "root (our scheduler's loop)", "main", "ping-0", "pong-0"]
    assert lane_labels(tmp_path, monkeypatch, "asyncio", ASYNCIO_PINGPONG) == ["loop", "ping-0", "pong-0"]


def test_on_gevent_the_root_lane_is_named_the_caller_not_the_scheduler(tmp_path, monkeypatch):
    assert lane_labels(tmp_path, monkeypatch, "gevent", GREENLET_PINGPONG)[0] == lab_timeline.ROOT_ON_GEVENT


def test_every_timeline_is_written_as_a_png_of_one_size(tmp_path):
    small = lab_timeline.draw(tmp_path / "small.png", "pingpong", "greenlet", GREENLET_PINGPONG[:2])
    large = lab_timeline.draw(tmp_path / "large.png", "pingpong", "greenlet", GREENLET_PINGPONG * 6)
    shapes = {matplotlib.image.imread(tmp_path / name).shape for name in (small, large)}
    assert len(shapes) == 1 and next(iter(shapes))[1] == 720


def test_the_section_draws_every_model_that_ran_and_names_one_that_did_not(tmp_path):
    timelines = {"command": "make sweep SWEEPS=timelines", "scenes": {"pingpong": {"params": {"rounds": 5}, "models": {
        "greenlet": {"status": "ok", "error": None, "switches": GREENLET_PINGPONG},
        "asyncio": {"status": "ok", "error": None, "switches": ASYNCIO_PINGPONG},
        "threads": {"status": "crashed", "error": "worker killed by SIGSEGV", "switches": []}}}}}
    html = lab_timeline.section(timelines, tmp_path)
    assert "timeline_pingpong_greenlet.png" in html and "timeline_pingpong_asyncio.png" in html
    assert "threads: crashed: worker killed by SIGSEGV" in html
    assert (tmp_path / "timeline_pingpong_asyncio.png").exists()
    assert lab_timeline.section({}, tmp_path) == ""


def test_trace_prints_the_switches_of_threads_too():
    done = subprocess.run([sys.executable, "-m", "fiberlab", "run", "pingpong", "--param", "rounds=3",
                           "--models", "threads", "--trace"], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("[threads]")]
    assert "[threads] ping-0 -> kernel" in lines and "[threads] kernel -> pong-0" in lines
    assert len(lines) >= 2 * 3  # three rounds: at least a wait and a wake each


def test_the_timeline_of_threads_comes_from_a_traced_worker_run():
    run = lab_timeline.trace_one("pingpong", "threads")
    assert run["status"] == "ok"
    names = {name for pair in run["switches"] for name in pair}
    assert {"kernel", "ping-0", "pong-0", "ping-1", "pong-1"} <= names
