# Quick start: `make build` builds source_notes/ into build/; `make test` runs the suite.
# Both first install what is missing: Debian packages (CJK and symbol fonts, Pango, HarfBuzz subsetting,
# poppler), the virtualenv and the package with its test extras.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := python3-venv fontconfig fonts-noto-cjk fonts-symbola libharfbuzz-subset0 libpango-1.0-0 \
                libpangoft2-1.0-0 libharfbuzz0b poppler-utils

.PHONY: build test lint bench install system-packages clean pictures

build: install
	$(VENV)/bin/cheatdeck build

test: install
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: install
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: install
	$(PY) bench/run.py

install: system-packages $(STAMP)

# Installs only the packages dpkg does not already list as installed.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml
	[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf build .pytest_cache

# The README's pictures (cheat sheet pages, cards as Anki renders them).
pictures: build
	$(PY) docs/render_pictures.py
