"""``plenary serve`` under cProfile, switched by signals so that a profile holds one bench
cell and not the joins before it: SIGUSR1 starts profiling the event loop's thread,
SIGUSR2 stops and writes the statistics to the file named by the first argument.

    python bench/fanout/profiled_server.py OUT.prof serve --port 8000
"""

import cProfile
import signal
import sys
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from server.cli import main

profile = cProfile.Profile()


def start(signum: int, frame: FrameType | None) -> None:
    profile.enable()


def stop(signum: int, frame: FrameType | None) -> None:
    profile.disable()
    profile.dump_stats(OUT)


if __name__ == "__main__":
    OUT = sys.argv.pop(1)
    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    main()
