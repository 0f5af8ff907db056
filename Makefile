# Every target sets up .venv on first use, so each is the only command needed
# on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The toolchain's exact versions (see its header); every pip install below uses it.
CONSTRAINTS := constraints.txt
PIP_INSTALL = $(BIN)/python -m pip install --quiet --constraint $(CONSTRAINTS)
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: dates come from the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: serve build deploy test lint validate init offline zensical bench bench-pictures fuzz lock clean

# The test and zensical extras both: `make test` runs tests/test_zensical.py.
$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade pip
	$(PIP_INSTALL) -e '.[test,zensical]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict

# Like every `briefing` command, these read briefings_dir and templates_dir from
# mkdocs.yml, as the site does: no folder is named here.
validate: $(STAMP)
	$(BIN)/briefing validate --strict

# Start a briefing: a small example to replace, in mkdocs.yml's briefings_dir or in
# DIR (make init DIR=my-briefing); never overwrites.
init: $(STAMP)
	$(BIN)/briefing init $(DIR)

# axe-core for tests/test_accessibility.py, from the npm registry at the version in
# package-lock.json (never a CDN). Without npm that test is skipped (under CI=true, it fails).
AXE := node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund && touch $@; \
	else echo "warning: npm not found: install Node.js and npm for the accessibility tests" >&2; fi

test: $(STAMP) lint $(AXE)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

# Publish from this machine to the gh-pages branch of a remote you name (no default:
# in a clone, origin is wherever you cloned from): make deploy REMOTE=upstream
deploy: $(STAMP)
	sh scripts/deploy.sh "$(REMOTE)" $(BIN)/mkdocs

# A copy that works opened from disk (file://), search included, zipped for e-mail or USB.
offline: $(STAMP)
	rm -rf build/offline && mkdir -p build
	OFFLINE=true $(BIN)/mkdocs build --strict --site-dir build/offline/briefing
	cd build/offline && ../../$(BIN)/python -m zipfile -c ../briefing-offline.zip briefing
	@echo "wrote build/briefing-offline.zip (open briefing/index.html after unpacking)"

# Zensical runs no third-party MkDocs plugins: render the Markdown tree first,
# then build it with a config that inherits mkdocs.yml.
zensical: $(STAMP)
	rm -rf build/zensical && mkdir -p build/zensical
	$(BIN)/briefing render --out build/zensical/docs
	printf 'INHERIT: ../../mkdocs.yml\ndocs_dir: docs\nsite_dir: site\ntheme:\n  name: material\n  custom_dir: ../../templates/theme\n' > build/zensical/mkdocs.yml
	cd build/zensical && ../../$(BIN)/zensical build -f mkdocs.yml
	@echo "wrote build/zensical/site"

# Longer fuzzing than `make test` runs (hypothesis; minutes).
fuzz: $(STAMP)
	FUZZ_EXAMPLES=2000 $(BIN)/python -m pytest tests/test_fuzz.py -q

# Benchmarks (minutes): prints a table and writes benchmarks/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# What the maps and the activity chart cost at N=1,000 (a few minutes); updates RESULTS.md.
bench-pictures: $(STAMP)
	$(BIN)/python benchmarks/pictures.py

# Rewrite constraints.txt with the newest releases pyproject.toml allows, resolved in
# a throwaway venv (its header is kept). Then run `make test`, which installs them,
# and commit constraints.txt only if it passes.
LOCK_VENV := build/lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/python -m pip install --quiet -e '.[test,zensical]'
	sed '/^[^#]/,$$d' $(CONSTRAINTS) > $(CONSTRAINTS).new
	$(LOCK_VENV)/bin/python -m pip freeze --exclude-editable >> $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf $(LOCK_VENV)
	@echo "wrote $(CONSTRAINTS); run make test before committing it"

clean:
	rm -rf site build .cache .pytest_cache .mypy_cache .ruff_cache
