/** Where the launcher and pytest's throwaway folders go in the verifier's scratch folder. */
export interface PytestLauncherPaths {
  /** The trusted config for `-c`: the fixture's own (relative to the workdir), or an empty one in scratch. */
  config: string
  /** pytest's cache folder (`-o cache_dir=`), outside the workdir. */
  cacheDir: string
}

/**
 * The Python script the pytest command runs (`python3 -B "$EVALBOX_PYTEST" ...`). Run as a
 * script from the scratch folder, Python puts that folder, not the workdir, on `sys.path`,
 * so the workdir cannot stand in for pytest, pluggy or pytest's own plugins (a `pytest.py`
 * there is the runner under `python3 -m pytest`); the launcher imports them all, then puts
 * the workdir first on `sys.path` as `python3 -m pytest` does, so the tests still import
 * the code under test from it. It then runs pytest with the trusted config (`-c`; no other
 * config file is read), the workdir as rootdir, and the cache outside the workdir. A
 * missing pytest prints Python's own `No module named pytest`.
 */
export function pytestLauncher(paths: PytestLauncherPaths): string {
  const args = ['-c', paths.config, '--rootdir', '.', '-o', `cache_dir=${paths.cacheDir}`]
  return `"""evalbox's pytest launcher (src/graders/unit-tests/pytest-launcher.ts)."""
import importlib
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
workdir = os.getcwd()
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") not in (here, workdir)]
try:
    import pytest
except ModuleNotFoundError as error:
    if error.name != "pytest":
        raise
    sys.exit(sys.executable + ": No module named pytest")
from _pytest.config import default_plugins

for name in [*("_pytest." + plugin for plugin in default_plugins), "tomllib", "tomli", "doctest"]:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
sys.path.insert(0, workdir)
sys.argv[1:1] = ${JSON.stringify(args)}
sys.exit(pytest.console_main())
`
}
