# Two commands for a new user: `make run` and `make test` (see README.md).
# Everything else here is what those two need.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum < setup.cfg | cut -d' ' -f1)

# The fallback fonts documents embed for what DejaVu Sans lacks: Chinese, Japanese and
# Korean (fonts-droid-fallback), Thai (fonts-noto-core), emoji (fonts-symbola). Without
# them Duly still runs, and refuses a letter whose name it cannot print.
FONT_DEBS := fonts-droid-fallback fonts-noto-core fonts-symbola
# Debian packages the Qt window needs on a desktop (xcb platform plugin).
RUN_DEBS  := $(FONT_DEBS) python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0 \
             libxkbcommon-x11-0 libdbus-1-3 libglib2.0-0 libxcb-cursor0 \
             libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
             libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
# The bundle: PyInstaller strips its libraries with binutils' strip. Its test: the
# installed app's window under Xvfb, seen with xdotool and photographed with
# ImageMagick's import; the bundle itself runs on the X11 libraries.
BUNDLE_DEBS := $(RUN_DEBS) binutils xvfb xauth xdotool imagemagick
# What the headless test suite needs (Qt offscreen), a private D-Bus session
# (dbus-run-session is in dbus-daemon) with a real Secret Service for the keyring tests,
# and FUSE (fusermount in fuse3, the library fusepy loads in libfuse2) for the power cuts;
# PostgreSQL for the store on a server (tests/postgres_server.py starts a throwaway cluster
# as the postgres user the package makes; without it those tests are skipped, with a line).
TEST_DEBS := $(sort $(FONT_DEBS) python3-venv libegl1 libgl1 libfontconfig1 libxkbcommon0 \
             libdbus-1-3 libglib2.0-0 dbus-daemon gnome-keyring fuse3 libfuse2 postgresql \
             $(BUNDLE_DEBS))

.PHONY: run test lint bench messages clean debs-run debs-test bundle test-bundle

run: debs-run $(STAMP)
	$(PY) main.py

# The suite runs in a private D-Bus session with a private, unlocked keyring (never the
# developer's own); without dbus-run-session or gnome-keyring the keyring tests skip.
# One worker a core (pytest-xdist): each starts its own throwaway PostgreSQL cluster.
TEST_WORKERS ?= auto
test: debs-test $(STAMP) lint test-bundle
	sh tests/with_keyring.sh $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The Linux app: a PyInstaller bundle (packaging/duly.spec) in dist/duly, packed into
# dist/duly_<version>_<arch>.deb (packaging/linux/build-deb.sh).
bundle: $(STAMP)
	rm -rf dist build/work
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/work \
	  packaging/duly.spec
	bash packaging/linux/build-deb.sh $(PY)

# Installs the .deb, opens its window under Xvfb, checks the demo, removes it (as root).
test-bundle: bundle
	bash tests/bundle_test.sh

lint: $(STAMP)
	$(PY) -m ruff check main.py models reports ui tests
	$(PY) -m mypy models reports

bench: $(STAMP)
	$(PY) -m tests.benchmarks

# After changing a word the documents print: the template of the catalogues, then each
# language's catalogue brought up to it (new words untranslated, for the translator).
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -k say \
	  --project=Duly --copyright-holder=Duly -o resources/locale/duly.pot models reports
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -D duly \
	  -i resources/locale/duly.pot -d resources/locale

$(STAMP): setup.cfg
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) packaging/pins.py test bundle > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Installs missing Debian packages when run as root; otherwise names them.
debs-run:
	@$(MAKE) --no-print-directory _debs DEBS="$(RUN_DEBS)"
debs-test:
	@$(MAKE) --no-print-directory _debs DEBS="$(TEST_DEBS)"
_debs:
	@command -v dpkg-query >/dev/null || exit 0; \
	missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "Duly needs these Debian packages first:"; \
	  echo "  sudo apt-get install$$missing"; exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist test-artefacts

# The user guide's screenshots (resources/help/images), taken from the real window on the
# demo company so they never go stale; commit what it makes.
.PHONY: help-screenshots
help-screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) tests/help_screenshots.py
