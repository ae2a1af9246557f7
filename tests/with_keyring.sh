#!/bin/sh
# Runs a command (the test suite) in a private D-Bus session with a private, unlocked
# gnome-keyring, so the keyring tests use a real Secret Service and never touch the
# developer's own keyring:  sh tests/with_keyring.sh .venv/bin/python -m pytest
#
# Without dbus-run-session (Debian: dbus-daemon) or gnome-keyring-daemon (gnome-keyring)
# the command runs as it is, and the keyring tests skip saying what to install.
set -u

# The private keyring's own password: it guards nothing but test passwords. The tests
# use it to unlock the keyring again after locking it.
TEST_KEYRING_PASSWORD=duly-test

if [ -z "${DULY_KEYRING_HOME:-}" ]; then
  if ! command -v dbus-run-session >/dev/null 2>&1; then
    echo "with_keyring.sh: no dbus-run-session (Debian package dbus-daemon): the keyring" \
         "tests will skip." >&2
    exec "$@"
  fi
  # Outside the private bus: make the keyring's home, run inside, and clear up after the
  # bus (and with it the daemon) has gone.
  DULY_KEYRING_HOME=$(mktemp -d "${TMPDIR:-/tmp}/duly-test-keyring-XXXXXX") || exit 1
  export DULY_KEYRING_HOME
  trap 'rm -rf "$DULY_KEYRING_HOME"' EXIT
  trap 'exit 130' INT TERM
  # No display in the private session: a keyring prompt fails at once (as if dismissed)
  # instead of waiting for someone to answer it. The suite runs Qt offscreen anyway.
  env -u DISPLAY -u WAYLAND_DISPLAY dbus-run-session -- sh "$0" "$@"
  exit $?
fi

if ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with_keyring.sh: no gnome-keyring-daemon (Debian package gnome-keyring): the" \
       "keyring tests will skip." >&2
  exec "$@"
fi

# The daemon gets its own home and runtime folder, so it never opens the developer's
# login keyring or talks to their running daemon. It leaves when the bus does.
mkdir -p "$DULY_KEYRING_HOME/data" "$DULY_KEYRING_HOME/config" "$DULY_KEYRING_HOME/run"
chmod 700 "$DULY_KEYRING_HOME/run"
printf '%s' "$TEST_KEYRING_PASSWORD" | env HOME="$DULY_KEYRING_HOME" \
  XDG_DATA_HOME="$DULY_KEYRING_HOME/data" XDG_CONFIG_HOME="$DULY_KEYRING_HOME/config" \
  XDG_RUNTIME_DIR="$DULY_KEYRING_HOME/run" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null || {
  echo "with_keyring.sh: gnome-keyring-daemon did not start." >&2; exit 1; }

export DULY_TEST_KEYRING="$TEST_KEYRING_PASSWORD"
exec "$@"
