"""`python -m kb.level_cv [--nested]`: the old name of `python -m kb.levels.cv`, kept working."""

import runpy

if __name__ == "__main__":
    runpy.run_module("kb.levels.cv", run_name="__main__", alter_sys=True)
