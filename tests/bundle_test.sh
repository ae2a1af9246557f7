#!/usr/bin/env bash
# The bundle test (`make test-bundle`): the .deb `make bundle` built is installed on this
# machine, started the way the desktop starts it (the Exec line of its .desktop entry, on
# a Duly store as a double-click would pass it) under Xvfb until its window shows, its
# `duly check` run on the demo, and it is removed again, leaving nothing behind. Before
# that, the wheel `pip install .` builds is installed into a fresh venv and run.
# Screenshots and timings go to test-artefacts/bundle/.
# `tests/bundle_test.sh --timings` instead compares the start-up time (launch to window,
# three runs each, interleaved) of the installed bundle and of `python main.py`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=$root/.venv/bin/python
artefacts=$root/test-artefacts/bundle
mkdir -p "$artefacts"
work=$(mktemp -d)
installed=""
# A failed run still leaves the machine as it found it: the package removed, the files gone.
cleanup() {
  [ -z "$installed" ] || apt-get remove -y -qq duly >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# The window and `duly` keep their settings and stores in a home of their own.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

say() { echo "bundle test: $*"; }
fail() { echo "bundle test FAILED: $*" >&2; exit 1; }

# Seconds from starting COMMAND... under a fresh Xvfb until a window named Duly shows;
# a screenshot of the screen once it has settled is saved as SHOT. Then it is closed.
# xvfb-run -a can hand out a display another X server on a shared machine is taking at
# the same moment ("could not connect to display"): that one try is made again.
time_to_window() {
  local attempt
  for attempt in 1 2; do
    if window_once "$@"; then return 0; fi
    grep -q "could not connect to display" "$1.log" 2>/dev/null || return 1
    echo "bundle test: the virtual screen was taken; trying again" >&2
  done
  return 1
}

window_once() {
  local shot=$1; shift
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
    shot=$1; shift
    start=$(date +%s.%N)
    "$@" >"$shot.log" 2>&1 & pid=$!
    deadline=$(( $(date +%s) + 60 ))
    until xdotool search --onlyvisible --name "^Duly" >/dev/null 2>&1; do
      kill -0 $pid 2>/dev/null || { echo "the program ended before its window showed" >&2; exit 1; }
      [ "$(date +%s)" -lt $deadline ] || { echo "no window within 60 s" >&2; kill $pid; exit 1; }
      sleep 0.05
    done
    end=$(date +%s.%N)
    # The screenshot once the pages have drawn: two frames alike, half a second apart.
    import -window root "$shot"
    deadline=$(( $(date +%s) + 30 ))
    while [ "$(date +%s)" -lt $deadline ]; do
      sleep 0.5
      import -window root "$shot.next.png"
      cmp -s "$shot" "$shot.next.png" && break
      mv "$shot.next.png" "$shot"
    done
    rm -f "$shot.next.png"
    kill $pid; wait $pid 2>/dev/null || true
    awk -v a="$start" -v b="$end" "BEGIN { printf \"%.2f\\n\", b - a }"
  ' bash "$shot" "$@"
}

# The Exec line of the installed desktop entry, %f given FILE (as a double-click does).
desktop_exec() {
  local line
  line=$(sed -n 's/^Exec=//p' /usr/share/applications/duly.desktop)
  echo "${line//%f/$1}"
}

if [ "${1:-}" = "--timings" ]; then
  [ -x /opt/duly/duly ] || fail "install the .deb first (make bundle; apt-get install ./dist/duly_*.deb)"
  duly --db "$work/demo.sqlite" demo >/dev/null
  for run in 1 2 3; do
    b=$(time_to_window "$artefacts/timing-bundle.png" /opt/duly/duly --db "$work/demo.sqlite")
    v=$(time_to_window "$artefacts/timing-venv.png" "$python" main.py --db "$work/demo.sqlite")
    echo "run $run: bundle $b s, python main.py $v s" | tee -a "$artefacts/timings.txt"
  done
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  say "skipped: installing the .deb needs root on Debian or Ubuntu (run 'sudo make test-bundle')"
  exit 0
fi
deb=$(ls dist/duly_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "no dist/duly_*.deb: run 'make bundle' first"

say "pip install of the wheel into a fresh venv"
"$python" -m pip wheel --quiet --no-deps -w "$work/wheel" . 2>&1 | grep -v '^WARNING: Location' || true
"$python" -m venv "$work/venv"
# The dependencies are the project venv's own (already installed), not downloaded again.
"$python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" \
  > "$("$work/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")/deps.pth"
"$work/venv/bin/python" -m pip install --quiet --no-deps --no-index "$work"/wheel/duly-*.whl
(cd "$work" && "$work/venv/bin/duly" --db wheel.sqlite demo --customers 5 >/dev/null \
  && "$work/venv/bin/duly" --db wheel.sqlite check) || fail "the pip-installed duly"

say "installing $deb"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "./$deb" >"$artefacts/apt-install.log" 2>&1 \
  || { apt-get update -qq && apt-get install -y -qq "./$deb" >"$artefacts/apt-install.log" 2>&1; } \
  || fail "apt-get install ./$deb (see $artefacts/apt-install.log)"
installed=yes
[ "$(readlink -f "$(command -v duly)")" = /opt/duly/duly ] || fail "duly on the PATH is not /opt/duly/duly"

say "the installed duly's demo and check"
(cd "$work" && duly --db "$work/demo.sqlite" demo >/dev/null) || fail "duly demo"
duly --db "$work/demo.sqlite" check || fail "duly check"

say "the demo store is a Duly store to the desktop, a plain SQLite file is not"
"$python" - "$work/demo.sqlite" <<'PY' || fail "the MIME type of Duly stores"
import sqlite3, sys
from PySide6.QtCore import QMimeDatabase
plain = sys.argv[1] + ".plain.sqlite"
sqlite3.connect(plain).execute("create table t (x)").connection.commit()
kinds = [QMimeDatabase().mimeTypeForFile(p).name() for p in (sys.argv[1], plain)]
print(" ", kinds)
sys.exit(kinds != ["application/x-duly-store", "application/vnd.sqlite3"])
PY

say "starting it through its desktop entry on the demo store"
exec_line=$(desktop_exec "$work/demo.sqlite")
# shellcheck disable=SC2086  # the Exec line is words, as the desktop splits it
seconds=$(time_to_window "$artefacts/installed-window.png" $exec_line) \
  || fail "no window (see $artefacts/installed-window.png.log)"
say "window after $seconds s; screenshot $artefacts/installed-window.png"
echo "$seconds" > "$artefacts/time-to-window.txt"
du -sh /opt/duly | tee "$artefacts/bundle-size.txt"

say "removing it"
apt-get remove -y -qq duly >"$artefacts/apt-remove.log" 2>&1 || fail "apt-get remove duly"
installed=""
for path in /opt/duly /usr/bin/duly /usr/share/applications/duly.desktop \
            /usr/share/mime/packages/duly.xml /usr/share/icons/hicolor/scalable/apps/duly.svg; do
  [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path is still there after apt-get remove"
done
say "passed"
